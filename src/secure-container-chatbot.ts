import { Duration, RemovalPolicy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ChatbotAuth } from './auth/chatbot-auth';
import { ChatbotBackend, ChatbotBackendOptions } from './backend/chatbot-backend';
import { validateBackendOptions } from './backend/validate-backend';
import { ChatbotEdge } from './edge/chatbot-edge';
import { EDGE_REGION, edgeScopeId, edgeStackOf } from './edge/edge-stack';
import { ChatbotEndpoints } from './endpoints/chatbot-endpoints';
import { ChatbotHttpApi } from './ingress/chatbot-http-api';
import { ChatbotLoadBalancer } from './ingress/chatbot-load-balancer';
import { ChatbotMonitoring } from './monitoring/chatbot-monitoring';
import { ChatbotEgress, ChatbotNetwork, ChatbotNetworkProps } from './network/chatbot-network';
import { ChatbotOriginVerify } from './origin-verify/chatbot-origin-verify';
import { ChatbotService } from './service/chatbot-service';
import { ChatbotDeploymentSettings } from './service/deployment-settings';
import { createLogsKey } from './shared/encryption';
import { createServiceLogBucket } from './shared/log-bucket';
import { withPropPrefix } from './shared/prop-prefix';
import { checkDeletionProtection, checkRemovalPolicy } from './shared/removal-policy';
import { PropsValidator, isInZone, isValidDomainName, regionOfArn, tryZoneName } from './shared/validation';
import { ChatbotStorage, ChatbotStorageOptions } from './storage/chatbot-storage';

/**
 * The public entry to the app.
 */
export enum ChatbotIngress {
  /**
   * CloudFront with a WAF web ACL, then an internet-facing load balancer that only CloudFront can
   * reach, with Cognito's browser login on the load balancer. For people using the chat in a
   * browser; carries WebSockets.
   */
  CLOUDFRONT_ALB = 'CLOUDFRONT_ALB',

  /**
   * An API Gateway HTTP API with a Cognito JWT authorizer, a VPC link and an internal Network Load
   * Balancer. For API clients that send a bearer token, not for the browser login; no WebSockets
   * and no WAF web ACL (HTTP APIs support neither).
   */
  HTTP_API = 'HTTP_API',
}

/**
 * Props for `SecureContainerChatbot`.
 */
export interface SecureContainerChatbotProps {
  /**
   * The container image of the chat app, for example `ChatbotImage.fromAsset('./app')`, which
   * builds it for `cpuArchitecture`.
   */
  readonly image: ecs.ContainerImage;

  /** The public domain of the app, such as `chat.example.com`. */
  readonly domainName: string;

  /**
   * The Route 53 hosted zone holding `domainName`. The CloudFront parts live in us-east-1; when
   * your stack is in another region they go to a companion stack, which needs the zone's ID and
   * name at synth time: import the zone with `HostedZone.fromHostedZoneAttributes` (or
   * `HostedZone.fromLookup`).
   */
  readonly hostedZone: route53.IHostedZone;

  /**
   * Amazon Bedrock models the app may invoke (model ids or ARNs). The first one is passed to the
   * container as `BEDROCK_MODEL_ID`.
   *
   * @default - no Bedrock access
   */
  readonly bedrockModels?: string[];

  /**
   * Configuration values for the container, injected as environment variables from SSM String
   * parameters (see `ChatbotServiceProps.config`).
   *
   * @default - only `BEDROCK_MODEL_ID` and `SIGNOUT_PATH`
   */
  readonly config?: { [name: string]: string };

  /**
   * The port the container listens on.
   *
   * @default 8501
   */
  readonly containerPort?: number;

  /**
   * How many tasks to run (at least 2).
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
   * An S3 bucket for files and a DynamoDB table for metadata, granted to the task and reached
   * through gateway endpoints. Their names reach the container as `FILES_BUCKET` and
   * `METADATA_TABLE`.
   *
   * @default - no storage
   */
  readonly storage?: ChatbotStorageOptions;

  /**
   * The public entry: CloudFront + WAF + load balancer with Cognito login, or an HTTP API with a
   * JWT authorizer for API clients.
   *
   * @default ChatbotIngress.CLOUDFRONT_ALB
   */
  readonly ingress?: ChatbotIngress;

  /**
   * Address plan of the new VPC: its CIDR, explicit subnet CIDRs, and a secondary CIDR whose
   * subnets hold the tasks. `egress` on this construct overrides the one here.
   *
   * @default - 10.0.0.0/16, subnets allocated automatically, tasks in the private subnets
   */
  readonly networkOptions?: ChatbotNetworkProps;

  /**
   * How the tasks reach AWS services and the internet: VPC endpoints only, or a NAT gateway (one
   * shared, or one per AZ) for third-party APIs. The VPC endpoints stay in NAT mode: AWS traffic
   * then skips the NAT gateway's data-processing charge.
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
   * Secrets Manager secrets injected into the app container as ECS secrets, by variable name.
   *
   * @default - none
   */
  readonly secrets?: { [name: string]: secretsmanager.ISecret };

  /**
   * Names of secrets the construct creates (generated values for you to replace), injected into
   * the app container.
   *
   * @default - none
   */
  readonly generatedSecrets?: string[];

  /**
   * Largest upload, in bytes, the web ACL accepts on Streamlit's upload path.
   *
   * @default - no upload limit beyond the app's own
   */
  readonly maxUploadBytes?: number;

  /**
   * Whether to create the dashboard and the alarms (5xx rate, unhealthy hosts, running tasks) with
   * their encrypted SNS topic. Only for the CloudFront ingress; the running-tasks alarm reads
   * Container Insights, which a cluster given in `cluster` must have enabled.
   *
   * @default true with the CloudFront ingress; not available with the HTTP API ingress
   */
  readonly monitoring?: boolean;

  /**
   * vCPU units of the task.
   *
   * @default 512
   */
  readonly cpu?: number;

  /**
   * Memory of the task in MiB.
   *
   * @default 1024
   */
  readonly memoryLimitMiB?: number;

  /**
   * CPU architecture of the task; the image must match it.
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

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
   * cost; tasks in the other zone cross zones and depend on that zone).
   *
   * @default false
   */
  readonly interfaceEndpointsInOneAz?: boolean;

  /**
   * Whether to create the VPC endpoints the tasks need (S3 gateway; bedrock-runtime, ecr.api,
   * ecr.dkr, logs and ssm interface endpoints). Turn it off for a VPC that already has them or
   * reaches AWS through a NAT gateway.
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
   * An existing Cognito user pool. With it, also pass `userPoolClient` and `userPoolDomain`, or
   * neither (a client and a domain are then added to your pool).
   *
   * @default - a new user pool (see `ChatbotAuth`)
   */
  readonly userPool?: cognito.IUserPool;

  /**
   * An existing app client of `userPool`, with a secret and the callback
   * `https://<domainName>/oauth2/idpresponse`.
   *
   * @default - a new app client
   */
  readonly userPoolClient?: cognito.IUserPoolClient;

  /**
   * An existing Cognito domain of `userPool`.
   *
   * @default - a new Cognito domain
   */
  readonly userPoolDomain?: cognito.IUserPoolDomain;

  /**
   * MFA requirement of the new user pool.
   *
   * @default cognito.Mfa.REQUIRED
   */
  readonly mfa?: cognito.Mfa;

  /**
   * Feature plan of the new user pool.
   *
   * @default cognito.FeaturePlan.ESSENTIALS
   */
  readonly featurePlan?: cognito.FeaturePlan;

  /**
   * The load balancer's certificate, in this stack's region, covering `domainName`,
   * `originDomainName` and, with `backend`, `backend.<domainName>`.
   *
   * @default - a new DNS-validated certificate
   */
  readonly certificate?: acm.ICertificate;

  /**
   * CloudFront's certificate for `domainName`, in us-east-1.
   *
   * @default - a new DNS-validated certificate in the edge stack
   */
  readonly edgeCertificate?: acm.ICertificate;

  /**
   * An existing CLOUDFRONT-scope web ACL ARN (us-east-1).
   *
   * @default - a new web ACL with managed rules and a rate limit
   */
  readonly webAclArn?: string;

  /**
   * Requests per IP address per 5 minutes before the web ACL blocks that address.
   *
   * @default 1000
   */
  readonly rateLimitPerIp?: number;

  /**
   * Countries CloudFront allows or denies.
   *
   * @default - none
   */
  readonly geoRestriction?: cloudfront.GeoRestriction;

  /**
   * The DNS name CloudFront uses to reach the load balancer. It is known at synth time, so the
   * us-east-1 edge stack needs no cross-region reference.
   *
   * @default `origin.<domainName>`
   */
  readonly originDomainName?: string;

  /**
   * The stack for the us-east-1 parts (distribution, web ACL, viewer certificate, DNS alias).
   * Its region must be us-east-1. Several chatbots may share one: each puts its parts under an id
   * of its own. It is made to deploy after this stack.
   *
   * @default - this stack when it is in us-east-1, else a helper stack `<stackName>-edge-<region>`
   * in us-east-1, created beside this stack and shared by every chatbot in it
   */
  readonly edgeStack?: Stack;

  /**
   * How often the origin-verify value rotates. A rotation function makes the load balancer accept
   * the new and the current value, switches CloudFront to the new one, then makes it current: no
   * request is refused and no deployment is needed. Rotate at once with
   * `aws secretsmanager rotate-secret --secret-id secure-container-chatbot/<domainName>/origin-verify`.
   *
   * @default Duration.days(30)
   */
  readonly originVerifyRotationInterval?: Duration;

  /**
   * The ID of the CloudFront origin-facing managed prefix list in this stack's region.
   *
   * @default - from the library's table of regions
   */
  readonly cloudFrontPrefixListId?: string;

  /**
   * The path of the sign-out link.
   *
   * @default '/signout'
   */
  readonly signOutPath?: string;

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

  /**
   * The prefix of the new Cognito domain of the hosted login pages
   * (`<prefix>.auth.<region>.amazoncognito.com`): 1-63 lower-case letters, digits and hyphens,
   * without `aws`, `amazon` or `cognito`, and free in the region across all accounts. Changing it
   * on a deployed stack needs the old domain deleted first (see
   * `ChatbotAuthProps.cognitoDomainPrefix`). Refused with `userPoolDomain` and with the HTTP API
   * ingress, which create no Cognito domain.
   *
   * @default - unique per stack instance (from `AWS::StackId`), independent of `domainName`
   */
  readonly cognitoDomainPrefix?: string;
}

/**
 * A containerized chat app (Streamlit on port 8501 by default) behind CloudFront and WAF, with
 * Cognito login on a load balancer that only CloudFront can reach, on ECS Fargate in private
 * subnets of two Availability Zones that reach AWS through VPC endpoints.
 *
 * When the stack is not in us-east-1, the CloudFront distribution, its web ACL and its
 * certificate go to a companion stack in us-east-1 (`edgeStack`), tied to this one by values
 * known at synth time only (the origin's DNS name and the origin-verify secret's name).
 */
export class SecureContainerChatbot extends Construct {
  /** The network, when this construct created the VPC. */
  public readonly network?: ChatbotNetwork;

  /** The VPC. */
  public readonly vpc: ec2.IVpc;

  /** The VPC endpoints, when created. */
  public readonly endpoints?: ChatbotEndpoints;

  /** The Fargate service and its task definition. */
  public readonly service: ChatbotService;

  /** Files and metadata, when `storage` was given. */
  public readonly storage?: ChatbotStorage;

  /** The backend service, when `backend` was given. */
  public readonly backend?: ChatbotBackend;

  /** The bucket of this stack's access logs (load balancers, S3). */
  public readonly accessLogsBucket: s3.Bucket;

  /** Dashboard and alarms, unless `monitoring` is false. */
  public readonly monitoring?: ChatbotMonitoring;

  /** Cognito login. */
  public readonly auth: ChatbotAuth;

  /** The load balancer (CloudFront ingress). */
  public readonly loadBalancer?: ChatbotLoadBalancer;

  /** CloudFront, WAF and DNS, in us-east-1 (CloudFront ingress). */
  public readonly edge?: ChatbotEdge;

  /**
   * The stack that holds `edge`: this stack in us-east-1, else `edgeStack` or the us-east-1 helper
   * stack `<stackName>-edge-<region>` shared by the chatbots of this stack (CloudFront ingress).
   */
  public readonly edgeStack?: Stack;

  /** The secret whose value CloudFront sends in the origin-verify header (CloudFront ingress). */
  public readonly originVerifySecret?: secretsmanager.Secret;

  /** The origin-verify secret and its rotation (CloudFront ingress). */
  public readonly originVerify?: ChatbotOriginVerify;

  /** The HTTP API, VPC link and Network Load Balancer (HTTP API ingress). */
  public readonly httpApi?: ChatbotHttpApi;

  /**
   * The customer-managed KMS key of this stack's log groups and of the origin-verify secret (its
   * us-east-1 replica, outside this stack's region, uses the AWS-managed Secrets Manager key).
   */
  public readonly encryptionKey: kms.Key;

  /** The load balancer's certificate. */
  public readonly certificate: acm.ICertificate;

  /** The app's URL, `https://<domainName>/`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: SecureContainerChatbotProps) {
    super(scope, id);
    const stack = Stack.of(this);
    validateChatbotProps(this, stack, props);
    const ingress = props.ingress ?? ChatbotIngress.CLOUDFRONT_ALB;

    const originDomainName = props.originDomainName ?? `origin.${props.domainName}`;
    const signOutPath = props.signOutPath ?? '/signout';
    const cognitoLogoutPath = `${signOutPath}/cognito`;
    this.url = `https://${props.domainName}/`;

    // One customer-managed key for this stack's log groups and the origin-verify secret.
    this.encryptionKey = createLogsKey(this, 'EncryptionKey', `Encrypts the logs and secrets of the chatbot ${props.domainName}`, props.removalPolicy);

    if (props.vpc) {
      this.vpc = props.vpc;
    } else if (props.cluster) {
      this.vpc = props.cluster.vpc;
    } else {
      this.network = new ChatbotNetwork(this, 'Network', {
        ...props.networkOptions,
        egress: props.egress ?? props.networkOptions?.egress,
        flowLogRetention: props.logRetention ?? props.networkOptions?.flowLogRetention,
        logsEncryptionKey: this.encryptionKey,
        removalPolicy: props.removalPolicy,
      });
      this.vpc = this.network.vpc;
    }

    // One bucket for every access log of this stack: the load balancers' and S3's server access logs.
    this.accessLogsBucket = createServiceLogBucket(this, 'AccessLogs', s3.ObjectOwnership.BUCKET_OWNER_ENFORCED, props.removalPolicy);

    // Built before the service so that their names can go into the container's configuration.
    if (props.storage) {
      const ownsStorage = !(props.storage.bucket && props.storage.table);
      this.storage = new ChatbotStorage(this, 'Storage', {
        ...props.storage,
        removalPolicy: props.storage.removalPolicy ?? (ownsStorage ? props.removalPolicy : undefined),
        accessLogsBucket: this.accessLogsBucket,
      });
    }
    const backendDomainName = `backend.${props.domainName}`;
    const derivedConfig: { [name: string]: string } = {
      ...(this.storage ? { FILES_BUCKET: this.storage.bucket.bucketName, METADATA_TABLE: this.storage.table.tableName } : {}),
      ...(props.backend ? { BACKEND_URL: `https://${backendDomainName}` } : {}),
    };

    this.service = new ChatbotService(this, 'Service', {
      vpc: this.vpc,
      subnets: this.network?.taskSubnets,
      cluster: props.cluster,
      image: props.image,
      containerPort: props.containerPort,
      desiredCount: props.desiredCount,
      maxTaskCount: props.maxTaskCount,
      cpu: props.cpu,
      memoryLimitMiB: props.memoryLimitMiB,
      cpuArchitecture: props.cpuArchitecture,
      bedrockModels: props.bedrockModels,
      config: { ...derivedConfig, ...props.config },
      secrets: props.secrets,
      generatedSecrets: props.generatedSecrets,
      logRetention: props.logRetention,
      logsEncryptionKey: this.encryptionKey,
      signOutPath,
      deployment: props.deployment,
      removalPolicy: props.removalPolicy,
    });

    const usesSecrets = [props.secrets, props.backend?.secrets].some((m) => m && Object.keys(m).length > 0)
      || [props.generatedSecrets, props.backend?.generatedSecrets].some((l) => l && l.length > 0);
    if (props.vpcEndpoints ?? (!props.vpc && !props.cluster)) {
      this.endpoints = new ChatbotEndpoints(this, 'Endpoints', {
        vpc: this.vpc,
        subnets: this.service.subnets,
        oneAvailabilityZone: props.interfaceEndpointsInOneAz,
        // The task's configuration comes from SSM parameters, fetched through this endpoint.
        additionalInterfaceServices: [
          ec2.InterfaceVpcEndpointAwsService.SSM,
          ...(usesSecrets ? [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER] : []),
        ],
        dynamoDbGateway: this.storage !== undefined,
      });
      this.endpoints.allowFrom(this.service.securityGroup);
    }
    this.storage?.grantReadWrite(this.service.taskDefinition.taskRole, this.endpoints?.s3Gateway, this.endpoints?.dynamoDbGateway);

    this.auth = new ChatbotAuth(this, 'Auth', {
      domainName: props.domainName,
      userPool: props.userPool,
      userPoolClient: props.userPoolClient,
      userPoolDomain: props.userPoolDomain,
      mfa: props.mfa,
      featurePlan: props.featurePlan,
      apiClients: ingress === ChatbotIngress.HTTP_API,
      cognitoDomainPrefix: props.cognitoDomainPrefix,
      removalPolicy: props.userPool ? undefined : props.removalPolicy,
    });

    // One regional certificate: the public name, the origin name CloudFront connects to, the backend.
    const alternativeNames = [
      ...(ingress === ChatbotIngress.CLOUDFRONT_ALB ? [originDomainName] : []),
      ...(props.backend ? [backendDomainName] : []),
    ];
    this.certificate = props.certificate ?? new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      subjectAlternativeNames: alternativeNames.length > 0 ? alternativeNames : undefined,
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });

    if (props.backend) {
      this.backend = new ChatbotBackend(this, 'Backend', withPropPrefix({
        ...props.backend,
        vpc: this.vpc,
        // The same subnets as the frontend: the ones the VPC endpoints serve.
        subnets: this.service.subnets,
        cluster: this.service.cluster,
        clientSecurityGroup: this.service.securityGroup,
        domainName: backendDomainName,
        certificate: this.certificate,
        accessLogsBucket: this.accessLogsBucket,
        hostedZone: props.hostedZone,
        logsEncryptionKey: this.encryptionKey,
        logRetention: props.logRetention,
        deletionProtection: props.deletionProtection,
        removalPolicy: props.removalPolicy,
      }, 'backend.'));
      this.endpoints?.allowFrom(this.backend.service.securityGroup);
    }

    if (ingress === ChatbotIngress.HTTP_API) {
      this.httpApi = new ChatbotHttpApi(this, 'HttpApi', {
        vpc: this.vpc,
        subnets: this.service.subnets,
        targets: [this.service.fargateService],
        targetConnections: this.service.fargateService,
        containerPort: this.service.containerPort,
        auth: this.auth,
        logsEncryptionKey: this.encryptionKey,
        domainName: props.domainName,
        certificate: this.certificate,
        hostedZone: props.hostedZone,
        accessLogsBucket: this.accessLogsBucket,
        logRetention: props.logRetention,
        deletionProtection: props.deletionProtection,
        removalPolicy: props.removalPolicy,
      });
      return;
    }

    // One value in two regions: CloudFront (us-east-1) adds it, the load balancer checks it. A
    // replica in us-east-1 lets the edge stack resolve it by name, without cross-region references.
    const edgeStack = props.edgeStack ?? (stack.region === EDGE_REGION ? stack : edgeStackOf(stack));
    const edgeInOtherStack = edgeStack !== stack;
    const originVerify = new ChatbotOriginVerify(this, 'OriginVerify', {
      domainName: props.domainName,
      encryptionKey: this.encryptionKey,
      replicaRegions: stack.region !== EDGE_REGION ? [EDGE_REGION] : undefined,
      rotationInterval: props.originVerifyRotationInterval,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.originVerify = originVerify;
    this.originVerifySecret = originVerify.secret;

    const loadBalancer = new ChatbotLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      targets: [this.service.fargateService],
      targetConnections: this.service.fargateService,
      containerPort: this.service.containerPort,
      certificate: this.certificate,
      auth: this.auth,
      originVerifyHeaderValue: originVerify.headerValue,
      cloudFrontPrefixListId: props.cloudFrontPrefixListId,
      originDomainName,
      hostedZone: props.hostedZone,
      cognitoLogoutPath,
      accessLogsBucket: this.accessLogsBucket,
      deployment: props.deployment,
      deletionProtection: props.deletionProtection,
    });
    this.loadBalancer = loadBalancer;
    originVerify.rotateWith({ listenerRules: loadBalancer.originVerifyRules });

    // Each chatbot's edge parts go under an id of their own, so several chatbots can share one
    // edge stack (the default one of their stack, or one passed in `edgeStack`).
    let edgeScope: Construct = this;
    let zone = props.hostedZone;
    let headerValue = originVerify.headerValue;
    this.edgeStack = edgeStack;
    if (edgeInOtherStack) {
      if (props.edgeStack) {
        edgeStack.addStackDependency(stack, 'origin DNS record and origin-verify secret replica');
      }
      edgeScope = new Construct(edgeStack, edgeScopeId(this));
      zone = route53.HostedZone.fromHostedZoneAttributes(edgeScope, 'HostedZone', {
        hostedZoneId: props.hostedZone.hostedZoneId,
        zoneName: props.hostedZone.zoneName,
      });
      headerValue = SecretValue.secretsManager(originVerify.secretName, { jsonField: 'value' });
    }

    const edge = new ChatbotEdge(edgeScope, 'Edge', {
      domainName: props.domainName,
      hostedZone: zone,
      originDomainName,
      originVerifyHeaderValue: headerValue,
      certificate: props.edgeCertificate,
      webAclArn: props.webAclArn,
      rateLimitPerIp: props.rateLimitPerIp,
      maxUploadBytes: props.maxUploadBytes,
      geoRestriction: props.geoRestriction,
      signOutPath,
      cognitoLogoutPath,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.edge = edge;

    if (props.monitoring ?? true) {
      this.monitoring = new ChatbotMonitoring(this, 'Monitoring', {
        loadBalancer: loadBalancer.applicationLoadBalancer,
        targetGroup: loadBalancer.targetGroup,
        service: this.service.fargateService,
        minRunningTasks: props.desiredCount ?? 2,
        webAclMetricName: edge.webAcl?.metricName,
        removalPolicy: props.removalPolicy,
      });
    }
  }
}

function validateChatbotProps(scope: Construct, stack: Stack, props: SecureContainerChatbotProps): void {
  const v = new PropsValidator('SecureContainerChatbot', scope);
  const region = stack.region;
  v.check(!!props.image, 'image', 'is missing.', 'Pass the chat app\'s container image, for example ChatbotImage.fromAsset(\'./app\').');
  v.check(!!props.hostedZone, 'hostedZone', 'is missing.', 'Pass the Route 53 hosted zone of the domain (HostedZone.fromHostedZoneAttributes).');
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
  if (props.originDomainName !== undefined && !Token.isUnresolved(props.originDomainName)) {
    v.check(isValidDomainName(props.originDomainName) && props.originDomainName !== domainName, 'originDomainName',
      `'${props.originDomainName}' must be a valid domain name other than domainName.`, 'Leave it out to use origin.<domainName>.');
  }
  if (props.hostedZone && !Token.isUnresolved(region) && region !== 'us-east-1') {
    v.check(!Token.isUnresolved(props.hostedZone.hostedZoneId) && tryZoneName(props.hostedZone) !== undefined, 'hostedZone',
      'must have an ID and a name known at synth time, because the CloudFront parts live in a us-east-1 companion stack.',
      'Import the zone with route53.HostedZone.fromHostedZoneAttributes(this, \'Zone\', { hostedZoneId, zoneName }) or HostedZone.fromLookup.');
  }
  if (props.edgeStack && !Token.isUnresolved(props.edgeStack.region)) {
    v.check(props.edgeStack.region === 'us-east-1', 'edgeStack', `is in ${props.edgeStack.region}, but CloudFront's certificate and web ACL must be in us-east-1.`,
      'Pass a stack whose env.region is us-east-1, or leave the prop out.');
  }
  if (props.certificate && !Token.isUnresolved(region)) {
    const certRegion = regionOfArn(props.certificate.certificateArn);
    v.check(certRegion === undefined || certRegion === region, 'certificate', `is in ${certRegion} but the load balancer is in ${region}.`,
      'Pass a certificate from the stack\'s own region, or pass the us-east-1 one as edgeCertificate.');
  }
  if (props.edgeCertificate) {
    const certRegion = regionOfArn(props.edgeCertificate.certificateArn);
    v.check(certRegion === undefined || certRegion === 'us-east-1', 'edgeCertificate', `is in ${certRegion}; CloudFront only uses certificates from us-east-1.`,
      'Issue the certificate in us-east-1, or leave the prop out to get one.');
  }
  if (props.ingress === ChatbotIngress.HTTP_API) {
    const cloudFrontOnly: Array<[string, unknown]> = [
      ['webAclArn', props.webAclArn], ['edgeCertificate', props.edgeCertificate], ['edgeStack', props.edgeStack],
      ['rateLimitPerIp', props.rateLimitPerIp], ['maxUploadBytes', props.maxUploadBytes], ['geoRestriction', props.geoRestriction],
      ['originDomainName', props.originDomainName], ['cloudFrontPrefixListId', props.cloudFrontPrefixListId], ['signOutPath', props.signOutPath],
      ['userPoolDomain', props.userPoolDomain], ['cognitoDomainPrefix', props.cognitoDomainPrefix],
      ['originVerifyRotationInterval', props.originVerifyRotationInterval],
    ];
    for (const [prop, value] of cloudFrontOnly) {
      v.check(value === undefined, prop, 'only applies to the CloudFront ingress, but `ingress` is HTTP_API.', 'Remove it, or use ChatbotIngress.CLOUDFRONT_ALB.');
    }
    v.check(props.monitoring !== true, 'monitoring', 'is not available for the HTTP API ingress yet (its dashboard is built on the application load balancer).',
      'Remove the prop; the HTTP API stage writes access logs and API Gateway publishes its metrics.');
  }
  const rotation = props.originVerifyRotationInterval;
  if (rotation && !rotation.isUnresolved()) {
    const days = rotation.toSeconds() / 86400;
    v.check(Number.isInteger(days) && days >= 1 && days <= 1000, 'originVerifyRotationInterval',
      `must be a whole number of days from 1 to 1000 (got ${rotation.toHumanString()}).`, 'Secrets Manager rotates at most daily; use Duration.days(30) for example.');
  }
  if (props.backend) {
    validateBackendOptions(scope, 'SecureContainerChatbot', 'backend.', props.backend);
  }
  checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
  checkDeletionProtection(v, props.deletionProtection, props.removalPolicy);
  v.check(!(props.userPoolDomain && props.cognitoDomainPrefix !== undefined), 'cognitoDomainPrefix',
    'is unused because `userPoolDomain` was given.', 'Give either an existing domain or a prefix for a new one, not both.');
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
  v.throwIfInvalid();
}
