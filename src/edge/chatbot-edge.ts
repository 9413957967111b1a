import { Duration, RemovalPolicy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ChatbotWebAcl } from './chatbot-web-acl';
import { signOutFunctionCode } from './sign-out-function';
import { acknowledgeFindings } from '../shared/acknowledge';
import { logRetentionType } from '../shared/aws-limits';
import { ORIGIN_VERIFY_HEADER } from '../shared/constants';
import { createLogsKey } from '../shared/encryption';
import { createServiceLogBucket, emptyAfterWriterIsGone } from '../shared/log-bucket';
import { inheritPropNames } from '../shared/prop-prefix';
import { checkRemovalPolicy } from '../shared/removal-policy';
import { checkSecretReference } from '../shared/secret-value';
import {
  PropsValidator, durationType, enumType, isInZone, isValidDomainName, numberType, objectType, refuseWrongTypes, regionOfArn, required,
  stringListType, stringType,
  tryZoneName,
} from '../shared/validation';

/**
 * Props for `ChatbotEdge`.
 */
export interface ChatbotEdgeProps {
  /** The public domain of the app (`chat.example.com`). */
  readonly domainName: string;

  /**
   * The Route 53 hosted zone of `domainName`. Its ID and name must be known at synth time when
   * this construct lives in another stack than the zone (import it with
   * `HostedZone.fromHostedZoneAttributes`).
   */
  readonly hostedZone: route53.IHostedZone;

  /** The DNS name CloudFront connects to: the load balancer's alias record. */
  readonly originDomainName: string;

  /**
   * The value of the `X-Origin-Verify` header sent to the origin. It must reference a secret that
   * CloudFormation can resolve in this stack (`secret.secretValueFromJson('value')`, or
   * `SecretValue.secretsManager(name, { jsonField: 'value' })` for a replica in us-east-1): a
   * plain-text value is refused.
   */
  readonly originVerifyHeaderValue: SecretValue;

  /**
   * The viewer certificate for `domainName`, in us-east-1.
   *
   * @default - a new DNS-validated certificate in `hostedZone`
   */
  readonly certificate?: acm.ICertificate;

  /**
   * An existing CLOUDFRONT-scope web ACL (its ARN, in us-east-1) to attach instead of creating one.
   *
   * @default - a new web ACL (`ChatbotWebAcl`)
   */
  readonly webAclArn?: string;

  /**
   * Requests per IP address per 5 minutes before the web ACL blocks that address.
   *
   * @default 1000
   */
  readonly rateLimitPerIp?: number;

  /**
   * The only IPv4 and IPv6 ranges (CIDR blocks) the web ACL lets through (see `ChatbotWebAcl`).
   *
   * @default - every address
   */
  readonly allowedIpRanges?: string[];

  /**
   * The only countries (ISO 3166-1 alpha-2 codes) the web ACL lets through.
   *
   * @default - every country
   */
  readonly allowedCountries?: string[];

  /**
   * Largest upload, in bytes, the web ACL accepts on the upload path (see `ChatbotWebAcl`).
   *
   * @default - no upload limit beyond the app's own
   */
  readonly maxUploadBytes?: number;

  /**
   * The path prefix of uploads that `maxUploadBytes` applies to.
   *
   * @default '/_stcore/upload_file'
   */
  readonly uploadPath?: string;

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
   * Countries to allow or deny.
   *
   * @default - no geographic restriction (the library acknowledges AwsSolutions-CFR1)
   */
  readonly geoRestriction?: cloudfront.GeoRestriction;

  /**
   * The CloudFront price class.
   *
   * @default cloudfront.PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: cloudfront.PriceClass;

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
   * KMS key for the web ACL's log group, in us-east-1.
   *
   * @default - a new key with rotation enabled
   */
  readonly logsEncryptionKey?: kms.IKey;

  /**
   * What happens to the access-log bucket, the web ACL's log group and its key when the stack is
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

  /** The bucket of CloudFront's access logs. */
  public readonly logBucket: s3.Bucket;

  /** The sign-out function. */
  public readonly signOutFunction: cloudfront.Function;

  constructor(scope: Construct, id: string, props: ChatbotEdgeProps) {
    super(scope, id);
    validateEdgeProps(this, props);
    checkSecretReference(this, 'ChatbotEdge', 'originVerifyHeaderValue', props.originVerifyHeaderValue);
    const signOutPath = props.signOutPath ?? '/signout';

    this.certificate = props.certificate ?? new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(props.hostedZone),
    });

    if (props.webAclArn) {
      this.webAclArn = props.webAclArn;
    } else {
      this.webAcl = new ChatbotWebAcl(this, 'WebAcl', inheritPropNames({
        rateLimitPerIp: props.rateLimitPerIp,
        allowedIpRanges: props.allowedIpRanges,
        allowedCountries: props.allowedCountries,
        maxUploadBytes: props.maxUploadBytes,
        uploadPath: props.uploadPath,
        logRetention: props.logRetention,
        logsEncryptionKey: props.logsEncryptionKey ?? createLogsKey(this, 'LogsKey', 'Encrypts the chatbot web ACL logs', props.removalPolicy),
        removalPolicy: props.removalPolicy,
      }, props));
      this.webAclArn = this.webAcl.webAclArn;
    }

    // CloudFront's standard logs are written with bucket ACLs, so this bucket keeps them enabled.
    this.logBucket = createServiceLogBucket(this, 'AccessLogs', s3.ObjectOwnership.BUCKET_OWNER_PREFERRED, props.removalPolicy);

    const origin = new origins.HttpOrigin(props.originDomainName, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originVerifyHeaderValue.unsafeUnwrap() },
      readTimeout: props.originReadTimeout ?? Duration.seconds(60),
      keepaliveTimeout: Duration.seconds(60),
    });

    this.signOutFunction = new cloudfront.Function(this, 'SignOutFunction', {
      comment: 'Expires the load balancer session cookies, then continues to the Cognito logout',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(signOutFunctionCode(props.cognitoLogoutPath ?? '/signout/cognito')),
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
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: appBehavior,
      additionalBehaviors: {
        [signOutPath]: {
          ...appBehavior,
          functionAssociations: [{ function: this.signOutFunction, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        },
      },
    });

    emptyAfterWriterIsGone(this.logBucket, this.distribution);

    if (!props.geoRestriction) {
      acknowledgeFindings(this.distribution, ['AwsSolutions-CFR1'],
        'No country is excluded by default: every request must pass the web ACL and a Cognito login. Set the geoRestriction prop to allow or deny countries.');
    }

    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
    new route53.ARecord(this, 'AliasRecord', { zone: props.hostedZone, recordName: props.domainName, target });
    new route53.AaaaRecord(this, 'AliasRecordIpv6', { zone: props.hostedZone, recordName: props.domainName, target });
  }
}

function validateEdgeProps(scope: Construct, props: ChatbotEdgeProps): void {
  refuseWrongTypes(scope, 'ChatbotEdge', props, {
    domainName: required(stringType("'chat.example.com'")),
    hostedZone: required(objectType('route53.IHostedZone', 'hostedZoneId')),
    originDomainName: required(stringType("'origin.chat.example.com'")),
    certificate: objectType('acm.ICertificate', 'certificateArn'),
    webAclArn: stringType(),
    rateLimitPerIp: numberType('1000'),
    allowedIpRanges: stringListType("['203.0.113.0/24']"),
    allowedCountries: stringListType("['DE']"),
    maxUploadBytes: numberType('10485760'),
    uploadPath: stringType("'/_stcore/upload_file'"),
    signOutPath: stringType("'/signout'"),
    cognitoLogoutPath: stringType("'/signout/cognito'"),
    geoRestriction: objectType('cloudfront.GeoRestriction', 'restrictionType', "cloudfront.GeoRestriction.allowlist('DE', 'FR')"),
    priceClass: enumType('cloudfront.PriceClass', cloudfront.PriceClass, 'PRICE_CLASS_100'),
    originReadTimeout: durationType('Duration.seconds(60)'),
    logRetention: logRetentionType(),
    logsEncryptionKey: objectType('kms.IKey', 'keyArn'),
    removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
  });
  const v = new PropsValidator('ChatbotEdge', scope, props);
  const region = Stack.of(scope).region;
  if (!Token.isUnresolved(region)) {
    v.check(region === 'us-east-1', 'scope', `is a stack in ${region}, but CloudFront's certificate and web ACL must be in us-east-1.`,
      'Create ChatbotEdge in a stack whose env.region is us-east-1 (SecureContainerChatbot does this for you).');
  }
  if (!Token.isUnresolved(props.domainName)) {
    v.check(isValidDomainName(props.domainName), 'domainName', `'${props.domainName}' is not a valid lower-case domain name.`,
      'Pass the public host name of the app, such as chat.example.com.');
    const zoneName = tryZoneName(props.hostedZone);
    if (zoneName !== undefined && isValidDomainName(props.domainName)) {
      v.check(isInZone(props.domainName, zoneName), 'hostedZone', `is ${zoneName}, which does not contain ${props.domainName}.`,
        'Pass the hosted zone that holds the domain name.');
    }
  }
  if (props.certificate) {
    const certRegion = regionOfArn(props.certificate.certificateArn);
    v.check(certRegion === undefined || certRegion === 'us-east-1', 'certificate', `is in ${certRegion}; CloudFront only uses certificates from us-east-1.`,
      'Issue (or import) the certificate in us-east-1, or leave the prop out to get one.');
  }
  if (props.webAclArn !== undefined && !Token.isUnresolved(props.webAclArn)) {
    const aclRegion = regionOfArn(props.webAclArn);
    v.check(aclRegion === 'us-east-1' && props.webAclArn.includes(':global/webacl/'), 'webAclArn',
      `'${props.webAclArn}' is not a CLOUDFRONT-scope web ACL in us-east-1.`,
      'Create the web ACL with Scope CLOUDFRONT in us-east-1 (its ARN contains :global/webacl/), or leave the prop out to get one.');
    for (const prop of ['allowedIpRanges', 'allowedCountries'] as const) {
      v.check(props[prop] === undefined, prop, 'only applies to the web ACL this construct creates, but `webAclArn` was given.',
        'Add the allow-list to your own web ACL and remove the prop.');
    }
    for (const [prop, value] of [['rateLimitPerIp', props.rateLimitPerIp], ['maxUploadBytes', props.maxUploadBytes]] as const) {
      v.check(value === undefined, prop, 'only applies to the web ACL this construct creates, but `webAclArn` was given.',
        'Add the rule to your own web ACL and remove this prop.');
    }
  }
  checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
  for (const [prop, path] of [['signOutPath', props.signOutPath], ['cognitoLogoutPath', props.cognitoLogoutPath]] as const) {
    if (path !== undefined) {
      v.check(/^\/[A-Za-z0-9._~\-/]+$/.test(path) && path !== '/', prop, `must be an absolute path other than / (got '${path}').`,
        'Use a path such as /signout.');
    }
  }
  if (props.signOutPath !== undefined && props.signOutPath === props.cognitoLogoutPath) {
    v.fail('cognitoLogoutPath', 'must differ from `signOutPath`, or the sign-out would redirect to itself.', 'Leave it out to use /signout/cognito.');
  }
  v.throwIfInvalid();
}
