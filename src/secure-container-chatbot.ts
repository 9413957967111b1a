import { RemovalPolicy, Stack } from 'aws-cdk-lib';
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
import { ChatbotAuth } from './auth/chatbot-auth';
import { ChatbotOidcAuth } from './auth/chatbot-oidc-auth';
import { ChatbotUserPoolWebAcl } from './auth/chatbot-user-pool-web-acl';
import { ChatbotBackend, ChatbotBackendOptions } from './backend/chatbot-backend';
import { ChatbotGuardrail } from './bedrock/chatbot-guardrail';
import { ChatbotInvocationLogging, ChatbotInvocationLoggingOptions } from './bedrock/chatbot-invocation-logging';
import {
  ChatbotBase, composeAccessLogsBucket, composeBackend, composeCertificate, composeEndpoints, composeInvocationLogging, composeNetwork,
  composeConversations, composeReleaseRollback, composeService, composeStorage,
} from './compose/chatbot-parts';
import { validateChatbotProps } from './compose/validate-chatbot-props';
import { ChatbotConversationHistoryOptions, ChatbotConversations } from './conversations/chatbot-conversations';
import { ChatbotEdge } from './edge/chatbot-edge';
import { ChatbotEndpoints } from './endpoints/chatbot-endpoints';
import { ChatbotHttpApi } from './ingress/chatbot-http-api';
import { ChatbotIngress } from './ingress/chatbot-ingress';
import { ChatbotLoadBalancer } from './ingress/chatbot-load-balancer';
import { ChatbotIngressParts } from './ingress/ingress-parts';
import { ChatbotMonitoring } from './monitoring/chatbot-monitoring';
import { ChatbotEgress, ChatbotNetwork, ChatbotNetworkProps } from './network/chatbot-network';
import { ChatbotOriginVerify } from './origin-verify/chatbot-origin-verify';
import { ChatbotContainerOptions } from './service/chatbot-container-options';
import { ChatbotService } from './service/chatbot-service';
import { ChatbotDeploymentSettings } from './service/deployment-settings';
import { createLogsKey } from './shared/encryption';
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
 * The parts that only one ingress has are on `ingressParts`, undefined where the ingress lacks
 * them. The getters of 1.0 (`loadBalancer`, `edge`, `edgeStack`, `originVerify`,
 * `originVerifySecret` for `ChatbotIngress.cloudFront()`; `httpApi` for `ChatbotIngress.httpApi()`)
 * stay: reading one of them on a chatbot of the other ingress throws an `Error` that names the
 * ingress it needs.
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

  /**
   * The parts that depend on the ingress; a part the ingress lacks is undefined (the getters
   * `auth`, `loadBalancer`, `edge`, `edgeStack`, `originVerify`, `originVerifySecret` and
   * `httpApi` throw instead).
   */
  public readonly ingressParts: ChatbotIngressParts;

  constructor(scope: Construct, id: string, props: SecureContainerChatbotProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const ingress = props.ingress ?? ChatbotIngress.cloudFront();
    validateChatbotProps(this, stack, props, ingress);
    this.ingress = ingress;
    this.url = `https://${props.domainName}/`;
    // One customer-managed key for this stack's log groups and the origin-verify secret.
    this.encryptionKey = createLogsKey(this, 'EncryptionKey', `Encrypts the logs and secrets of the chatbot ${props.domainName}`, props.removalPolicy);
    const base: ChatbotBase = { props, stack, plan: ingress._plan(props), url: this.url, encryptionKey: this.encryptionKey };

    // Each part in the order its resources appear in the templates (the logical-id contract).
    const network = composeNetwork(this, base);
    this.vpc = network.vpc;
    this.network = network.network;
    this.accessLogsBucket = composeAccessLogsBucket(this, base);
    this.storage = composeStorage(this, base, this.accessLogsBucket);
    this.conversations = composeConversations(this, base);
    this.service = composeService(this, base, this.vpc, this.network, this.storage, this.conversations);
    this.endpoints = composeEndpoints(this, base, this.vpc, this.service, this.storage, this.conversations);
    this.invocationLogging = composeInvocationLogging(this, base);
    this.storage?.grantReadWrite(this.service.taskDefinition.taskRole, this.endpoints?.s3Gateway, this.endpoints?.dynamoDbGateway);
    this.conversations?.grantReadWrite(this.service.taskDefinition.taskRole, this.endpoints?.dynamoDbGateway);
    const login = ingress._bindLogin(this, base);
    this.certificate = composeCertificate(this, base);
    this.backend = composeBackend(this, base, this.vpc, this.service, this.certificate, this.endpoints);
    const entry = ingress._bindEntry(this, {
      ...base,
      login,
      vpc: this.vpc,
      network: this.network,
      service: this.service,
      certificate: this.certificate,
      accessLogsBucket: this.accessLogsBucket,
    });
    this.ingressParts = { auth: login.auth, oidcAuth: login.oidcAuth, loginWebAcl: login.loginWebAcl, ...entry };
    this.oidcAuth = login.oidcAuth;
    this.loginWebAcl = login.loginWebAcl;
    this.monitoring = entry.monitoring;
    composeReleaseRollback(this, base, this.service, this.monitoring, this.backend);
  }

  /**
   * The Cognito login.
   *
   * @throws Error with the CloudFront ingress's `oidc`, whose login is `oidcAuth`
   */
  public get auth(): ChatbotAuth {
    if (!this.ingressParts.auth) {
      throw new Error(`SecureContainerChatbot: \`auth\` (Cognito) does not exist because ${this.node.path} uses an OpenID Connect provider directly `
        + '(`ingress.oidc` or `ingress.jwtIssuer`). Use `oidcAuth` for the load balancer\'s login, `httpApi` for the API\'s authorizer.');
    }
    return this.ingressParts.auth;
  }

  /**
   * The load balancer with the login.
   *
   * @throws Error with `ChatbotIngress.httpApi()`, which has a Network Load Balancer in `httpApi`
   */
  public get loadBalancer(): ChatbotLoadBalancer {
    return this.cloudFrontPart('loadBalancer', this.ingressParts.loadBalancer);
  }

  /**
   * CloudFront, WAF and DNS: in `edgeStack`.
   *
   * @throws Error with `ChatbotIngress.httpApi()`
   */
  public get edge(): ChatbotEdge {
    return this.cloudFrontPart('edge', this.ingressParts.edge);
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
    return this.cloudFrontPart('edgeStack', this.ingressParts.edgeStack);
  }

  /**
   * The origin-verify secret and its rotation.
   *
   * @throws Error with `ChatbotIngress.httpApi()` and `ChatbotIngress.cloudFrontVpcOrigin()`
   */
  public get originVerify(): ChatbotOriginVerify {
    return this.publicOriginPart('originVerify', this.ingressParts.originVerify);
  }

  /**
   * The secret whose value CloudFront sends in the origin-verify header.
   *
   * @throws Error with `ChatbotIngress.httpApi()` and `ChatbotIngress.cloudFrontVpcOrigin()`
   */
  public get originVerifySecret(): secretsmanager.Secret {
    return this.publicOriginPart('originVerifySecret', this.ingressParts.originVerify?.secret);
  }

  /**
   * The HTTP API, VPC link and Network Load Balancer.
   *
   * @throws Error with `ChatbotIngress.cloudFront()`, whose parts are `edge` and `loadBalancer`
   */
  public get httpApi(): ChatbotHttpApi {
    if (!this.ingressParts.httpApi) {
      throw new Error(`SecureContainerChatbot: \`httpApi\` exists only with \`ingress: ChatbotIngress.httpApi()\`, but ${this.node.path} uses ChatbotIngress.${this.ingress.variant}(). `
        + 'Use `edge` and `loadBalancer` for its entry, or build it with ChatbotIngress.httpApi().');
    }
    return this.ingressParts.httpApi;
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
