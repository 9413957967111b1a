import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ChatbotWebAcl, ChatbotWebAclOptions } from './chatbot-web-acl';
import { deliverAccessLogsToLogGroup } from './cloudfront-access-logs';
import { EDGE_REGION } from './edge-stack';
import { EDGE_OPTION_TYPES, WEB_ACL_OPTION_KEYS } from './option-types';
import { signOutFunctionCode } from './sign-out-function';
import { acknowledgeFindings, controlTowerRule } from '../shared/acknowledge';
import { logRetentionType } from '../shared/aws-limits';
import { DEFAULT_SIGN_OUT_PATH, NO_LEGACY_LOG_BUCKET_REGIONS, ORIGIN_VERIFY_HEADER, cognitoLogoutPath } from '../shared/constants';
import { createEncryptedLogGroup, createLogsKey } from '../shared/encryption';
import { createServiceLogBucket, emptyAfterWriterIsGone } from '../shared/log-bucket';
import { underPropPath } from '../shared/prop-path';
import { checkRemovalPolicy } from '../shared/removal-policy';
import { checkSecretReference } from '../shared/secret-value';
import {
  isSignOutPath,
  PropsValidator, checkCertificateRegion, checkDomainName, durationType, enumType, isInZone, objectType, refuseWrongTypes,
  regionOfArn, required, stringType, tryZoneName,
} from '../shared/validation';

/**
 * The CloudFront distribution's options that a user tunes: its web ACL (a new one with the rules
 * of `ChatbotWebAclOptions`, or one of your own), its geographic restriction and its price class.
 * `ChatbotEdge` and the CloudFront ingress of `SecureContainerChatbot` take them under these names.
 */
export interface ChatbotEdgeOptions extends ChatbotWebAclOptions {
  /**
   * An existing CLOUDFRONT-scope web ACL (its ARN, in us-east-1) to attach instead of creating one;
   * the rules of `ChatbotWebAclOptions` are then refused (add them to your own web ACL).
   * `ChatbotEdge` needs it when it is in another region than us-east-1: it then creates nothing in
   * us-east-1. In `SecureContainerChatbot`, given together with `edgeCertificate` (and no
   * `edgeStack`), it puts the distribution in the chatbot's own stack, so that nothing is deployed
   * to us-east-1.
   *
   * @default - a new web ACL with managed rules and a rate limit (`ChatbotWebAcl`)
   */
  readonly webAclArn?: string;

  /**
   * Countries CloudFront allows or denies (its own geographic restriction, besides the web ACL's
   * `allowedCountries`).
   *
   * @default - no geographic restriction (the library acknowledges AwsSolutions-CFR1)
   */
  readonly geoRestriction?: cloudfront.GeoRestriction;

  /**
   * The CloudFront price class: the edge locations that serve the app.
   *
   * @default cloudfront.PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: cloudfront.PriceClass;
}

/**
 * Props for `ChatbotEdge`.
 */
export interface ChatbotEdgeProps extends ChatbotEdgeOptions {
  /** The public domain of the app (`chat.example.com`). */
  readonly domainName: string;

  /**
   * The Route 53 hosted zone of `domainName`. Its ID and name must be known at synth time when
   * this construct lives in another stack than the zone (import it with
   * `HostedZone.fromHostedZoneAttributes`). Without it, pass `certificate`: no record is created,
   * and a stack output names the record to create at your DNS provider.
   *
   * @default - no Route 53 records (DNS outside Route 53)
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * The DNS name CloudFront connects to: the load balancer's alias record. Refused with
   * `vpcOriginLoadBalancer`.
   *
   * @default - none: only with `vpcOriginLoadBalancer`
   */
  readonly originDomainName?: string;

  /**
   * The value of the `X-Origin-Verify` header sent to the origin. It must reference a secret that
   * CloudFormation can resolve in this stack (`secret.secretValueFromJson('value')`, or
   * `SecretValue.secretsManager(name, { jsonField: 'value' })` for a replica in us-east-1): a
   * plain-text value is refused. Required with `originDomainName`, refused with
   * `vpcOriginLoadBalancer`.
   *
   * @default - none: only with `vpcOriginLoadBalancer`
   */
  readonly originVerifyHeaderValue?: SecretValue;

  /**
   * An internal Application Load Balancer in this stack to reach through a CloudFront VPC origin
   * (HTTPS only, TLS 1.2), instead of `originDomainName`. Its HTTPS listener's certificate must
   * cover `domainName`: CloudFront forwards the viewer's Host header and checks the certificate
   * against it.
   *
   * @default - the public origin `originDomainName`
   */
  readonly vpcOriginLoadBalancer?: elbv2.IApplicationLoadBalancer;

  /**
   * The viewer certificate for `domainName`, in us-east-1. Required without `hostedZone`, and
   * when this construct is in another region than us-east-1.
   *
   * @default - a new DNS-validated certificate in `hostedZone`
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The path that signs the user out: a CloudFront Function expires the load balancer's session
   * cookies and redirects to `cognitoLogoutPath`.
   *
   * @default '/signout'
   */
  readonly signOutPath?: string;

  /**
   * The origin path that sends the browser on to Cognito's logout endpoint.
   *
   * @default '/signout/cognito'
   */
  readonly cognitoLogoutPath?: string;

  /**
   * How long CloudFront waits for the origin's first byte. Streamed answers start within it.
   *
   * @default Duration.seconds(60)
   */
  readonly originReadTimeout?: Duration;

  /**
   * Retention of the web ACL's logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * KMS key for the log groups of the web ACL and of CloudFront's access logs, in this stack's region.
   *
   * @default - a new key with rotation enabled
   */
  readonly logsEncryptionKey?: kms.IKey;

  /**
   * What happens to the access logs (log group or bucket), the web ACL's log group and their key when the stack is
   * deleted: RETAIN keeps them, DESTROY deletes them (the bucket is emptied first).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The edge of the chat app, in us-east-1: a CloudFront distribution on the custom domain (TLS 1.2
 * minimum, HTTP/2 and HTTP/3, no caching, every viewer header forwarded so WebSockets and the
 * Cognito callback work), a WAF web ACL, a sign-out function, access logs, and the DNS records.
 */
export class ChatbotEdge extends Construct {
  /** The CloudFront distribution. */
  public readonly distribution: cloudfront.Distribution;

  /** The web ACL this construct created, if it created one. */
  public readonly webAcl?: ChatbotWebAcl;

  /** The ARN of the web ACL attached to the distribution. */
  public readonly webAclArn: string;

  /** The viewer certificate. */
  public readonly certificate: acm.ICertificate;

  /**
   * The log group of CloudFront's access logs (standard logging v2), KMS-encrypted; when this
   * construct is in us-east-1, where CloudFront's log delivery source must be.
   */
  public readonly accessLogGroup?: logs.LogGroup;

  /**
   * The bucket of CloudFront's legacy access logs (SSE-S3, ACLs enabled), only when this construct
   * is outside us-east-1: standard logging v2 can deliver only from there.
   */
  public readonly logBucket?: s3.Bucket;

  /** The sign-out function. */
  public readonly signOutFunction: cloudfront.Function;

  constructor(scope: Construct, id: string, props: ChatbotEdgeProps) {
    super(scope, id);
    validateEdgeProps(this, props);
    if (props.originVerifyHeaderValue) {
      checkSecretReference(this, 'ChatbotEdge', 'originVerifyHeaderValue', props.originVerifyHeaderValue);
    }
    const signOutPath = props.signOutPath ?? DEFAULT_SIGN_OUT_PATH;

    this.certificate = props.certificate ?? new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });

    // One key for the web ACL's logs and CloudFront's, created when either needs it.
    let key = props.logsEncryptionKey;
    const logsKey = () => key ?? (key = createLogsKey(this, 'LogsKey', 'Encrypts the chatbot web ACL and CloudFront logs', props.removalPolicy));

    if (props.webAclArn) {
      this.webAclArn = props.webAclArn;
    } else {
      this.webAcl = new ChatbotWebAcl(this, 'WebAcl', underPropPath({
        rateLimitPerIp: props.rateLimitPerIp,
        allowedIpRanges: props.allowedIpRanges,
        allowedCountries: props.allowedCountries,
        maxUploadBytes: props.maxUploadBytes,
        uploadPath: props.uploadPath,
        logRetention: props.logRetention,
        logsEncryptionKey: logsKey(),
        removalPolicy: props.removalPolicy,
      }, props));
      this.webAclArn = this.webAcl.webAclArn;
    }

    // Standard logging v2 delivers from us-east-1 only; elsewhere (the distribution in a regional
    // stack) the legacy logs go to a bucket, which CloudFront writes with ACLs.
    const logsV2 = Stack.of(this).region === 'us-east-1';
    if (logsV2) {
      this.accessLogGroup = createEncryptedLogGroup(this, 'AccessLogGroup', {
        encryptionKey: logsKey(),
        retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
        removalPolicy: props.removalPolicy,
      });
    } else {
      this.logBucket = createServiceLogBucket(this, 'AccessLogs', s3.ObjectOwnership.BUCKET_OWNER_PREFERRED, props.removalPolicy);
    }

    const timeouts = { readTimeout: props.originReadTimeout ?? Duration.seconds(60), keepaliveTimeout: Duration.seconds(60) };
    // A VPC origin reaches the load balancer by its ARN through CloudFront's network interfaces in
    // the VPC; the origin's domain name is the load balancer's own. Host is forwarded (see below),
    // so CloudFront checks the load balancer's certificate against the public domain.
    const origin = props.vpcOriginLoadBalancer
      ? origins.VpcOrigin.withApplicationLoadBalancer(props.vpcOriginLoadBalancer, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        httpsPort: 443,
        ...timeouts,
      })
      : new origins.HttpOrigin(props.originDomainName!, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originVerifyHeaderValue!.unsafeUnwrap() },
        ...timeouts,
      });

    this.signOutFunction = new cloudfront.Function(this, 'SignOutFunction', {
      comment: 'Expires the load balancer session cookies, then continues to the Cognito logout',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(signOutFunctionCode(props.cognitoLogoutPath ?? cognitoLogoutPath())),
    });

    const appBehavior: cloudfront.BehaviorOptions = {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // A chat app is dynamic: nothing is cached, and every viewer header, cookie and query string
      // goes to the origin. That includes Host (the Cognito callback must land on the public
      // domain) and the WebSocket upgrade headers.
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER,
      compress: true,
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Chatbot ${props.domainName}`,
      domainNames: [props.domainName],
      certificate: this.certificate,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      webAclId: this.webAclArn,
      geoRestriction: props.geoRestriction,
      ...(this.logBucket ? { enableLogging: true, logBucket: this.logBucket, logFilePrefix: 'cloudfront/' } : {}),
      defaultBehavior: appBehavior,
      additionalBehaviors: {
        [signOutPath]: {
          ...appBehavior,
          functionAssociations: [{ function: this.signOutFunction, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        },
      },
    });

    if (this.logBucket) {
      emptyAfterWriterIsGone(this.logBucket, this.distribution);
    }
    if (this.accessLogGroup) {
      deliverAccessLogsToLogGroup(this, this.distribution, this.accessLogGroup);
    }

    acknowledgeFindings(this.distribution, [controlTowerRule('cloudfront_default_root_object_configured_check')],
      'The origin is the app itself, which answers its root path; a default root object rewrites requests for / to a file name, which is meant '
      + 'for a bucket origin (where it stops a listing of the bucket) and would break an app that does not serve that file.');
    acknowledgeFindings(this.distribution, [controlTowerRule('cloudfront_origin_failover_enabled_check')],
      'CloudFront fails over between origins only for GET, HEAD and OPTIONS requests, and the app needs POST (file uploads, form posts); the '
      + 'one origin is a load balancer across two Availability Zones. A second origin would be a second deployment of the app in another region.');
    if (!props.geoRestriction) {
      acknowledgeFindings(this.distribution, ['AwsSolutions-CFR1'],
        'No country is excluded by default: every request must pass the web ACL and a Cognito login. Set the geoRestriction prop to allow or deny countries.');
    }

    if (props.hostedZone) {
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
      new route53.ARecord(this, 'AliasRecord', { zone: props.hostedZone, recordName: props.domainName, target });
      new route53.AaaaRecord(this, 'AliasRecordIpv6', { zone: props.hostedZone, recordName: props.domainName, target });
    } else {
      new CfnOutput(this, 'DnsRecord', {
        description: `Create this record at your DNS provider: ${props.domainName} CNAME to the distribution (an ALIAS or ANAME record at a zone apex)`,
        value: `${props.domainName} CNAME ${this.distribution.distributionDomainName}`,
      });
    }
  }
}

function validateEdgeProps(scope: Construct, props: ChatbotEdgeProps): void {
  refuseWrongTypes(scope, 'ChatbotEdge', props, {
    ...EDGE_OPTION_TYPES,
    domainName: required(stringType("'chat.example.com'")),
    hostedZone: objectType('route53.IHostedZone', 'hostedZoneId'),
    originDomainName: stringType("'origin.chat.example.com'"),
    originVerifyHeaderValue: objectType('SecretValue', 'unsafeUnwrap', "secret.secretValueFromJson('value')"),
    vpcOriginLoadBalancer: objectType('elbv2.IApplicationLoadBalancer', 'loadBalancerArn'),
    certificate: objectType('acm.ICertificate', 'certificateArn'),
    signOutPath: stringType("'/signout'"),
    cognitoLogoutPath: stringType("'/signout/cognito'"),
    originReadTimeout: durationType('Duration.seconds(60)'),
    logRetention: logRetentionType(),
    logsEncryptionKey: objectType('kms.IKey', 'keyArn'),
    removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
  });
  const v = new PropsValidator('ChatbotEdge', scope, props);
  const region = Stack.of(scope).region;
  // CloudFront is global: outside us-east-1 the distribution works when its certificate and web
  // ACL, which must be in us-east-1, are given. Its legacy standard logs then go to a bucket in
  // this region (standard logging v2 would need its delivery source in us-east-1).
  if (!Token.isUnresolved(region) && region !== 'us-east-1') {
    for (const [prop, value] of [['certificate', props.certificate], ['webAclArn', props.webAclArn]] as const) {
      v.check(value !== undefined, prop, `is missing: this construct is in ${region}, but CloudFront's certificate and web ACL must be in us-east-1.`,
        'Pass an existing us-east-1 certificate and CLOUDFRONT-scope web ACL ARN (then nothing goes to us-east-1), or create ChatbotEdge in a us-east-1 stack.');
    }
    v.check(!NO_LEGACY_LOG_BUCKET_REGIONS.includes(region), 'scope', `is a stack in ${region}, where CloudFront cannot deliver standard logs to a bucket.`,
      'Create ChatbotEdge in a us-east-1 stack, or run the chatbot stack in another region.');
  }
  const vpcOrigin = props.vpcOriginLoadBalancer !== undefined;
  if (vpcOrigin) {
    for (const prop of ['originDomainName', 'originVerifyHeaderValue'] as const) {
      v.check(props[prop] === undefined, prop, 'is unused with `vpcOriginLoadBalancer`: CloudFront reaches the load balancer through the VPC origin.',
        'Remove it, or remove vpcOriginLoadBalancer to reach a public origin.');
    }
  } else {
    v.check(props.originDomainName !== undefined, 'originDomainName', 'is missing.', 'Pass the DNS name of the load balancer, or pass vpcOriginLoadBalancer for an internal one.');
    v.check(props.originVerifyHeaderValue !== undefined, 'originVerifyHeaderValue', 'is missing: the public load balancer answers only requests that carry it.',
      "Pass the secret's value, such as secret.secretValueFromJson('value').");
  }
  v.check(props.hostedZone !== undefined || props.certificate !== undefined, 'hostedZone', 'is missing, and so is `certificate`: a new certificate is validated in the hosted zone.',
    'Pass the Route 53 hosted zone, or a us-east-1 certificate you validated at your DNS provider.');
  const zoneName = props.hostedZone ? tryZoneName(props.hostedZone) : undefined;
  if (checkDomainName(v, 'domainName', props.domainName) && zoneName !== undefined) {
    v.check(isInZone(props.domainName, zoneName), 'hostedZone', `is ${zoneName}, which does not contain ${props.domainName}.`,
      'Pass the hosted zone that holds the domain name.');
  }
  checkCertificateRegion(v, 'certificate', props.certificate, EDGE_REGION, (r) => `is in ${r}; CloudFront only uses certificates from us-east-1.`,
    'Issue (or import) the certificate in us-east-1, or leave the prop out to get one.');
  if (props.webAclArn !== undefined && !Token.isUnresolved(props.webAclArn)) {
    const aclRegion = regionOfArn(props.webAclArn);
    v.check(aclRegion === 'us-east-1' && props.webAclArn.includes(':global/webacl/'), 'webAclArn',
      `'${props.webAclArn}' is not a CLOUDFRONT-scope web ACL in us-east-1.`,
      'Create the web ACL with Scope CLOUDFRONT in us-east-1 (its ARN contains :global/webacl/), or leave the prop out to get one.');
  }
  // A web ACL of the user's (its ARN known at synth time or not) has its own rules: these would be ignored.
  if (props.webAclArn !== undefined) {
    for (const prop of WEB_ACL_OPTION_KEYS) {
      const allowList = prop === 'allowedIpRanges' || prop === 'allowedCountries';
      v.check(props[prop] === undefined, prop, 'only applies to the web ACL this construct creates, but `webAclArn` was given.',
        allowList ? 'Add the allow-list to your own web ACL and remove the prop.' : 'Add the rule to your own web ACL and remove this prop.');
    }
  }
  checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
  for (const [prop, path] of [['signOutPath', props.signOutPath], ['cognitoLogoutPath', props.cognitoLogoutPath]] as const) {
    if (path !== undefined) {
      v.check(isSignOutPath(path), prop, `must be an absolute path other than / (got '${path}').`,
        'Use a path such as /signout.');
    }
  }
  if (props.signOutPath !== undefined && props.signOutPath === props.cognitoLogoutPath) {
    v.fail('cognitoLogoutPath', 'must differ from `signOutPath`, or the sign-out would redirect to itself.', 'Leave it out to use /signout/cognito.');
  }
  v.throwIfInvalid();
}
