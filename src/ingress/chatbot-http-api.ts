import { CfnResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { HTTP_API_OPTION_TYPES } from './option-types';
import { IChatbotAuth } from '../auth/chatbot-auth';
import { acknowledgeDeletionProtectionOff } from '../shared/acknowledge';
import { logRetentionType } from '../shared/aws-limits';
import { createEncryptedLogGroup } from '../shared/encryption';
import { emptyAfterWriterIsGone } from '../shared/log-bucket';
import { checkDeletionProtection, checkRemovalPolicy } from '../shared/removal-policy';
import { ignoreCfnLintChecks } from '../shared/template-checks';
import {
  PropsValidator, booleanType, enumType, isKnown, numberType, objectListType, objectType, refuseWrongTypes, required, stringType,
} from '../shared/validation';
import { deliverLoadBalancerAccessLogs } from '../shared/vended-logs';

/**
 * Options of the HTTP API (`ChatbotIngress.httpApi()`, and `ChatbotHttpApi` alone): its
 * throttling, and the JWT issuer when it is not a Cognito user pool.
 */
export interface ChatbotHttpApiIngressOptions {
  /**
   * Steady-state requests per second the stage accepts.
   *
   * @default 50
   */
  readonly throttlingRateLimit?: number;

  /**
   * Burst of requests the stage accepts.
   *
   * @default 100
   */
  readonly throttlingBurstLimit?: number;

  /**
   * Accept the JWT access tokens of an OpenID Connect provider directly, without Cognito: its
   * issuer (https; API Gateway reads `<issuer>/.well-known/openid-configuration` for the signing
   * keys). The provider must issue access tokens as JWTs with this issuer (Entra ID, Okta's
   * authorization servers, Keycloak, Auth0 do; providers with opaque access tokens cannot be
   * used). Refused with `auth` of `ChatbotHttpApi`; in `SecureContainerChatbot` no user pool is
   * created, so `userPool`, `mfa` and `featurePlan` are refused with it.
   *
   * @default - a Cognito user pool is the issuer (`auth`'s)
   */
  readonly jwtIssuer?: string;

  /**
   * The audiences (`aud` claim, or `client_id` for providers that put it there) accepted with
   * `jwtIssuer`. Required with it.
   *
   * @default - the Cognito app client id (`auth`'s)
   */
  readonly jwtAudience?: string[];
}

/**
 * Props for `ChatbotHttpApi`.
 */
export interface ChatbotHttpApiProps extends ChatbotHttpApiIngressOptions {
  /** The VPC. */
  readonly vpc: ec2.IVpc;

  /** The subnets of the internal Network Load Balancer and the VPC link: the tasks' subnets. */
  readonly subnets: ec2.SubnetSelection;

  /**
   * What the Network Load Balancer forwards to: usually your ECS service (an `ecs.FargateService`
   * registers its default container's first port mapping), or `service.loadBalancerTarget({
   * containerName, containerPort })` for another container.
   */
  readonly targets: elbv2.INetworkLoadBalancerTarget[];

  /**
   * The security groups of the targets, usually the same service: they get a rule that admits the
   * Network Load Balancer on `containerPort`.
   */
  readonly targetConnections: ec2.IConnectable;

  /** The port the container listens on. */
  readonly containerPort: number;

  /**
   * The login (a `ChatbotAuth` with `apiClients`, or your own `IChatbotAuth`): its user pool is the
   * JWT issuer and its app client the audience. Give this or `jwtIssuer`.
   *
   * @default - none; `jwtIssuer` and `jwtAudience` are then required
   */
  readonly auth?: IChatbotAuth;

  /** KMS key for the access log group. It must allow CloudWatch Logs in this region to use it. */
  readonly logsEncryptionKey: kms.IKey;

  /**
   * The custom domain of the API. The default `execute-api` endpoint is disabled, so clients use
   * only this name.
   */
  readonly domainName: string;

  /**
   * The regional certificate of `domainName`. The Network Load Balancer's TLS listener uses it too,
   * so traffic from the VPC link to the load balancer is encrypted.
   */
  readonly certificate: acm.ICertificate;

  /**
   * Hosted zone for the alias record of `domainName`.
   *
   * @default - no record
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * A bucket for the Network Load Balancer's legacy access logs (SSE-S3 only, the load balancer
   * cannot write into a KMS-encrypted bucket).
   *
   * @default - the access logs go through CloudWatch Logs vended delivery (`NLB_ACCESS_LOGS`)
   * into a log group encrypted with `logsEncryptionKey`, `loadBalancerAccessLogGroup`
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * Retention of the access logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Whether the Network Load Balancer has deletion protection (see
   * `ChatbotLoadBalancerProps.deletionProtection`). Refused together with `removalPolicy: DESTROY`.
   *
   * @default false
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the stage's access log group when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The API Gateway ingress, for API clients that send a Cognito token as a bearer token: an HTTP
 * API whose every route needs a valid JWT from the user pool (audience: the app client), a VPC
 * link with its own security group, and an internal Network Load Balancer in the task subnets of
 * both Availability Zones. Security groups form a chain: the VPC link's reaches the load
 * balancer's, which alone reaches the tasks.
 *
 * This is not the browser login flow (use the default CloudFront ingress for that). HTTP APIs
 * carry no WebSockets and take no WAF web ACL: for streaming to browsers or a firewall in front,
 * use the CloudFront ingress (or an API Gateway REST or WebSocket API).
 */
export class ChatbotHttpApi extends Construct {
  /** The HTTP API. */
  public readonly api: apigwv2.HttpApi;

  /** The stage serving the API. */
  public readonly stage: apigwv2.HttpStage;

  /** The internal Network Load Balancer. */
  public readonly networkLoadBalancer: elbv2.NetworkLoadBalancer;

  /** The VPC link. */
  public readonly vpcLink: apigwv2.VpcLink;

  /** The VPC link's security group. */
  public readonly vpcLinkSecurityGroup: ec2.SecurityGroup;

  /** The load balancer's security group. */
  public readonly loadBalancerSecurityGroup: ec2.SecurityGroup;

  /** The stage's access log group. */
  public readonly accessLogGroup: logs.LogGroup;

  /** The Network Load Balancer's access logs (TLS connections); undefined with `accessLogsBucket`. */
  public readonly loadBalancerAccessLogGroup?: logs.LogGroup;

  /** The URL clients call, `https://<domainName>/`. */
  public readonly url: string;

  /** The API's regional custom domain (`domainName`), which the DNS record points to. */
  public readonly customDomain: apigwv2.DomainName;

  constructor(scope: Construct, id: string, props: ChatbotHttpApiProps) {
    super(scope, id);
    checkHttpApiPropTypes(this, props);
    const rate = props.throttlingRateLimit ?? 50;
    const burst = props.throttlingBurstLimit ?? 100;
    const v = new PropsValidator('ChatbotHttpApi', this, props);
    if (isKnown(rate) && isKnown(burst)) {
      v.check(rate > 0 && burst >= rate, 'throttlingBurstLimit', `(${burst}) must be at least throttlingRateLimit (${rate}), which must be above 0.`,
        'Allow bursts at least as large as the steady rate.');
    }
    checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
    checkDeletionProtection(v, props.deletionProtection, props.removalPolicy);
    checkJwtIssuer(v, props);
    v.throwIfInvalid();

    this.vpcLinkSecurityGroup = new ec2.SecurityGroup(this, 'VpcLinkSecurityGroup', {
      vpc: props.vpc,
      description: 'Chatbot API Gateway VPC link: to the internal load balancer only',
      allowAllOutbound: false,
    });
    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: 'Chatbot internal Network Load Balancer: from the VPC link only',
      allowAllOutbound: false,
    });
    this.loadBalancerSecurityGroup.connections.allowFrom(this.vpcLinkSecurityGroup, ec2.Port.tcp(443), 'TLS from the API Gateway VPC link');

    this.networkLoadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: false,
      vpcSubnets: props.subnets,
      securityGroups: [this.loadBalancerSecurityGroup],
      crossZoneEnabled: true,
      deletionProtection: props.deletionProtection ?? false,
    });
    if (!props.deletionProtection) {
      acknowledgeDeletionProtectionOff(this.networkLoadBalancer);
    }
    if (props.accessLogsBucket) {
      this.networkLoadBalancer.logAccessLogs(props.accessLogsBucket, 'nlb');
      emptyAfterWriterIsGone(props.accessLogsBucket, this.networkLoadBalancer);
    } else {
      this.loadBalancerAccessLogGroup = deliverLoadBalancerAccessLogs(this, this.networkLoadBalancer, {
        encryptionKey: props.logsEncryptionKey,
        retention: props.logRetention,
        removalPolicy: props.removalPolicy,
      }, 'LoadBalancerAccessLogs').logGroup;
    }
    // TLS from the VPC link to the load balancer, which also makes it write access logs.
    const listener = this.networkLoadBalancer.addListener('Tls', {
      port: 443,
      protocol: elbv2.Protocol.TLS,
      certificates: [props.certificate],
      sslPolicy: elbv2.SslPolicy.TLS13_RES,
    });
    listener.addTargets('Tasks', {
      port: props.containerPort,
      protocol: elbv2.Protocol.TCP,
      targets: props.targets,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: { protocol: elbv2.Protocol.TCP, interval: Duration.seconds(10), healthyThresholdCount: 2, unhealthyThresholdCount: 2 },
    });
    props.targetConnections.connections.allowFrom(this.loadBalancerSecurityGroup, ec2.Port.tcp(props.containerPort), 'From the internal Network Load Balancer');

    this.vpcLink = new apigwv2.VpcLink(this, 'VpcLink', {
      vpc: props.vpc,
      subnets: props.subnets,
      securityGroups: [this.vpcLinkSecurityGroup],
    });

    const region = Stack.of(this).region;
    const authorizer = props.auth
      ? new authorizers.HttpJwtAuthorizer('CognitoJwt', `https://cognito-idp.${region}.amazonaws.com/${props.auth.userPool.userPoolId}`, {
        jwtAudience: [props.auth.userPoolClient.userPoolClientId],
        identitySource: ['$request.header.Authorization'],
      })
      : new authorizers.HttpJwtAuthorizer('ProviderJwt', props.jwtIssuer!, {
        jwtAudience: props.jwtAudience!,
        identitySource: ['$request.header.Authorization'],
      });

    const domain = new apigwv2.DomainName(this, 'DomainName', {
      domainName: props.domainName,
      certificate: props.certificate,
      securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
    });
    this.customDomain = domain;
    if (props.hostedZone) {
      new route53.ARecord(this, 'AliasRecord', {
        zone: props.hostedZone,
        recordName: props.domainName,
        target: route53.RecordTarget.fromAlias(new targets.ApiGatewayv2DomainProperties(domain.regionalDomainName, domain.regionalHostedZoneId)),
      });
    }

    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'Chatbot API: every route needs a Cognito JWT',
      createDefaultStage: false,
      disableExecuteApiEndpoint: true,
      defaultAuthorizer: authorizer,
      defaultIntegration: new integrations.HttpNlbIntegration('Nlb', listener, { vpcLink: this.vpcLink, secureServerName: props.domainName }),
    });

    this.accessLogGroup = createEncryptedLogGroup(this, 'AccessLogs', {
      encryptionKey: props.logsEncryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy,
    });
    this.stage = this.api.addStage('Stage', {
      stageName: '$default',
      autoDeploy: true,
      domainMapping: { domainName: domain },
      throttle: { rateLimit: rate, burstLimit: burst },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: apigw.AccessLogFormat.custom(JSON.stringify({
          requestId: '$context.requestId',
          ip: '$context.identity.sourceIp',
          requestTime: '$context.requestTime',
          routeKey: '$context.routeKey',
          status: '$context.status',
          responseLength: '$context.responseLength',
          integrationLatency: '$context.integrationLatency',
          integrationError: '$context.integrationErrorMessage',
          authorizerError: '$context.authorizer.error',
          user: '$context.authorizer.claims.sub',
        })),
      },
    });
    this.url = `https://${props.domainName}/`;

    // aws-cdk-lib writes an explicit DependsOn next to a reference it already has on these two
    // (on an ECS service target, on the listener).
    const targetResources = props.targets.map((t) => Construct.isConstruct(t) ? t.node.defaultChild : undefined);
    const redundantDependsOn = [...targetResources, ...this.stage.node.findAll().filter((c) => c instanceof apigwv2.CfnApiMapping)];
    for (const resource of redundantDependsOn) {
      if (resource instanceof CfnResource) {
        ignoreCfnLintChecks(resource, ['W3005']);
      }
    }
  }
}

function checkHttpApiPropTypes(scope: Construct, props: ChatbotHttpApiProps): void {
  refuseWrongTypes(scope, 'ChatbotHttpApi', props, {
    ...HTTP_API_OPTION_TYPES,
    vpc: required(objectType('ec2.IVpc', 'selectSubnets')),
    subnets: required(objectType('ec2.SubnetSelection', undefined, '{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }')),
    targets: required(objectListType('elbv2.INetworkLoadBalancerTarget', 'attachToNetworkTargetGroup', '[service]')),
    targetConnections: required(objectType('ec2.IConnectable', 'connections', 'service')),
    containerPort: required(numberType('8501')),
    auth: objectType('ChatbotAuth'),
    logsEncryptionKey: required(objectType('kms.IKey', 'keyArn')),
    domainName: required(stringType("'api.example.com'")),
    certificate: required(objectType('acm.ICertificate', 'certificateArn')),
    hostedZone: objectType('route53.IHostedZone', 'hostedZoneId'),
    accessLogsBucket: objectType('s3.IBucket', 'bucketName'),
    logRetention: logRetentionType(),
    deletionProtection: booleanType(),
    removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
  });
}

/** Exactly one source of the JWT issuer: a Cognito login, or an OpenID Connect issuer and its audiences. */
function checkJwtIssuer(v: PropsValidator, props: ChatbotHttpApiProps): void {
  v.check(props.auth !== undefined || props.jwtIssuer !== undefined, 'auth', 'and `jwtIssuer` are both missing: the API needs a JWT issuer to check tokens.',
    'Pass a ChatbotAuth with apiClients as auth, or the issuer of your OpenID Connect provider as jwtIssuer with jwtAudience.');
  v.check(!(props.auth !== undefined && props.jwtIssuer !== undefined), 'jwtIssuer',
    'conflicts with `auth`, whose user pool is the issuer.', 'Give either auth or jwtIssuer with jwtAudience.');
  if (props.jwtIssuer !== undefined && !Token.isUnresolved(props.jwtIssuer)) {
    let https = false;
    try {
      const url = new URL(props.jwtIssuer);
      https = url.protocol === 'https:' && url.hostname.length > 0 && url.search === '' && url.hash === '';
    } catch {
      https = false;
    }
    v.check(https, 'jwtIssuer', `'${props.jwtIssuer}' is not an https URL without query; API Gateway accepts only such issuers.`,
      'Copy `issuer` from the provider\'s discovery document, such as https://login.microsoftonline.com/<tenant>/v2.0.');
  }
  if (props.jwtIssuer !== undefined) {
    v.check(props.jwtAudience !== undefined && props.jwtAudience.length > 0, 'jwtAudience', 'is missing or empty: API Gateway checks every token\'s audience.',
      'Pass the audiences your provider puts in its access tokens, such as [\'api://chatbot\'].');
  }
  v.check(props.jwtAudience === undefined || props.jwtIssuer !== undefined, 'jwtAudience', 'is unused without `jwtIssuer` (a Cognito issuer takes its app client as the audience).',
    'Give jwtIssuer with it, or remove it.');
}
