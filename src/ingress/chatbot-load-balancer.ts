import { Annotations, Duration, RemovalPolicy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS } from './cloudfront-prefix-lists';
import { LOAD_BALANCER_OPTION_TYPES } from './option-types';
import { IChatbotLoginActions } from '../auth/chatbot-auth';
import { DEPLOYMENT_SETTINGS_TYPE, SERVICE_ONLY_SETTINGS, checkHealthCheckSettings, httpHealthCheck, resolveDeploymentSettings } from '../service/deployment-defaults';
import { ChatbotDeploymentSettings } from '../service/deployment-settings';
import { logRetentionType } from '../shared/aws-limits';
import { ORIGIN_VERIFY_HEADER, cognitoLogoutPath } from '../shared/constants';
import { createLogsKey } from '../shared/encryption';
import { createHttpsLoadBalancer } from '../shared/https-load-balancer';
import { checkDeletionProtection, checkRemovalPolicy } from '../shared/removal-policy';
import { checkSecretReference } from '../shared/secret-value';
import {
  PropTypes, PropsValidator, booleanType, checkCertificateRegion, checkDomainName, checkPropTypes, enumType, isInZone,
  numberType, objectListType, objectType, required, stringType, tryZoneName,
} from '../shared/validation';

/**
 * The options of the CloudFront-facing load balancer that a user tunes: the prefix list it
 * admits, its idle timeout and its stickiness. `ChatbotLoadBalancer` and the CloudFront ingress
 * of `SecureContainerChatbot` take them under these names.
 */
export interface ChatbotLoadBalancerOptions {
  /**
   * The ID of the `com.amazonaws.global.cloudfront.origin-facing` managed prefix list in the
   * load balancer's region, admitted on 443.
   *
   * @default - looked up in the library's table of the regions that publish it
   */
  readonly cloudFrontPrefixListId?: string;

  /**
   * Idle timeout of the load balancer. Streamed answers and WebSockets need more than the
   * 60-second default.
   *
   * @default Duration.seconds(300)
   */
  readonly idleTimeout?: Duration;

  /**
   * How long the load balancer keeps a browser on the same task. Streamlit keeps each session's
   * state in the task that served it.
   *
   * @default Duration.hours(1)
   */
  readonly stickinessDuration?: Duration;
}

/**
 * Props for `ChatbotLoadBalancer`.
 */
export interface ChatbotLoadBalancerProps extends ChatbotLoadBalancerOptions {
  /** The VPC; the load balancer goes in its public subnets, or in `subnets` when `internal`. */
  readonly vpc: ec2.IVpc;

  /**
   * Make the load balancer internal, for a CloudFront VPC origin: no public address, and no
   * origin-verify header (nothing outside the VPC can reach it). Its subnets need a route to the
   * internet (a NAT gateway), because the login calls Cognito's token endpoint.
   *
   * @default false
   */
  readonly internal?: boolean;

  /**
   * The subnets of the load balancer.
   *
   * @default - the public subnets; with `internal`, the private subnets with egress
   * (`PRIVATE_WITH_EGRESS`)
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * What the target group forwards to: usually your ECS service (an `ecs.FargateService` registers
   * its default container's first port mapping), or `service.loadBalancerTarget({ containerName,
   * containerPort })` for another container.
   */
  readonly targets: elbv2.IApplicationLoadBalancerTarget[];

  /**
   * The security groups of the targets, usually the same service: they get a rule that admits the
   * load balancer on `containerPort`.
   */
  readonly targetConnections: ec2.IConnectable;

  /** The port the container listens on. */
  readonly containerPort: number;

  /**
   * The regional certificate of the HTTPS listener, in the load balancer's region. It must cover
   * the public domain (CloudFront forwards the viewer's Host header and checks the certificate
   * against it) and `originDomainName`.
   */
  readonly certificate: acm.ICertificate;

  /**
   * The login in front of the app: a `ChatbotAuth` (Cognito), a `ChatbotOidcAuth` (an OpenID
   * Connect provider without Cognito), or your own.
   */
  readonly auth: IChatbotLoginActions;

  /**
   * The value CloudFront sends in the `X-Origin-Verify` header. Requests without it get a 403
   * before anything else runs. It must reference a secret (`secret.secretValueFromJson('value')`,
   * `SecretValue.secretsManager(...)`): a plain-text value is refused. Required for an
   * internet-facing load balancer; refused with `internal`.
   *
   * @default - none: only with `internal`
   */
  readonly originVerifyHeaderValue?: SecretValue;

  /**
   * DNS name under which CloudFront reaches the load balancer (an alias record is created when
   * `hostedZone` is given).
   *
   * @default - no record
   */
  readonly originDomainName?: string;

  /**
   * Hosted zone for the `originDomainName` alias record.
   *
   * @default - no record
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * The path on which the load balancer sends users to Cognito's logout endpoint (the edge's
   * sign-out function redirects there after expiring the load balancer's session cookies).
   *
   * @default '/signout/cognito'
   */
  readonly cognitoLogoutPath?: string;

  /**
   * Deployment timings: health checks and deregistration delay.
   *
   * @default - see `ChatbotDeploymentSettings`
   */
  readonly deployment?: ChatbotDeploymentSettings;

  /**
   * The health check path of the target group.
   *
   * @default '/_stcore/health' (Streamlit)
   */
  readonly healthCheckPath?: string;

  /**
   * A bucket for the load balancer's legacy access logs, for those who want them in S3. Load
   * balancers write legacy access logs only into buckets encrypted with SSE-S3. Without it, the
   * access logs go through CloudWatch Logs vended delivery into `accessLogGroup`, encrypted with
   * `logsEncryptionKey`. Refused together with `logsEncryptionKey`, `logRetention` and
   * `removalPolicy`, which are about that log group.
   *
   * @default - no bucket: the access logs go into a new KMS-encrypted log group
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * KMS key of the access-log group. Its key policy must let CloudWatch Logs
   * (`logs.<region>.amazonaws.com`) use it for the account's log groups. Refused together with
   * `accessLogsBucket`.
   *
   * @default - a new key, kept according to `removalPolicy`
   */
  readonly logsEncryptionKey?: kms.IKey;

  /**
   * Retention of the access-log group. Refused together with `accessLogsBucket`.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Whether the load balancer has deletion protection: a production opt-in. Turn it on once the
   * stack has deployed successfully (CloudFormation cannot delete a protected load balancer, so
   * the rollback of a failed first deployment would fail), and off again before deleting the
   * stack. Refused together with `removalPolicy: DESTROY`.
   *
   * @default false
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the access-log group this construct creates (and its key, when this construct
   * creates one) when the stack is deleted: RETAIN keeps them, DESTROY deletes them. Refused
   * together with `accessLogsBucket`: then this construct owns no data.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The internet-facing Application Load Balancer behind CloudFront: HTTPS only with a TLS 1.2/1.3
 * policy, reachable only from CloudFront's origin-facing addresses, answering 403 to any request
 * without the origin-verify header, then Cognito login, then the app's target group.
 */
export class ChatbotLoadBalancer extends Construct {
  /** The load balancer. */
  public readonly applicationLoadBalancer: elbv2.ApplicationLoadBalancer;

  /** The HTTPS listener. */
  public readonly listener: elbv2.ApplicationListener;

  /** The app's target group. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The load balancer's security group. */
  public readonly securityGroup: ec2.SecurityGroup;

  /**
   * The log group that receives the load balancer's access logs (as JSON records, through
   * CloudWatch Logs vended delivery); undefined when `accessLogsBucket` was given.
   */
  public readonly accessLogGroup?: logs.LogGroup;

  /**
   * The vended log delivery into `accessLogGroup`; undefined when `accessLogsBucket` was given.
   */
  public readonly accessLogDelivery?: logs.CfnDelivery;

  /** The bucket of the legacy access logs: `accessLogsBucket` when given, otherwise undefined. */
  public readonly accessLogsBucket?: s3.IBucket;

  /**
   * The listener rules that check the origin-verify header (a rotation updates each of them); empty
   * for an internal load balancer, which has no such header.
   */
  public readonly originVerifyRules: elbv2.ApplicationListenerRule[];

  constructor(scope: Construct, id: string, props: ChatbotLoadBalancerProps) {
    super(scope, id);
    validateLoadBalancerProps(this, props);
    const internal = props.internal ?? false;
    if (props.originVerifyHeaderValue) {
      checkSecretReference(this, 'ChatbotLoadBalancer', 'originVerifyHeaderValue', props.originVerifyHeaderValue);
    }
    const prefixListId = resolvePrefixList(this, props);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Chatbot load balancer: HTTPS from CloudFront origin-facing addresses only',
      allowAllOutbound: false,
    });
    // A VPC origin's traffic is admitted by the same origin-facing prefix list: it needs no lookup
    // (the library's table), exists before the first deployment, and keeps one rule for both
    // variants. The alternative, the security group CloudFront creates for VPC origins
    // (CloudFront-VPCOrigins-Service-SG), only exists once the first VPC origin of the VPC is
    // deployed and CloudFormation does not return its ID: a custom resource would have to look it up.
    this.securityGroup.addIngressRule(ec2.Peer.prefixList(prefixListId), ec2.Port.tcp(443), 'HTTPS from CloudFront (origin-facing prefix list)');
    // The authenticate action calls Cognito's token and user-info endpoints, which have public
    // addresses and no prefix list: without this the login ends in a 500.
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the Cognito endpoints for the login');

    const alb = createHttpsLoadBalancer(this, {
      vpc: props.vpc,
      internetFacing: !internal,
      vpcSubnets: props.subnets ?? { subnetType: internal ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PUBLIC },
      securityGroup: this.securityGroup,
      idleTimeout: props.idleTimeout ?? Duration.seconds(300),
      http2Enabled: true,
      deletionProtection: props.deletionProtection,
      accessLogsBucket: props.accessLogsBucket,
      accessLogsPrefix: 'alb',
      accessLogGroup: () => ({
        encryptionKey: props.logsEncryptionKey ?? createLogsKey(this, 'AccessLogsKey', 'Encrypts the chatbot load balancer access logs', props.removalPolicy),
        retention: props.logRetention,
        removalPolicy: props.removalPolicy,
      }),
      // The web ACL sits on the CloudFront distribution, the only way in (prefix list + secret
      // header, or an internal load balancer that only the VPC origin reaches).
      withoutWebAclReason: internal
        ? 'The WAF web ACL is attached to the CloudFront distribution in front of this internal load balancer, which has no public address and admits only CloudFront\'s VPC origin on 443; a second regional web ACL would inspect the same traffic twice.'
        : 'The WAF web ACL is attached to the CloudFront distribution in front of this load balancer, which admits only CloudFront\'s origin-facing addresses and requests carrying the secret origin-verify header; a second regional web ACL would inspect the same traffic twice.',
      target: {
        port: props.containerPort,
        targets: props.targets,
        connections: props.targetConnections,
        ruleDescription: 'App port from the load balancer',
        deregistrationDelay: resolveDeploymentSettings(props.deployment).deregistrationDelay,
        stickinessCookieDuration: props.stickinessDuration ?? Duration.hours(1),
        healthCheck: httpHealthCheck(props.healthCheckPath ?? '/_stcore/health', props.deployment),
      },
      certificate: props.certificate,
      // Internal: whatever reaches the listener came through CloudFront, so the login is the
      // default. Internet-facing: 403 unless a rule below finds the origin-verify header.
      defaultAction: (targetGroup) => internal
        ? props.auth.authenticateThen(elbv2.ListenerAction.forward([targetGroup]))
        : elbv2.ListenerAction.fixedResponse(403, { contentType: 'text/plain', messageBody: 'Forbidden' }),
    });
    this.applicationLoadBalancer = alb.loadBalancer;
    this.targetGroup = alb.targetGroup;
    this.listener = alb.listener;
    this.accessLogGroup = alb.accessLogGroup;
    this.accessLogDelivery = alb.accessLogDelivery;
    this.accessLogsBucket = props.accessLogsBucket;
    if (internal) {
      // CloudFront creates a VPC origin only in a VPC with an internet gateway attached: the load
      // balancer, which the VPC origin references, waits for it (and outlives it on deletion).
      // (An ec2.Vpc's internetConnectivityEstablished holds the gateway, not its attachment.)
      this.applicationLoadBalancer.node.addDependency(props.vpc.internetConnectivityEstablished);
      const attachment = props.vpc.node.tryFindChild('VPCGW');
      if (attachment) {
        this.applicationLoadBalancer.node.addDependency(attachment);
      }
    }

    const fromCloudFront = props.originVerifyHeaderValue
      ? [elbv2.ListenerCondition.httpHeader(ORIGIN_VERIFY_HEADER, [props.originVerifyHeaderValue.unsafeUnwrap()])]
      : [];
    const logoutRule = new elbv2.ApplicationListenerRule(this, 'CognitoLogoutRule', {
      listener: this.listener,
      priority: 10,
      conditions: [...fromCloudFront, elbv2.ListenerCondition.pathPatterns([props.cognitoLogoutPath ?? cognitoLogoutPath()])],
      action: props.auth.cognitoLogoutRedirect(),
    });
    this.originVerifyRules = [];
    if (!internal) {
      const appRule = new elbv2.ApplicationListenerRule(this, 'AppRule', {
        listener: this.listener,
        priority: 20,
        conditions: fromCloudFront,
        action: props.auth.authenticateThen(elbv2.ListenerAction.forward([this.targetGroup])),
      });
      this.originVerifyRules = [logoutRule, appRule];
    }

    if (props.hostedZone && props.originDomainName) {
      new route53.ARecord(this, 'OriginRecord', {
        zone: props.hostedZone,
        recordName: props.originDomainName,
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.applicationLoadBalancer)),
      });
    }
  }

}

function resolvePrefixList(scope: Construct, props: ChatbotLoadBalancerProps): string {
  if (props.cloudFrontPrefixListId) {
    return props.cloudFrontPrefixListId;
  }
  const region = Stack.of(scope).region;
  const v = new PropsValidator('ChatbotLoadBalancer', scope, props);
  v.check(!Token.isUnresolved(region), 'cloudFrontPrefixListId', 'is needed because the stack\'s region is not known at synth time.',
    'Set `env.region` on the stack, or pass the ID of the com.amazonaws.global.cloudfront.origin-facing prefix list.');
  v.throwIfInvalid();
  const id = CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS[region];
  v.check(id !== undefined, 'cloudFrontPrefixListId', `is needed because the library has no prefix list ID for region ${region}.`,
    'Pass the ID of the com.amazonaws.global.cloudfront.origin-facing managed prefix list in that region (aws ec2 describe-managed-prefix-lists).');
  v.throwIfInvalid();
  return id;
}

const LOAD_BALANCER_TYPES: PropTypes = {
  ...LOAD_BALANCER_OPTION_TYPES,
  vpc: required(objectType('ec2.IVpc', 'selectSubnets')),
  targets: required(objectListType('elbv2.IApplicationLoadBalancerTarget', 'attachToApplicationTargetGroup', '[service]')),
  targetConnections: required(objectType('ec2.IConnectable', 'connections', 'service')),
  containerPort: required(numberType('8501')),
  certificate: required(objectType('acm.ICertificate', 'certificateArn')),
  auth: required(objectType('IChatbotLoginActions', 'authenticateThen')),
  internal: booleanType(),
  subnets: objectType('ec2.SubnetSelection', undefined, "{ subnetGroupName: 'LoadBalancer' }"),
  originVerifyHeaderValue: objectType('SecretValue', 'unsafeUnwrap', "secret.secretValueFromJson('value')"),
  originDomainName: stringType("'origin.chat.example.com'"),
  hostedZone: objectType('route53.IHostedZone', 'hostedZoneId'),
  cognitoLogoutPath: stringType("'/signout/cognito'"),
  deployment: DEPLOYMENT_SETTINGS_TYPE,
  healthCheckPath: stringType("'/_stcore/health'"),
  accessLogsBucket: objectType('s3.IBucket', 'bucketName'),
  logsEncryptionKey: objectType('kms.IKey', 'keyArn'),
  logRetention: logRetentionType(),
  deletionProtection: booleanType(),
  removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
};

function validateLoadBalancerProps(scope: Construct, props: ChatbotLoadBalancerProps): void {
  const v = new PropsValidator('ChatbotLoadBalancer', scope, props);
  if (!checkPropTypes(v, props, LOAD_BALANCER_TYPES)) {
    v.throwIfInvalid();
  }
  if (props.internal) {
    v.check(props.originVerifyHeaderValue === undefined, 'originVerifyHeaderValue', 'is unused with `internal: true`: only the CloudFront VPC origin reaches an internal load balancer.',
      'Remove it, or make the load balancer internet-facing.');
    v.check(props.vpc.privateSubnets.length > 0 || props.subnets !== undefined, 'vpc',
      'has no private subnets with a route out (PRIVATE_WITH_EGRESS) for the internal load balancer, whose login calls Cognito\'s token endpoint on the internet.',
      'Give the VPC private subnets that route to a NAT gateway (ChatbotNetwork does with loadBalancerSubnets: true), or pass them in `subnets`.');
  } else {
    v.check(props.originVerifyHeaderValue !== undefined, 'originVerifyHeaderValue', 'is missing: an internet-facing load balancer answers only requests that carry it.',
      "Pass the secret's value, such as secret.secretValueFromJson('value'), or set internal: true behind a CloudFront VPC origin.");
  }
  const region = Stack.of(scope).region;
  checkCertificateRegion(v, 'certificate', props.certificate, region, (r) => `is in ${r} but the load balancer is in ${region}.`,
    'A load balancer needs a certificate from its own region: issue one there for the domain and the origin name.');
  if (props.cloudFrontPrefixListId !== undefined && !Token.isUnresolved(props.cloudFrontPrefixListId)) {
    v.check(/^pl-[0-9a-f]{8,17}$/.test(props.cloudFrontPrefixListId), 'cloudFrontPrefixListId', `'${props.cloudFrontPrefixListId}' is not a prefix list ID.`,
      'Pass an ID of the form pl-0123abcd.');
  }
  checkHealthCheckSettings(v, props.deployment, 'deployment.');
  // Settings of the service behind it would otherwise be ignored here without a word.
  for (const setting of SERVICE_ONLY_SETTINGS) {
    v.check(props.deployment?.[setting] === undefined, `deployment.${setting}`, 'acts on the ECS service, not on the load balancer.',
      'Pass it in the deployment settings of ChatbotService (or ChatbotBackend), and here only the health check and drain timings.');
  }
  const delay = props.deployment?.deregistrationDelay;
  if (delay && !delay.isUnresolved() && delay.toSeconds() > 60 && delay.toSeconds() <= 3600) {
    Annotations.of(scope).addWarningV2('secure-container-chatbot:deregistrationDelay',
      `\`deployment.deregistrationDelay\` is ${delay.toSeconds()} s: every deployment waits that long for the old tasks to drain. `
      + 'Streamlit sessions reconnect to another task, so 60 seconds or less is usually enough; keep it only if your app streams answers that take longer.');
  }
  const idle = props.idleTimeout;
  if (idle && !idle.isUnresolved()) {
    const seconds = idle.toSeconds();
    v.check(Number.isInteger(seconds) && seconds >= 1 && seconds <= 4000, 'idleTimeout', `must be a whole number of seconds from 1 to 4000 (got ${seconds}).`,
      'Application Load Balancers accept 1 to 4000 seconds; 300 suits streamed answers.');
    if (seconds >= 1 && seconds < 60) {
      Annotations.of(scope).addWarningV2('secure-container-chatbot:idleTimeout',
        `\`idleTimeout\` is ${seconds} s: the load balancer closes a connection that is silent that long, which cuts off a streamed answer or a WebSocket `
        + 'that waits on the model. Use 60 seconds or more unless your app never waits that long.');
    }
  }
  const zoneName = props.hostedZone ? tryZoneName(props.hostedZone) : undefined;
  const origin = props.originDomainName;
  if (origin !== undefined && !Token.isUnresolved(origin)) {
    if (checkDomainName(v, 'originDomainName', origin, 'origin.chat.example.com') && zoneName !== undefined) {
      v.check(isInZone(origin, zoneName), 'originDomainName', `'${origin}' is outside \`hostedZone\` (${zoneName}), so Route 53 would refuse its alias record.`,
        `Use a name inside ${zoneName}, such as origin.${zoneName}, or pass the hosted zone that holds the name.`);
    }
  }
  checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
  checkDeletionProtection(v, props.deletionProtection, props.removalPolicy);
  if (props.accessLogsBucket) {
    v.check(props.removalPolicy === undefined, 'removalPolicy',
      'only applies to the access-log group this construct creates, but `accessLogsBucket` was given: the access logs go into that bucket.',
      'Remove it (your bucket keeps its own removal policy), or remove `accessLogsBucket` to get the log group.');
    v.check(props.logsEncryptionKey === undefined, 'logsEncryptionKey',
      'encrypts the access-log group, but `accessLogsBucket` was given: the access logs go into that bucket (SSE-S3).',
      'Remove one of the two.');
    v.check(props.logRetention === undefined, 'logRetention',
      'is the retention of the access-log group, but `accessLogsBucket` was given: the access logs go into that bucket.',
      'Remove it and set a lifecycle rule on your bucket, or remove `accessLogsBucket`.');
  }
  const path = props.cognitoLogoutPath;
  if (path !== undefined) {
    v.check(path.startsWith('/') && path.length > 1, 'cognitoLogoutPath', `must be an absolute path (got '${path}').`, 'Use a path such as /signout/cognito.');
  }
  v.throwIfInvalid();
}
