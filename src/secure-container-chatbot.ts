import { CfnOutput, RemovalPolicy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ChatbotAuth, IChatbotLoginActions } from './auth/chatbot-auth';
import { ChatbotOidcAuth } from './auth/chatbot-oidc-auth';
import { ChatbotUserPoolWebAcl } from './auth/chatbot-user-pool-web-acl';
import { ChatbotBackend, ChatbotBackendOptions } from './backend/chatbot-backend';
import { validateBackendOptions } from './backend/validate-backend';
import { ChatbotGuardrail } from './bedrock/chatbot-guardrail';
import { ChatbotInvocationLogging, ChatbotInvocationLoggingOptions } from './bedrock/chatbot-invocation-logging';
import { ChatbotConversationHistoryOptions, ChatbotConversations } from './conversations/chatbot-conversations';
import { validateConversationHistory } from './conversations/validate-conversations';
import { ChatbotEdge } from './edge/chatbot-edge';
import { EDGE_REGION, edgeScopeId, edgeStackOf } from './edge/edge-stack';
import { ChatbotEndpoints } from './endpoints/chatbot-endpoints';
import { ChatbotHttpApi } from './ingress/chatbot-http-api';
import { ChatbotCloudFrontIngressOptions, ChatbotIngress } from './ingress/chatbot-ingress';
import { ChatbotLoadBalancer } from './ingress/chatbot-load-balancer';
import { ChatbotMonitoring } from './monitoring/chatbot-monitoring';
import { ChatbotEgress, ChatbotNetwork, ChatbotNetworkProps } from './network/chatbot-network';
import { ChatbotOriginVerify } from './origin-verify/chatbot-origin-verify';
import { ChatbotContainerOptions } from './service/chatbot-container-options';
import { ChatbotService } from './service/chatbot-service';
import { ChatbotDeploymentSettings } from './service/deployment-settings';
import { createLogsKey } from './shared/encryption';
import { createServiceLogBucket } from './shared/log-bucket';
import { withPropPrefix } from './shared/prop-prefix';
import { checkDeletionProtection, checkRemovalPolicy } from './shared/removal-policy';
import { PropsValidator, isInZone, isKnown, isValidDomainName, regionOfArn, tryZoneName } from './shared/validation';
import { ChatbotStorage, ChatbotStorageOptions } from './storage/chatbot-storage';

/**
 * Props for `SecureContainerChatbot`.
 */
export interface SecureContainerChatbotProps {
  /**
   * The chat app's container: its image, port, health check path, user, writable directories,
   * command, environment, secrets and task size. The defaults fit Streamlit.
   */
  readonly container: ChatbotContainerOptions;

  /** The public domain of the app, such as `chat.example.com`. */
  readonly domainName: string;

  /**
   * The Route 53 hosted zone holding `domainName`. The CloudFront parts live in us-east-1; when
   * your stack is in another region they go to a companion stack, which needs the zone's ID and
   * name at synth time: import the zone with `HostedZone.fromHostedZoneAttributes` (or
   * `HostedZone.fromLookup`).
   *
   * Without it (DNS outside Route 53), bring the certificates (`certificate` and, with a CloudFront
   * ingress, `ingress.edgeCertificate`), validated at your DNS provider: the construct then creates
   * no Route 53 record, and each record to create at your provider is a stack output
   * (`DnsRecord...`: name, type, target).
   *
   * @default - none: DNS outside Route 53, which needs the certificates
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * The public entry, with the options of that variant: `ChatbotIngress.cloudFront()` (CloudFront
   * + WAF + load balancer with Cognito's browser login) or `ChatbotIngress.httpApi()` (an HTTP API
   * with a JWT authorizer, for API clients).
   *
   * @default ChatbotIngress.cloudFront()
   */
  readonly ingress?: ChatbotIngress;

  /**
   * Amazon Bedrock models the app may invoke, as the Bedrock console shows them: foundation-model
   * ids (`anthropic.claude-3-haiku-20240307-v1:0`), geographic or global inference profile ids
   * (`eu.anthropic.claude-3-haiku-20240307-v1:0`, `us.`, `apac.`, `jp.`, `au.`, `global.`), or ARNs
   * (including application inference profiles). The task role may invoke exactly these, including
   * the foundation models a profile routes to, only through that profile (see the README's Bedrock
   * section). The first one reaches the container as `BEDROCK_MODEL_ID`, all of them as
   * `BEDROCK_ALLOWED_MODELS` (comma-separated).
   *
   * @default - no Bedrock access
   */
  readonly bedrockModels?: string[];

  /**
   * A Bedrock guardrail for every model call of the app (and of the backend, when it has
   * `bedrockModels` and no guardrail of its own): `ChatbotGuardrail.create({...})` or
   * `ChatbotGuardrail.fromArn(arn, version)`. The task role may invoke the models only with it; its
   * id and version reach the container as `BEDROCK_GUARDRAIL_ID` and `BEDROCK_GUARDRAIL_VERSION`.
   *
   * @default - no guardrail
   */
  readonly bedrockGuardrail?: ChatbotGuardrail;

  /**
   * Bedrock knowledge bases (ids or ARNs) the app may query (`bedrock:Retrieve`,
   * `bedrock:RetrieveAndGenerate`). Adds the `bedrock-agent-runtime` interface endpoint (about
   * 7.30 USD a month per Availability Zone) when the construct creates the VPC endpoints.
   *
   * @default - none
   */
  readonly bedrockKnowledgeBases?: string[];

  /**
   * Turns on Amazon Bedrock model invocation logging into a log group encrypted with the
   * chatbot's key. The setting is per account and region: it covers every Bedrock call there and
   * replaces any earlier setting, which is put back when the stack is deleted. Uses the library's
   * one custom resource (CloudFormation has no resource for this setting).
   *
   * @default - invocation logging is left as it is (off unless the account turned it on)
   */
  readonly bedrockInvocationLogging?: ChatbotInvocationLoggingOptions;

  /**
   * How many tasks to run (at least 2), and the autoscaling minimum.
   *
   * @default 2
   */
  readonly desiredCount?: number;

  /**
   * The most tasks autoscaling may run (target tracking on CPU and memory); `desiredCount` is the
   * minimum.
   *
   * @default - equal to `desiredCount` (no autoscaling)
   */
  readonly maxTaskCount?: number;

  /**
   * The average CPU utilization, in percent, that autoscaling keeps the tasks at. Needs a
   * `maxTaskCount` above `desiredCount`.
   *
   * @default 60
   */
  readonly cpuTargetPercent?: number;

  /**
   * The average memory utilization, in percent, that autoscaling keeps the tasks at. Needs a
   * `maxTaskCount` above `desiredCount`.
   *
   * @default 70
   */
  readonly memoryTargetPercent?: number;

  /**
   * An S3 bucket for files and a DynamoDB table for metadata, granted to the task and reached
   * through gateway endpoints. Their names reach the container as `FILES_BUCKET` and
   * `METADATA_TABLE`.
   *
   * @default - no storage
   */
  readonly storage?: ChatbotStorageOptions;

  /**
   * Each user's conversations, kept in a DynamoDB table (`ChatbotConversations`) encrypted with
   * the chatbot's key, granted to the task and reached through a DynamoDB gateway endpoint. Its
   * name reaches the container as `CONVERSATIONS_TABLE`, the retention in days as
   * `CONVERSATIONS_RETENTION_DAYS`. The app keys them by the identity that the ingress verified
   * (`IDENTITY_SOURCE`, set with every ingress, says where it reads it). The table follows
   * `removalPolicy`.
   *
   * @default - on: a new table, messages kept 90 days
   */
  readonly conversationHistory?: ChatbotConversationHistoryOptions;

  /**
   * Address plan of the new VPC: its CIDR, explicit subnet CIDRs, and a secondary CIDR whose
   * subnets hold the tasks. `egress` on this construct overrides the one here. Refused with `vpc`
   * and `cluster`, which bring their own VPC.
   *
   * @default - 10.0.0.0/16, subnets allocated automatically, tasks in the private subnets
   */
  readonly networkOptions?: ChatbotNetworkProps;

  /**
   * How the tasks reach AWS services and the internet: VPC endpoints only, or a NAT gateway (one
   * shared, or one per AZ) for third-party APIs. The VPC endpoints stay in NAT mode: AWS traffic
   * then skips the NAT gateway's data-processing charge. With `vpc`, it states how that VPC's
   * private subnets reach out, and is checked against it.
   *
   * @default ChatbotEgress.VPC_ENDPOINTS_ONLY
   */
  readonly egress?: ChatbotEgress;

  /**
   * A private backend service behind an internal HTTPS load balancer, reachable only from the
   * frontend tasks, at `https://backend.<domainName>` (passed to the frontend as `BACKEND_URL`).
   *
   * @default - no backend
   */
  readonly backend?: ChatbotBackendOptions;

  /**
   * An existing VPC with public subnets (for the load balancer) and private subnets (for the
   * tasks) in at least two Availability Zones.
   *
   * @default - a new VPC (`ChatbotNetwork`): 2 AZs, no NAT gateway, flow logs
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Deployment timings (health checks, deregistration delay, grace period, stop timeout, minimum
   * and maximum percent), chosen for Streamlit by default; the modelled critical path is documented
   * on `ChatbotDeploymentSettings`.
   *
   * @default - see `ChatbotDeploymentSettings`
   */
  readonly deployment?: ChatbotDeploymentSettings;

  /**
   * Put the interface endpoints in one Availability Zone instead of each (about half their idle
   * cost; tasks in the other zone cross zones and depend on that zone). Refused when no endpoints
   * are created (`vpcEndpoints: false`, or a `vpc` or `cluster` without `vpcEndpoints: true`).
   *
   * @default false
   */
  readonly interfaceEndpointsInOneAz?: boolean;

  /**
   * Whether to create the VPC endpoints the tasks need (S3 gateway; bedrock-runtime, ecr.api,
   * ecr.dkr and logs interface endpoints, and secretsmanager when a container has secrets). Turn it off for a VPC that already has them or
   * reaches AWS through a NAT gateway. A new VPC without a NAT gateway needs them.
   *
   * @default - true for a new VPC, false for one given in `vpc` or `cluster`
   */
  readonly vpcEndpoints?: boolean;

  /**
   * An existing ECS cluster, in `vpc`.
   *
   * @default - a new cluster with Container Insights
   */
  readonly cluster?: ecs.ICluster;

  /**
   * An existing Cognito user pool. With the CloudFront ingress, also pass its `userPoolClient` and
   * `userPoolDomain` there, or neither (a client and a domain are then added to your pool).
   *
   * @default - a new user pool (see `ChatbotAuth`)
   */
  readonly userPool?: cognito.IUserPool;

  /**
   * MFA requirement of the new user pool. Refused with `userPool`.
   *
   * @default cognito.Mfa.REQUIRED
   */
  readonly mfa?: cognito.Mfa;

  /**
   * Feature plan of the new user pool. Refused with `userPool`.
   *
   * @default cognito.FeaturePlan.ESSENTIALS
   */
  readonly featurePlan?: cognito.FeaturePlan;

  /**
   * The regional certificate, in this stack's region, covering `domainName`, the CloudFront
   * ingress's `originDomainName` (not with `ChatbotIngress.cloudFrontVpcOrigin()`, which has no
   * origin name) and, with `backend`, `backend.<domainName>`. Required without `hostedZone`.
   *
   * @default - a new DNS-validated certificate
   */
  readonly certificate?: acm.ICertificate;

  /**
   * Retention of every log group the construct creates.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the resources holding data (user pool, KMS keys, log groups, log buckets and,
   * with `storage`, the bucket, table and backups) when the stack is deleted, in every stack of the
   * chatbot including the us-east-1 edge stack.
   *
   * - `RemovalPolicy.RETAIN` keeps them; the user pool and the table also have deletion
   *   protection. Retained resources carry no fixed names, so the same stack deploys again after
   *   a deletion.
   * - `RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE` keeps them too, except that the rollback of a
   *   failed first deployment deletes them; the user pool and the table then have no deletion
   *   protection (it would make that rollback fail), and buckets stay RETAIN (CloudFormation
   *   cannot delete a bucket that already received logs).
   * - `RemovalPolicy.DESTROY`, for a trial deployment, deletes everything with the stack: buckets
   *   are emptied first, nothing has deletion protection, and `storage` gets no AWS Backup plan
   *   (a vault holding recovery points cannot be deleted).
   *
   * `storage.removalPolicy`, when given, overrides this for the storage.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Deletion protection on every load balancer the construct creates (the public one, the
   * backend's, the HTTP API's). A production opt-in: turn it on once the stack has deployed
   * successfully (CloudFormation cannot delete a protected load balancer, so the rollback of a
   * failed first deployment would fail), and off again before deleting the stack. Refused
   * together with `removalPolicy: DESTROY`.
   *
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/**
 * A containerized chat app (Streamlit on port 8501 by default; any web UI through `container`)
 * behind CloudFront and WAF, with Cognito login on a load balancer that only CloudFront can reach,
 * on ECS Fargate in private subnets of two Availability Zones that reach AWS through VPC endpoints.
 * With `ChatbotIngress.httpApi()` the entry is an HTTP API with a JWT authorizer instead.
 *
 * When the stack is not in us-east-1, the CloudFront distribution, its web ACL and its
 * certificate go to a companion stack in us-east-1 (`edgeStack`), tied to this one by values
 * known at synth time only (the origin's DNS name and the origin-verify secret's name).
 *
 * The parts that only one ingress has (`loadBalancer`, `edge`, `edgeStack`, `originVerify`,
 * `originVerifySecret` for `ChatbotIngress.cloudFront()`; `httpApi` for `ChatbotIngress.httpApi()`)
 * are never silently undefined: reading one of them on a chatbot of the other ingress throws an
 * `Error` that names the ingress it needs. Check `ingress.variant` first when code serves both.
 */
export class SecureContainerChatbot extends Construct {
  /** The network, when this construct created the VPC; undefined with `vpc` or `cluster`. */
  public readonly network?: ChatbotNetwork;

  /** The VPC. */
  public readonly vpc: ec2.IVpc;

  /** The VPC endpoints; undefined when none were created (see `vpcEndpoints`). */
  public readonly endpoints?: ChatbotEndpoints;

  /** The Fargate service and its task definition. */
  public readonly service: ChatbotService;

  /** Files and metadata; undefined without `storage`. */
  public readonly storage?: ChatbotStorage;

  /** The conversation store; undefined with `conversationHistory: { enabled: false }`. */
  public readonly conversations?: ChatbotConversations;

  /** Bedrock model invocation logging; undefined without `bedrockInvocationLogging`. */
  public readonly invocationLogging?: ChatbotInvocationLogging;

  /** The backend service; undefined without `backend`. */
  public readonly backend?: ChatbotBackend;

  /**
   * The bucket of this stack's access logs that only S3 can receive: the files bucket's server
   * access logs (with `storage`) and the HTTP API's Network Load Balancer. Undefined when nothing
   * needs it: the Application Load Balancers deliver their access logs into KMS-encrypted log
   * groups instead (`loadBalancer.accessLogGroup`).
   */
  public readonly accessLogsBucket?: s3.Bucket;

  /**
   * Alarms (and the dashboard, when asked for); undefined with `monitoring: false` and with the HTTP API ingress, which
   * has none yet.
   */
  public readonly monitoring?: ChatbotMonitoring;

  /**
   * The login on the load balancer without Cognito; undefined unless the CloudFront ingress has
   * `oidc`.
   */
  public readonly oidcAuth?: ChatbotOidcAuth;

  /**
   * The regional web ACL on the user pool's login endpoints; undefined unless the CloudFront
   * ingress asks for it (`protectLogin`, `allowedIpRanges`, `allowedCountries`).
   */
  public readonly loginWebAcl?: ChatbotUserPoolWebAcl;

  /** The ingress this chatbot was built with (`ingress.variant` says which). */
  public readonly ingress: ChatbotIngress;

  /**
   * The customer-managed KMS key of this stack's log groups and of the origin-verify secret (its
   * us-east-1 replica, outside this stack's region, uses the AWS-managed Secrets Manager key).
   */
  public readonly encryptionKey: kms.Key;

  /** The load balancer's certificate (the given `certificate`, or a new one validated in `hostedZone`). */
  public readonly certificate: acm.ICertificate;

  /** The app's URL, `https://<domainName>/`. */
  public readonly url: string;

  private readonly _auth?: ChatbotAuth;
  private readonly _loadBalancer?: ChatbotLoadBalancer;
  private readonly _edge?: ChatbotEdge;
  private readonly _edgeStack?: Stack;
  private readonly _originVerify?: ChatbotOriginVerify;
  private readonly _httpApi?: ChatbotHttpApi;

  constructor(scope: Construct, id: string, props: SecureContainerChatbotProps) {
    super(scope, id);
    const stack = Stack.of(this);
    validateChatbotProps(this, stack, props);
    this.ingress = props.ingress ?? ChatbotIngress.cloudFront();
    const cloudFront = this.ingress.cloudFrontOptions;
    const httpApi = this.ingress.httpApiOptions;
    const container = props.container;

    const vpcOrigin = this.ingress.variant === 'cloudFrontVpcOrigin';
    const originDomainName = cloudFront?.originDomainName ?? `origin.${props.domainName}`;
    const signOutPath = cloudFront?.signOutPath ?? '/signout';
    const cognitoLogoutPath = `${signOutPath}/cognito`;
    this.url = `https://${props.domainName}/`;

    // One customer-managed key for this stack's log groups and the origin-verify secret.
    this.encryptionKey = createLogsKey(this, 'EncryptionKey', `Encrypts the logs and secrets of the chatbot ${props.domainName}`, props.removalPolicy);

    if (props.vpc) {
      this.vpc = props.vpc;
    } else if (props.cluster) {
      this.vpc = props.cluster.vpc;
    } else {
      this.network = new ChatbotNetwork(this, 'Network', withPropPrefix({
        ...props.networkOptions,
        // Behind a VPC origin the internal load balancer gets subnets of its own with a NAT gateway.
        loadBalancerSubnets: props.networkOptions?.loadBalancerSubnets ?? (vpcOrigin ? true : undefined),
        egress: props.egress ?? props.networkOptions?.egress,
        flowLogRetention: props.logRetention ?? props.networkOptions?.flowLogRetention,
        logsEncryptionKey: this.encryptionKey,
        removalPolicy: props.removalPolicy,
      }, 'networkOptions.', { egress: props.egress !== undefined ? 'egress' : 'networkOptions.egress', removalPolicy: 'removalPolicy' }));
      this.vpc = this.network.vpc;
    }

    // One bucket for the access logs that can only go to S3 (SSE-S3): the files bucket's server
    // access logs and the Network Load Balancer's. The Application Load Balancers deliver theirs into
    // KMS-encrypted log groups, so without those two the stack has no log bucket at all.
    const ownsFilesBucket = props.storage !== undefined && props.storage.bucket === undefined;
    if (ownsFilesBucket || httpApi) {
      this.accessLogsBucket = createServiceLogBucket(this, 'AccessLogs', s3.ObjectOwnership.BUCKET_OWNER_ENFORCED, props.removalPolicy);
    }

    // Built before the service so that their names can go into the container's configuration.
    if (props.storage) {
      const ownsStorage = !(props.storage.bucket && props.storage.table);
      this.storage = new ChatbotStorage(this, 'Storage', withPropPrefix({
        ...props.storage,
        removalPolicy: props.storage.removalPolicy ?? (ownsStorage ? props.removalPolicy : undefined),
        accessLogsBucket: this.accessLogsBucket,
      }, 'storage.'));
    }
    const history = props.conversationHistory ?? {};
    if (history.enabled ?? true) {
      this.conversations = new ChatbotConversations(this, 'Conversations', withPropPrefix({
        table: history.table,
        retention: history.retention,
        encryptionKey: history.table ? undefined : this.encryptionKey,
        removalPolicy: history.table ? undefined : props.removalPolicy,
      }, 'conversationHistory.', { removalPolicy: 'removalPolicy' }));
      new CfnOutput(this, 'ConversationsTable', {
        description: 'DynamoDB table of the conversations (partition key userId): see the README to delete one user\'s data',
        value: this.conversations.table.tableName,
      });
    }
    const backendDomainName = `backend.${props.domainName}`;
    const derivedConfig: { [name: string]: string } = {
      ...this.conversations?.environment,
      // Where the app reads the verified user: headers of the load balancer's login, or the JWT API Gateway checked.
      IDENTITY_SOURCE: httpApi ? 'api-gateway-jwt' : 'load-balancer',
      ...(this.storage ? { FILES_BUCKET: this.storage.bucket.bucketName, METADATA_TABLE: this.storage.table.tableName } : {}),
      ...(props.backend ? { BACKEND_URL: `https://${backendDomainName}` } : {}),
      ...(cloudFront?.allowedGroups ? { ALLOWED_GROUPS: cloudFront.allowedGroups.join(',') } : {}),
    };

    // Messages about the service's props name them as written here (`container.port`).
    this.service = new ChatbotService(this, 'Service', withPropPrefix({
      vpc: this.vpc,
      subnets: this.network?.taskSubnets,
      cluster: props.cluster,
      image: container.image,
      containerPort: container.port,
      containerUser: container.user,
      writableDirectories: container.writableDirectories,
      command: container.command,
      entryPoint: container.entryPoint,
      desiredCount: props.desiredCount,
      maxTaskCount: props.maxTaskCount,
      cpuTargetPercent: props.cpuTargetPercent,
      memoryTargetPercent: props.memoryTargetPercent,
      cpu: container.cpu,
      memoryLimitMiB: container.memoryLimitMiB,
      cpuArchitecture: container.cpuArchitecture,
      bedrockModels: props.bedrockModels,
      bedrockGuardrail: props.bedrockGuardrail,
      bedrockKnowledgeBases: props.bedrockKnowledgeBases,
      config: { ...derivedConfig, ...container.environment },
      secrets: container.secrets,
      generatedSecrets: container.generatedSecrets,
      logRetention: props.logRetention,
      logsEncryptionKey: this.encryptionKey,
      signOutPath,
      deployment: props.deployment,
      removalPolicy: props.removalPolicy,
    }, '', CONTAINER_PROP_NAMES));

    const usesSecrets = [container.secrets, props.backend?.secrets].some((m) => m && Object.keys(m).length > 0)
      || [container.generatedSecrets, props.backend?.generatedSecrets].some((l) => l && l.length > 0);
    if (props.vpcEndpoints ?? (!props.vpc && !props.cluster)) {
      this.endpoints = new ChatbotEndpoints(this, 'Endpoints', {
        vpc: this.vpc,
        subnets: this.service.subnets,
        oneAvailabilityZone: props.interfaceEndpointsInOneAz,
        // ECS fetches the containers' secrets at task start; plain configuration needs no endpoint.
        additionalInterfaceServices: usesSecrets ? [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER] : [],
        dynamoDbGateway: this.storage !== undefined || this.conversations !== undefined,
        bedrockAgentRuntime: (props.bedrockKnowledgeBases ?? []).length > 0,
      });
      this.endpoints.allowFrom(this.service.securityGroup);
    }
    if (props.bedrockInvocationLogging) {
      this.invocationLogging = new ChatbotInvocationLogging(this, 'InvocationLogging', withPropPrefix({
        ...props.bedrockInvocationLogging,
        encryptionKey: this.encryptionKey,
        removalPolicy: props.removalPolicy,
      }, 'bedrockInvocationLogging.', { removalPolicy: 'removalPolicy' }));
    }
    this.storage?.grantReadWrite(this.service.taskDefinition.taskRole, this.endpoints?.s3Gateway, this.endpoints?.dynamoDbGateway);
    this.conversations?.grantReadWrite(this.service.taskDefinition.taskRole, this.endpoints?.dynamoDbGateway);

    let login: IChatbotLoginActions | undefined;
    if (httpApi?.jwtIssuer !== undefined) {
      // Tokens of the company's provider, checked by the API's JWT authorizer: no Cognito.
      login = undefined;
    } else if (cloudFront?.oidc) {
      this.oidcAuth = new ChatbotOidcAuth(this, 'OidcAuth', withPropPrefix({
        ...cloudFront.oidc,
        domainName: props.domainName,
        sessionTimeout: cloudFront.sessionTimeout,
      }, 'ingress.oidc.', { domainName: 'domainName', sessionTimeout: 'ingress.sessionTimeout' }));
      login = this.oidcAuth;
    } else {
      this._auth = new ChatbotAuth(this, 'Auth', withPropPrefix({
        domainName: props.domainName,
        userPool: props.userPool,
        userPoolClient: cloudFront?.userPoolClient,
        userPoolDomain: cloudFront?.userPoolDomain,
        mfa: props.mfa,
        featurePlan: props.featurePlan,
        apiClients: httpApi !== undefined,
        cognitoDomainPrefix: cloudFront?.cognitoDomainPrefix,
        sessionTimeout: cloudFront?.sessionTimeout,
        identityProviders: cloudFront?.identityProviders,
        cognitoUsers: cloudFront?.cognitoUsers,
        removalPolicy: props.userPool ? undefined : props.removalPolicy,
      }, '', ingressPropNames(['userPoolClient', 'userPoolDomain', 'cognitoDomainPrefix', 'sessionTimeout', 'identityProviders', 'cognitoUsers'])));
      login = this._auth;
    }
    const auth = this._auth;

    // Cognito's login endpoints do not pass through CloudFront: the allow-lists and a rate limit
    // must apply there too, or they could be walked around.
    const allowLists = cloudFront?.allowedIpRanges !== undefined || cloudFront?.allowedCountries !== undefined;
    if (auth && cloudFront && (cloudFront.protectLogin ?? allowLists)) {
      this.loginWebAcl = new ChatbotUserPoolWebAcl(this, 'LoginWebAcl', withPropPrefix({
        userPool: auth.userPool,
        rateLimitPerIp: cloudFront.loginRateLimitPerIp,
        allowedIpRanges: cloudFront.allowedIpRanges,
        allowedCountries: cloudFront.allowedCountries,
        logsEncryptionKey: this.encryptionKey,
        logRetention: props.logRetention,
        removalPolicy: props.removalPolicy,
      }, '', { ...ingressPropNames(['allowedIpRanges', 'allowedCountries']), rateLimitPerIp: 'ingress.loginRateLimitPerIp' }));
    }

    // What the deploy guide's next steps need: where to create the first user, and where to go.
    if (auth) {
      new CfnOutput(this, 'UserPoolId', {
        description: `Cognito user pool of ${props.domainName}: create the first user here (aws cognito-idp admin-create-user)`,
        value: auth.userPool.userPoolId,
      });
    }
    new CfnOutput(this, 'Url', { description: 'The app', value: this.url });
    // What to enter on the identity providers' side, known only once the pool and domain exist.
    const providers = cloudFront?.identityProviders ?? [];
    if (auth && providers.length > 0 && auth.userPoolDomain) {
      const host = auth.cognitoHostName;
      if (providers.some((p) => p.samlOptions)) {
        new CfnOutput(this, 'SamlEntityId', {
          description: 'SAML providers: the entity id (audience, identifier) of the application',
          value: `urn:amazon:cognito:sp:${auth.userPool.userPoolId}`,
        });
        new CfnOutput(this, 'SamlReplyUrl', { description: 'SAML providers: the reply (assertion consumer service) URL', value: `https://${host}/saml2/idpresponse` });
        new CfnOutput(this, 'SamlSignOutUrl', { description: 'SAML providers: the single logout URL', value: `https://${host}/saml2/logout` });
      }
      if (providers.some((p) => p.oidcOptions)) {
        new CfnOutput(this, 'OidcRedirectUri', { description: 'OpenID Connect providers: the redirect URI of the client', value: `https://${host}/oauth2/idpresponse` });
      }
    }

    // One regional certificate: the public name, the origin name CloudFront connects to, the backend.
    const alternativeNames = [
      ...(cloudFront && !vpcOrigin ? [originDomainName] : []),
      ...(props.backend ? [backendDomainName] : []),
    ];
    // (Without a hosted zone the certificate is the user's: validation refuses the other case.)
    this.certificate = props.certificate ?? new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      subjectAlternativeNames: alternativeNames.length > 0 ? alternativeNames : undefined,
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });

    if (props.backend) {
      this.backend = new ChatbotBackend(this, 'Backend', withPropPrefix({
        ...props.backend,
        bedrockGuardrail: props.backend.bedrockGuardrail ?? ((props.backend.bedrockModels ?? []).length > 0 ? props.bedrockGuardrail : undefined),
        vpc: this.vpc,
        // The same subnets as the frontend: the ones the VPC endpoints serve.
        subnets: this.service.subnets,
        cluster: this.service.cluster,
        clientSecurityGroup: this.service.securityGroup,
        domainName: backendDomainName,
        certificate: this.certificate,
        hostedZone: props.hostedZone,
        logsEncryptionKey: this.encryptionKey,
        logRetention: props.logRetention,
        deletionProtection: props.deletionProtection,
        removalPolicy: props.removalPolicy,
      }, 'backend.'));
      this.endpoints?.allowFrom(this.backend.service.securityGroup);
      if (!props.hostedZone) {
        dnsRecordOutput(this, 'DnsRecordBackend', backendDomainName, this.backend.applicationLoadBalancer.loadBalancerDnsName,
          'the backend\'s internal load balancer (resolvable only inside the VPC, so a private zone of your DNS serves too)');
      }
    }

    if (httpApi) {
      this._httpApi = new ChatbotHttpApi(this, 'HttpApi', withPropPrefix({
        vpc: this.vpc,
        subnets: this.service.subnets,
        targets: [this.service.fargateService],
        targetConnections: this.service.fargateService,
        containerPort: this.service.containerPort,
        auth: this._auth,
        jwtIssuer: httpApi.jwtIssuer,
        jwtAudience: httpApi.jwtAudience,
        logsEncryptionKey: this.encryptionKey,
        domainName: props.domainName,
        certificate: this.certificate,
        hostedZone: props.hostedZone,
        throttlingRateLimit: httpApi.throttlingRateLimit,
        throttlingBurstLimit: httpApi.throttlingBurstLimit,
        accessLogsBucket: this.accessLogsBucket!,
        logRetention: props.logRetention,
        deletionProtection: props.deletionProtection,
        removalPolicy: props.removalPolicy,
      }, '', { ...ingressPropNames(['throttlingRateLimit', 'throttlingBurstLimit', 'jwtIssuer', 'jwtAudience']), containerPort: 'container.port' }));
      if (!props.hostedZone) {
        dnsRecordOutput(this, 'DnsRecord', props.domainName, (this._httpApi.node.findChild('DomainName') as apigwv2.DomainName).regionalDomainName, 'the HTTP API\'s regional custom domain');
      }
      return;
    }
    const options = cloudFront ?? {};

    // Where the distribution lives. A VPC origin must be in the load balancer's stack (CloudFormation
    // references the load balancer's ARN); so does every distribution whose us-east-1 parts
    // (certificate and web ACL) the user brings: then nothing is deployed to us-east-1. Otherwise,
    // outside us-east-1, a companion stack there holds the distribution, its certificate and web ACL.
    const singleStack = vpcOrigin || (options.edgeStack === undefined && options.edgeCertificate !== undefined && options.webAclArn !== undefined);
    const edgeStack = singleStack ? stack : options.edgeStack ?? (stack.region === EDGE_REGION ? stack : edgeStackOf(stack));
    const edgeInOtherStack = edgeStack !== stack;

    // One value in two regions: CloudFront (us-east-1) adds it, the load balancer checks it. A
    // replica in us-east-1 lets the edge stack resolve it by name, without cross-region references.
    // An internal load balancer behind a VPC origin needs none.
    let originVerify: ChatbotOriginVerify | undefined;
    if (!vpcOrigin) {
      originVerify = new ChatbotOriginVerify(this, 'OriginVerify', withPropPrefix({
        domainName: props.domainName,
        encryptionKey: this.encryptionKey,
        replicaRegions: edgeInOtherStack && stack.region !== EDGE_REGION ? [EDGE_REGION] : undefined,
        rotationInterval: options.originVerifyRotationInterval,
        logRetention: props.logRetention,
        removalPolicy: props.removalPolicy,
      }, '', { rotationInterval: 'ingress.originVerifyRotationInterval' }));
      this._originVerify = originVerify;
    }

    const loadBalancer = new ChatbotLoadBalancer(this, 'LoadBalancer', withPropPrefix({
      vpc: this.vpc,
      internal: vpcOrigin || undefined,
      subnets: vpcOrigin ? this.network?.loadBalancerSubnets : undefined,
      targets: [this.service.fargateService],
      targetConnections: this.service.fargateService,
      containerPort: this.service.containerPort,
      healthCheckPath: container.healthCheckPath,
      certificate: this.certificate,
      auth: login!,
      originVerifyHeaderValue: originVerify?.headerValue,
      cloudFrontPrefixListId: options.cloudFrontPrefixListId,
      originDomainName: vpcOrigin ? undefined : originDomainName,
      hostedZone: props.hostedZone,
      cognitoLogoutPath,
      idleTimeout: options.idleTimeout,
      stickinessDuration: options.stickinessDuration,
      logsEncryptionKey: this.encryptionKey,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      deployment: props.deployment,
      deletionProtection: props.deletionProtection,
    }, '', {
      ...ingressPropNames(['cloudFrontPrefixListId', 'originDomainName', 'idleTimeout', 'stickinessDuration']),
      vpc: props.vpc ? 'vpc' : props.cluster ? 'cluster' : 'networkOptions.loadBalancerSubnets',
      containerPort: 'container.port',
      healthCheckPath: 'container.healthCheckPath',
    }));
    this._loadBalancer = loadBalancer;
    originVerify?.rotateWith({ listenerRules: loadBalancer.originVerifyRules, distributionRegion: edgeStack.region });
    if (!vpcOrigin && !props.hostedZone) {
      dnsRecordOutput(this, 'DnsRecordOrigin', originDomainName, loadBalancer.applicationLoadBalancer.loadBalancerDnsName,
        'the load balancer, which CloudFront reaches by this name');
    }

    // Each chatbot's edge parts go under an id of their own, so several chatbots can share one
    // edge stack (the default one of their stack, or one passed in `edgeStack`).
    let edgeScope: Construct = this;
    let zone = props.hostedZone;
    let headerValue = originVerify?.headerValue;
    this._edgeStack = edgeStack;
    if (edgeInOtherStack) {
      if (options.edgeStack) {
        edgeStack.addStackDependency(stack, 'origin DNS record and origin-verify secret replica');
      }
      edgeScope = new Construct(edgeStack, edgeScopeId(this));
      zone = props.hostedZone ? route53.HostedZone.fromHostedZoneAttributes(edgeScope, 'HostedZone', {
        hostedZoneId: props.hostedZone.hostedZoneId,
        zoneName: props.hostedZone.zoneName,
      }) : undefined;
      headerValue = SecretValue.secretsManager(originVerify!.secretName, { jsonField: 'value' });
    }

    const edge = new ChatbotEdge(edgeScope, 'Edge', withPropPrefix({
      domainName: props.domainName,
      hostedZone: zone,
      originDomainName: vpcOrigin ? undefined : originDomainName,
      originVerifyHeaderValue: headerValue,
      vpcOriginLoadBalancer: vpcOrigin ? loadBalancer.applicationLoadBalancer : undefined,
      certificate: options.edgeCertificate,
      webAclArn: options.webAclArn,
      rateLimitPerIp: options.rateLimitPerIp,
      allowedIpRanges: options.allowedIpRanges,
      allowedCountries: options.allowedCountries,
      maxUploadBytes: options.maxUploadBytes,
      uploadPath: options.uploadPath,
      geoRestriction: options.geoRestriction,
      priceClass: options.priceClass,
      signOutPath,
      cognitoLogoutPath,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    }, '', {
      ...ingressPropNames(['webAclArn', 'rateLimitPerIp', 'allowedIpRanges', 'allowedCountries', 'maxUploadBytes', 'uploadPath', 'geoRestriction', 'priceClass', 'originDomainName', 'signOutPath']),
      certificate: 'ingress.edgeCertificate',
      hostedZone: 'hostedZone',
    }));
    this._edge = edge;
    originVerify?.publishDistributionId(edge, edge.distribution);

    if (options.monitoring ?? true) {
      this.monitoring = new ChatbotMonitoring(this, 'Monitoring', withPropPrefix({
        loadBalancer: loadBalancer.applicationLoadBalancer,
        targetGroup: loadBalancer.targetGroup,
        service: this.service.fargateService,
        minRunningTasks: props.desiredCount ?? 2,
        webAclMetricName: edge.webAcl?.metricName,
        alarmTopic: options.alarmTopic,
        serverErrorRatePercent: options.serverErrorRatePercent,
        dashboard: options.dashboard,
        // A new topic shares the chatbot's key (which follows removalPolicy) rather than paying for one more.
        topicEncryptionKey: options.alarmTopic ? undefined : this.encryptionKey,
      }, '', ingressPropNames(['alarmTopic', 'serverErrorRatePercent', 'dashboard'])));
    }
  }

  /**
   * The Cognito login.
   *
   * @throws Error with the CloudFront ingress's `oidc`, whose login is `oidcAuth`
   */
  public get auth(): ChatbotAuth {
    if (!this._auth) {
      throw new Error(`SecureContainerChatbot: \`auth\` (Cognito) does not exist because ${this.node.path} uses an OpenID Connect provider directly `
        + '(`ingress.oidc` or `ingress.jwtIssuer`). Use `oidcAuth` for the load balancer\'s login, `httpApi` for the API\'s authorizer.');
    }
    return this._auth;
  }

  /**
   * The load balancer with the login.
   *
   * @throws Error with `ChatbotIngress.httpApi()`, which has a Network Load Balancer in `httpApi`
   */
  public get loadBalancer(): ChatbotLoadBalancer {
    return this.cloudFrontPart('loadBalancer', this._loadBalancer);
  }

  /**
   * CloudFront, WAF and DNS: in `edgeStack`.
   *
   * @throws Error with `ChatbotIngress.httpApi()`
   */
  public get edge(): ChatbotEdge {
    return this.cloudFrontPart('edge', this._edge);
  }

  /**
   * The stack that holds `edge`: this stack in us-east-1, with `ChatbotIngress.cloudFrontVpcOrigin()`
   * and when the ingress's `edgeCertificate` and `webAclArn` are both given; else the ingress's
   * `edgeStack` or the us-east-1 helper stack `<stackName>-edge-<region>` shared by the chatbots of
   * this stack.
   *
   * @throws Error with `ChatbotIngress.httpApi()`
   */
  public get edgeStack(): Stack {
    return this.cloudFrontPart('edgeStack', this._edgeStack);
  }

  /**
   * The origin-verify secret and its rotation.
   *
   * @throws Error with `ChatbotIngress.httpApi()` and `ChatbotIngress.cloudFrontVpcOrigin()`
   */
  public get originVerify(): ChatbotOriginVerify {
    return this.publicOriginPart('originVerify', this._originVerify);
  }

  /**
   * The secret whose value CloudFront sends in the origin-verify header.
   *
   * @throws Error with `ChatbotIngress.httpApi()` and `ChatbotIngress.cloudFrontVpcOrigin()`
   */
  public get originVerifySecret(): secretsmanager.Secret {
    return this.publicOriginPart('originVerifySecret', this._originVerify?.secret);
  }

  /**
   * The HTTP API, VPC link and Network Load Balancer.
   *
   * @throws Error with `ChatbotIngress.cloudFront()`, whose parts are `edge` and `loadBalancer`
   */
  public get httpApi(): ChatbotHttpApi {
    if (!this._httpApi) {
      throw new Error(`SecureContainerChatbot: \`httpApi\` exists only with \`ingress: ChatbotIngress.httpApi()\`, but ${this.node.path} uses ChatbotIngress.${this.ingress.variant}(). `
        + 'Use `edge` and `loadBalancer` for its entry, or build it with ChatbotIngress.httpApi().');
    }
    return this._httpApi;
  }

  private publicOriginPart<T>(name: string, part: T | undefined): T {
    if (part === undefined && this.ingress.variant === 'cloudFrontVpcOrigin') {
      throw new Error(`SecureContainerChatbot: \`${name}\` exists only with \`ingress: ChatbotIngress.cloudFront()\`, but ${this.node.path} uses `
        + 'ChatbotIngress.cloudFrontVpcOrigin(), whose internal load balancer only CloudFront\'s VPC origin reaches: it needs no origin-verify secret.');
    }
    return this.cloudFrontPart(name, part);
  }

  private cloudFrontPart<T>(name: string, part: T | undefined): T {
    if (part === undefined) {
      throw new Error(`SecureContainerChatbot: \`${name}\` exists only with \`ingress: ChatbotIngress.cloudFront()\`, but ${this.node.path} uses ChatbotIngress.${this.ingress.variant}(). `
        + 'Use `httpApi` for its entry, or build it with ChatbotIngress.cloudFront().');
    }
    return part;
  }
}

/**
 * A stack output naming a DNS record the user creates at their DNS provider, when the construct
 * has no Route 53 hosted zone to create it in.
 */
function dnsRecordOutput(scope: Construct, id: string, name: string, target: string, what: string): void {
  new CfnOutput(scope, id, {
    description: `Create this record at your DNS provider: ${name} CNAME to ${what}`,
    value: `${name} CNAME ${target}`,
  });
}

// The service's props that come from `container`, by the name the user wrote.
const CONTAINER_PROP_NAMES: { [prop: string]: string } = {
  image: 'container.image',
  containerPort: 'container.port',
  containerUser: 'container.user',
  writableDirectories: 'container.writableDirectories',
  command: 'container.command',
  entryPoint: 'container.entryPoint',
  config: 'container.environment',
  secrets: 'container.secrets',
  generatedSecrets: 'container.generatedSecrets',
  cpu: 'container.cpu',
  memoryLimitMiB: 'container.memoryLimitMiB',
  cpuArchitecture: 'container.cpuArchitecture',
  signOutPath: 'ingress.signOutPath',
};

function ingressPropNames(props: string[]): { [prop: string]: string } {
  return Object.fromEntries(props.map((p) => [p, `ingress.${p}`]));
}

// Variables the construct sets in the container, and the prop each one comes from.
const RESERVED_VARIABLES: Array<[string, string, (props: SecureContainerChatbotProps) => boolean]> = [
  ['BEDROCK_MODEL_ID', 'bedrockModels', (p) => (p.bedrockModels ?? []).length > 0],
  ['BEDROCK_ALLOWED_MODELS', 'bedrockModels', (p) => (p.bedrockModels ?? []).length > 0],
  ['BEDROCK_GUARDRAIL_ID', 'bedrockGuardrail', (p) => p.bedrockGuardrail !== undefined],
  ['BEDROCK_GUARDRAIL_VERSION', 'bedrockGuardrail', (p) => p.bedrockGuardrail !== undefined],
  ['SIGNOUT_PATH', 'ingress', () => true],
  ['FILES_BUCKET', 'storage', (p) => p.storage !== undefined],
  ['METADATA_TABLE', 'storage', (p) => p.storage !== undefined],
  ['BACKEND_URL', 'backend', (p) => p.backend !== undefined],
  ['CONVERSATIONS_TABLE', 'conversationHistory', (p) => p.conversationHistory?.enabled !== false],
  ['CONVERSATIONS_RETENTION_DAYS', 'conversationHistory', (p) => p.conversationHistory?.enabled !== false],
  ['IDENTITY_SOURCE', 'ingress', () => true],
  ['ALLOWED_GROUPS', 'ingress.allowedGroups', (p) => p.ingress?.cloudFrontOptions?.allowedGroups !== undefined],
];

function validateChatbotProps(scope: Construct, stack: Stack, props: SecureContainerChatbotProps): void {
  const v = new PropsValidator('SecureContainerChatbot', scope);
  const region = stack.region;
  // JavaScript callers are not held to the types: refuse the old shapes with a pointer to the new.
  if (props.ingress !== undefined && !(props.ingress instanceof ChatbotIngress)) {
    v.fail('ingress', `is ${JSON.stringify(props.ingress)}, not a ChatbotIngress.`, 'Pass ChatbotIngress.cloudFront({ ... }) or ChatbotIngress.httpApi({ ... }).');
  }
  const legacy = props as unknown as { [prop: string]: unknown };
  for (const [old, now] of [['image', 'container.image'], ['containerPort', 'container.port'], ['config', 'container.environment'], ['cpu', 'container.cpu'],
    ['memoryLimitMiB', 'container.memoryLimitMiB'], ['secrets', 'container.secrets'], ['generatedSecrets', 'container.generatedSecrets']]) {
    v.check(legacy[old] === undefined, old, `is not a prop of SecureContainerChatbot; it moved to \`${now}\`.`, `Pass it as \`${now}\`.`);
  }
  const container = props.container;
  if (container === undefined || container === null || typeof container !== 'object') {
    v.fail('container', 'is missing.', 'Pass the chat app\'s container, at least { image: ChatbotImage.fromAsset(\'./app\') }.');
  } else {
    v.check(!!container.image, 'container.image', 'is missing.', 'Pass the chat app\'s container image, for example ChatbotImage.fromAsset(\'./app\').');
    checkContainer(v, props, container);
  }
  v.throwIfInvalid();
  const cloudFront = props.ingress?.cloudFrontOptions ?? (props.ingress ? undefined : {});
  const httpApi = props.ingress?.httpApiOptions;

  const logging = props.bedrockInvocationLogging as unknown;
  v.check(logging === undefined || (typeof logging === 'object' && logging !== null && !Array.isArray(logging)), 'bedrockInvocationLogging',
    `is ${JSON.stringify(logging)}, not an object.`, 'Pass { } to turn invocation logging on with the defaults, or leave it out.');
  if (!props.hostedZone) {
    // DNS outside Route 53: every certificate must come validated from the user.
    v.check(props.certificate !== undefined, 'hostedZone', 'is missing, and so is `certificate`: a new certificate is validated by a record in the hosted zone.',
      'Pass the Route 53 hosted zone (HostedZone.fromHostedZoneAttributes), or bring the certificates validated at your DNS provider: `certificate` and, with a CloudFront ingress, `ingress.edgeCertificate`.');
    if (cloudFront) {
      v.check(cloudFront.edgeCertificate !== undefined, 'hostedZone', 'is missing, and so is `ingress.edgeCertificate`: CloudFront\'s new certificate would be validated by a record in the hosted zone.',
        'Pass the Route 53 hosted zone, or a us-east-1 certificate for the domain validated at your DNS provider as `ingress.edgeCertificate`.');
    }
  }
  v.check(!Token.isUnresolved(region), 'env.region', 'of the stack is not known at synth time.',
    'Set env.region on the stack: the library places the CloudFront parts in us-east-1 and needs to know whether the stack is already there.');
  const domainName = props.domainName;
  if (domainName === undefined || domainName === '') {
    v.fail('domainName', 'is missing.', 'Pass the public host name of the app, such as chat.example.com: the Cognito login on the load balancer needs HTTPS on a custom domain.');
  } else if (!Token.isUnresolved(domainName)) {
    v.check(isValidDomainName(domainName), 'domainName', `'${domainName}' is not a valid lower-case domain name.`,
      'Pass a fully qualified host name without scheme, path or trailing dot, such as chat.example.com.');
    const zoneName = props.hostedZone ? tryZoneName(props.hostedZone) : undefined;
    if (zoneName !== undefined && isValidDomainName(domainName)) {
      v.check(isInZone(domainName, zoneName), 'hostedZone', `is ${zoneName}, which does not contain ${domainName}.`, 'Pass the hosted zone that holds the domain name.');
    }
  } else if (region !== 'us-east-1') {
    v.fail('domainName', 'is a token, but it must be known at synth time when the stack is outside us-east-1.',
      'Pass the domain as a string: the us-east-1 edge stack receives it without cross-region references.');
  }
  if (props.certificate && !Token.isUnresolved(region)) {
    const certRegion = regionOfArn(props.certificate.certificateArn);
    v.check(certRegion === undefined || certRegion === region, 'certificate', `is in ${certRegion} but the load balancer is in ${region}.`,
      'Pass a certificate from the stack\'s own region, or pass the us-east-1 one as the CloudFront ingress\'s edgeCertificate.');
  }
  if (cloudFront) {
    checkCloudFrontIngress(v, props, cloudFront, region);
    if (props.ingress?.variant === 'cloudFrontVpcOrigin') {
      checkVpcOriginIngress(v, props, cloudFront, region);
    } else if (props.networkOptions?.loadBalancerSubnets) {
      v.fail('networkOptions.loadBalancerSubnets', 'is for an internal load balancer behind ChatbotIngress.cloudFrontVpcOrigin(); this load balancer is internet-facing.',
        'Remove it (it would add an unused NAT gateway), or use ChatbotIngress.cloudFrontVpcOrigin().');
    }
  } else if (props.networkOptions?.loadBalancerSubnets) {
    v.fail('networkOptions.loadBalancerSubnets', 'is for an internal load balancer behind ChatbotIngress.cloudFrontVpcOrigin(); the HTTP API has none.',
      'Remove it, or use ChatbotIngress.cloudFrontVpcOrigin().');
  }
  if (httpApi?.jwtIssuer !== undefined) {
    for (const [prop, value] of [['userPool', props.userPool], ['mfa', props.mfa], ['featurePlan', props.featurePlan]] as const) {
      v.check(value === undefined, prop, 'configures Cognito, but `ingress.jwtIssuer` accepts the tokens of an OpenID Connect provider without Cognito.',
        'Remove it, or remove ingress.jwtIssuer and ingress.jwtAudience to use Cognito.');
    }
  }
  if (httpApi) {
    v.check(container?.healthCheckPath === undefined, 'container.healthCheckPath', 'is unused with `ingress: ChatbotIngress.httpApi()`, whose Network Load Balancer checks the port over TCP.',
      'Remove it, or use ChatbotIngress.cloudFront(), whose load balancer checks the path.');
  }
  validateConversationHistory(scope, props.conversationHistory);
  if (props.backend) {
    validateBackendOptions(scope, 'SecureContainerChatbot', 'backend.', props.backend);
  }
  checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
  checkDeletionProtection(v, props.deletionProtection, props.removalPolicy);
  checkNetwork(v, props);
  checkScaling(v, props);
  v.throwIfInvalid();
}

function checkContainer(v: PropsValidator, props: SecureContainerChatbotProps, container: ChatbotContainerOptions): void {
  if (container.healthCheckPath !== undefined && !Token.isUnresolved(container.healthCheckPath)) {
    v.check(/^\/[A-Za-z0-9._~\-/?=&%]*$/.test(container.healthCheckPath) && container.healthCheckPath.length <= 1024, 'container.healthCheckPath',
      `must be an absolute URL path of at most 1024 characters (got '${container.healthCheckPath}').`, 'Use the path your app answers 200 on without a login, such as /health (/ for Gradio).');
  }
  for (const [prop, value] of [['container.environment', container.environment], ['container.secrets', container.secrets]] as const) {
    if (value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
      v.fail(prop, 'must map environment variable names to values.', 'Pass an object such as { LOG_LEVEL: \'info\' }.');
    }
  }
  const names = [...Object.keys(container.environment ?? {}), ...Object.keys(container.secrets ?? {}), ...(container.generatedSecrets ?? [])];
  for (const [name, source, applies] of RESERVED_VARIABLES) {
    if (!names.includes(name) || !applies(props)) {
      continue;
    }
    const prop = Object.keys(container.environment ?? {}).includes(name) ? 'container.environment'
      : Object.keys(container.secrets ?? {}).includes(name) ? 'container.secrets' : 'container.generatedSecrets';
    v.fail(prop, `sets ${name}, which the construct sets itself from \`${source}\`.`, `Remove ${name} from \`${prop}\`, or change \`${source}\`, which sets it.`);
  }
}

function checkCloudFrontIngress(v: PropsValidator, props: SecureContainerChatbotProps, options: ChatbotCloudFrontIngressOptions,
  region: string): void {
  const domainName = props.domainName;
  if (options.originDomainName !== undefined && !Token.isUnresolved(options.originDomainName)) {
    v.check(isValidDomainName(options.originDomainName) && options.originDomainName !== domainName, 'ingress.originDomainName',
      `'${options.originDomainName}' must be a valid domain name other than \`domainName\`.`, 'Leave it out to use origin.<domainName>.');
  }
  const singleStack = props.ingress?.variant === 'cloudFrontVpcOrigin' || (options.edgeStack === undefined && options.edgeCertificate && options.webAclArn);
  if (props.hostedZone && !Token.isUnresolved(region) && region !== 'us-east-1' && !singleStack) {
    v.check(!Token.isUnresolved(props.hostedZone.hostedZoneId) && tryZoneName(props.hostedZone) !== undefined, 'hostedZone',
      'must have an ID and a name known at synth time, because the CloudFront parts live in a us-east-1 companion stack.',
      'Import the zone with route53.HostedZone.fromHostedZoneAttributes(this, \'Zone\', { hostedZoneId, zoneName }) or HostedZone.fromLookup.');
  }
  if (options.edgeStack && !Token.isUnresolved(options.edgeStack.region)) {
    v.check(options.edgeStack.region === 'us-east-1', 'ingress.edgeStack', `is in ${options.edgeStack.region}, but CloudFront's certificate and web ACL must be in us-east-1.`,
      'Pass a stack whose env.region is us-east-1, or leave the prop out.');
  }
  if (options.edgeCertificate) {
    const certRegion = regionOfArn(options.edgeCertificate.certificateArn);
    v.check(certRegion === undefined || certRegion === 'us-east-1', 'ingress.edgeCertificate', `is in ${certRegion}; CloudFront only uses certificates from us-east-1.`,
      'Issue the certificate in us-east-1, or leave the prop out to get one.');
  }
  const rotation = options.originVerifyRotationInterval;
  if (rotation && !rotation.isUnresolved()) {
    const days = rotation.toSeconds() / 86400;
    v.check(Number.isInteger(days) && days >= 1 && days <= 1000, 'ingress.originVerifyRotationInterval',
      `must be a whole number of days from 1 to 1000 (got ${rotation.toHumanString()}).`, 'Secrets Manager rotates at most daily; use Duration.days(30) for example.');
  }
  v.check(!(options.userPoolDomain && options.cognitoDomainPrefix !== undefined), 'ingress.cognitoDomainPrefix',
    'is unused because `ingress.userPoolDomain` was given.', 'Give either an existing domain or a prefix for a new one, not both.');
  for (const prop of ['userPoolClient', 'userPoolDomain'] as const) {
    v.check(options[prop] === undefined || props.userPool !== undefined, `ingress.${prop}`, 'was given without `userPool`, the pool it belongs to.',
      'Pass that pool as `userPool`, or remove the prop to get a new pool.');
  }
  v.check(options.uploadPath === undefined || options.maxUploadBytes !== undefined, 'ingress.uploadPath', 'is unused without `ingress.maxUploadBytes`.',
    'Set ingress.maxUploadBytes to limit uploads on that path, or remove ingress.uploadPath.');
  checkLoginOptions(v, options);
  if (options.oidc !== undefined) {
    const cognitoOnly: Array<[string, unknown]> = [
      ['userPool', props.userPool], ['mfa', props.mfa], ['featurePlan', props.featurePlan],
      ...(['userPoolClient', 'userPoolDomain', 'cognitoDomainPrefix', 'identityProviders', 'cognitoUsers', 'protectLogin', 'loginRateLimitPerIp'] as const)
        .map((prop): [string, unknown] => [`ingress.${prop}`, options[prop]]),
    ];
    for (const [prop, value] of cognitoOnly) {
      v.check(value === undefined, prop, 'configures Cognito, but `ingress.oidc` signs users in at the OpenID Connect provider without Cognito.',
        'Remove it, or remove ingress.oidc to sign in through Cognito (which can federate the same provider with identityProviders).');
    }
  }
  if (options.monitoring === false) {
    for (const prop of ['alarmTopic', 'serverErrorRatePercent', 'dashboard'] as const) {
      v.check(options[prop] === undefined, `ingress.${prop}`, 'is unused because `ingress.monitoring` is false.', 'Remove it, or turn monitoring on.');
    }
  }
}

function checkVpcOriginIngress(v: PropsValidator, props: SecureContainerChatbotProps, options: ChatbotCloudFrontIngressOptions,
  region: string): void {
  const reasons: { [prop: string]: string } = {
    edgeStack: 'a VPC origin is in the load balancer\'s stack, and so is the distribution',
    originDomainName: 'CloudFront reaches the internal load balancer through the VPC origin, not by a DNS name',
    originVerifyRotationInterval: 'only CloudFront\'s VPC origin reaches the internal load balancer, so there is no origin-verify secret',
  };
  for (const prop of ['edgeStack', 'originDomainName', 'originVerifyRotationInterval'] as const) {
    v.check(options[prop] === undefined, `ingress.${prop}`, `is unused with ChatbotIngress.cloudFrontVpcOrigin(): ${reasons[prop]}.`,
      'Remove it, or use ChatbotIngress.cloudFront() for a public origin.');
  }
  if (!Token.isUnresolved(region) && region !== EDGE_REGION) {
    for (const prop of ['edgeCertificate', 'webAclArn'] as const) {
      v.check(options[prop] !== undefined, `ingress.${prop}`,
        `is missing: with ChatbotIngress.cloudFrontVpcOrigin() the distribution is in this stack (${region}, the load balancer's), but CloudFront's certificate and web ACL must be in us-east-1.`,
        'Create them in us-east-1 first and pass the certificate and the CLOUDFRONT-scope web ACL ARN (nothing is then deployed to us-east-1), or put the stack in us-east-1.');
    }
  }
  // The login on the load balancer calls Cognito's token endpoint, which has no private endpoint.
  if (props.networkOptions?.loadBalancerSubnets === false) {
    v.fail('networkOptions.loadBalancerSubnets', 'is false, but the internal load balancer\'s login needs its subnets\' route to the internet (a NAT gateway) to reach Cognito\'s token endpoint.',
      'Remove it: ChatbotIngress.cloudFrontVpcOrigin() adds those subnets and one NAT gateway.');
  }
  const own = props.vpc ?? props.cluster?.vpc;
  if (own && own.privateSubnets.length === 0) {
    v.fail(props.vpc ? 'vpc' : 'cluster', 'has no private subnets with a route out (PRIVATE_WITH_EGRESS), where the internal load balancer goes: its login could not reach Cognito\'s token endpoint, which has no private endpoint.',
      'Give the VPC private subnets that route to a NAT gateway, or let the construct create the VPC.');
  }
}

function checkLoginOptions(v: PropsValidator, options: ChatbotCloudFrontIngressOptions): void {
  const allowList = options.allowedIpRanges !== undefined ? 'ingress.allowedIpRanges' : options.allowedCountries !== undefined ? 'ingress.allowedCountries' : undefined;
  v.check(!(allowList && options.protectLogin === false), 'ingress.protectLogin',
    `is false, but \`${allowList}\` must apply to the user pool's login too, or it could be walked around (Cognito's login does not pass through CloudFront).`,
    'Remove protectLogin (the allow-list turns the login protection on).');
  v.check(!(allowList && options.webAclArn !== undefined), allowList ?? '',
    'only applies to the web ACL the construct creates, but `ingress.webAclArn` was given.', 'Add the allow-list to your own web ACL and give it here only for the login, or remove webAclArn.');
  v.check(options.loginRateLimitPerIp === undefined || (options.protectLogin ?? allowList !== undefined), 'ingress.loginRateLimitPerIp',
    'is unused without the login protection.', 'Set ingress.protectLogin to true, or remove loginRateLimitPerIp.');
  const groups = options.allowedGroups;
  if (groups !== undefined) {
    if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string')) {
      v.fail('ingress.allowedGroups', 'must be a list of group names.', 'Pass strings such as [\'chat-users\'].');
    } else {
      v.check(groups.length > 0, 'ingress.allowedGroups', 'is an empty list, which would refuse everyone.', 'Remove it to let every signed-in user in, or name the groups.');
      for (const group of groups.filter((g) => !Token.isUnresolved(g))) {
        v.check(group.trim() === group && group.length >= 1 && group.length <= 256 && !/[,\[\]"]/.test(group), 'ingress.allowedGroups',
          `has '${group}', which cannot be matched: names are 1 to 256 characters without commas, brackets, quotes or surrounding spaces.`,
          'Use the group name (or id, for Entra ID object ids) exactly as the provider sends it.');
      }
    }
  }
}

function checkNetwork(v: PropsValidator, props: SecureContainerChatbotProps): void {
  const own = props.vpc ? 'vpc' : props.cluster ? 'cluster' : undefined;
  if (own) {
    v.check(props.networkOptions === undefined, 'networkOptions', `plans a new VPC, but \`${own}\` brings an existing one.`,
      `Remove networkOptions, or remove \`${own}\` to let the construct create the VPC.`);
  }
  const endpoints = props.vpcEndpoints ?? own === undefined;
  if (props.interfaceEndpointsInOneAz !== undefined && !endpoints) {
    const why = props.vpcEndpoints === false ? '`vpcEndpoints` is false' : `\`${own}\` was given without \`vpcEndpoints: true\``;
    v.fail('interfaceEndpointsInOneAz', `is unused because no VPC endpoints are created (${why}).`,
      'Remove it, or set vpcEndpoints: true to create the endpoints.');
  }
  const egress = props.egress ?? props.networkOptions?.egress ?? ChatbotEgress.VPC_ENDPOINTS_ONLY;
  if (!own && egress === ChatbotEgress.VPC_ENDPOINTS_ONLY) {
    v.check(props.vpcEndpoints !== false, 'vpcEndpoints', 'is false, but the new VPC has no NAT gateway (`egress` is VPC_ENDPOINTS_ONLY), so the tasks could not pull images or write logs.',
      'Remove vpcEndpoints, or choose a NAT egress (ChatbotEgress.NAT_GATEWAY).');
  }
  if (props.vpc && props.egress !== undefined) {
    if (props.egress === ChatbotEgress.VPC_ENDPOINTS_ONLY) {
      v.check(props.vpcEndpoints !== false, 'egress', 'is VPC_ENDPOINTS_ONLY but `vpcEndpoints` is false, so the tasks could not pull images or write logs.',
        'Set vpcEndpoints to true, or choose a NAT egress for a VPC whose private subnets route to a NAT gateway.');
    } else {
      v.check(props.vpc.privateSubnets.length > 0, 'egress', `is ${props.egress}, but the given VPC has no private subnets with a route out (PRIVATE_WITH_EGRESS).`,
        'Add NAT gateways to your VPC, or use ChatbotEgress.VPC_ENDPOINTS_ONLY with vpcEndpoints: true.');
    }
  }
  if (props.vpc && props.cluster && props.cluster.vpc !== props.vpc) {
    v.fail('cluster', 'runs in another VPC than `vpc`.', 'Pass the cluster\'s own VPC as `vpc`, or leave `vpc` out to use the cluster\'s.');
  }
}

function checkScaling(v: PropsValidator, props: SecureContainerChatbotProps): void {
  const desired = props.desiredCount ?? 2;
  const max = props.maxTaskCount ?? desired;
  const scales = !isKnown(desired) || !isKnown(max) || max > desired;
  for (const prop of ['cpuTargetPercent', 'memoryTargetPercent'] as const) {
    v.check(props[prop] === undefined || scales, prop, 'is unused because autoscaling is off (`maxTaskCount` is not above `desiredCount`).',
      'Set maxTaskCount above desiredCount to scale, or remove the target.');
  }
}
