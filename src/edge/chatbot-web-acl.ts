import { Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { WEB_ACL_OPTION_TYPES } from './option-types';
import { logRetentionType } from '../shared/aws-limits';
import { greaterThanRegex } from '../shared/number-regex';
import { checkRemovalPolicy } from '../shared/removal-policy';
import { PropsValidator, enumType, isKnown, objectType, refuseWrongTypes, required } from '../shared/validation';
import { COMMON_RULE_SET_OVERRIDES, allowListRules, checkAllowLists, logWebAcl, managedRule, rateLimitRule } from '../shared/web-acl-rules';

/**
 * The rules of the CloudFront web ACL that a user tunes: the rate limit, the upload limit and the
 * allow-lists. `ChatbotWebAcl`, `ChatbotEdge` and the CloudFront ingress of
 * `SecureContainerChatbot` take them under these names. Where an existing web ACL is given instead
 * (`webAclArn` of `ChatbotEdge` or of the ingress), they are refused: that web ACL has its own rules.
 */
export interface ChatbotWebAclOptions {
  /**
   * Requests per IP address per 5 minutes before the web ACL blocks that address.
   *
   * @default 1000
   */
  readonly rateLimitPerIp?: number;

  /**
   * Largest upload, in bytes, accepted on `uploadPath`, judged by the Content-Length header (WAF
   * cannot read whole bodies of this size); a chunked upload without that header is left to the
   * app's own limit (Streamlit's `server.maxUploadSize`).
   *
   * @default - no upload limit beyond the app's own
   */
  readonly maxUploadBytes?: number;

  /**
   * The path prefix of the app's uploads, which `maxUploadBytes` applies to. Needs
   * `maxUploadBytes` in `SecureContainerChatbot`.
   *
   * @default '/_stcore/upload_file' (Streamlit's upload endpoint)
   */
  readonly uploadPath?: string;

  /**
   * The only IPv4 and IPv6 ranges (CIDR blocks) allowed; requests from elsewhere get a 403.
   * `SecureContainerChatbot` applies the same list to the user pool's web ACL
   * (`ChatbotUserPoolWebAcl`), so that the login cannot be reached around CloudFront; do the same
   * when you compose the parts yourself.
   *
   * @default - every address
   */
  readonly allowedIpRanges?: string[];

  /**
   * The only countries (ISO 3166-1 alpha-2 codes, such as `DE`) requests may come from.
   * `SecureContainerChatbot` applies them to the user pool's web ACL as well, like
   * `allowedIpRanges`.
   *
   * @default - every country
   */
  readonly allowedCountries?: string[];
}

/**
 * Props for `ChatbotWebAcl`.
 */
export interface ChatbotWebAclProps extends ChatbotWebAclOptions {
  /**
   * Retention of the web ACL's logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /** KMS key for the log group. It must allow CloudWatch Logs in this region to use it. */
  readonly logsEncryptionKey: kms.IKey;

  /**
   * What happens to the log group when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A CLOUDFRONT-scope WAF web ACL (so it must be created in us-east-1): the AWS managed common,
 * known-bad-inputs and IP reputation rule groups, a per-IP rate limit, metrics on every rule, and
 * logging to an encrypted log group with the cookie and authorization headers redacted.
 *
 * The common group's body-size rule (`SizeRestrictions_BODY`, 8 KB) only counts: Streamlit's file
 * uploads and long prompts exceed it.
 *
 * The log group is named (WAF requires the `aws-waf-logs-` prefix) and retained by default; its
 * name ends with the stack's instance id (from `AWS::StackId`), so a group kept from a deleted
 * stack never blocks the next deployment of the same stack.
 */
export class ChatbotWebAcl extends Construct {
  /** The web ACL. */
  public readonly cfnWebAcl: wafv2.CfnWebACL;

  /** The metric name of the web ACL (its `WebACL` dimension in CloudWatch, in us-east-1). */
  public readonly metricName: string;

  /** The web ACL's ARN. */
  public readonly webAclArn: string;

  /** The log group of the web ACL's logs. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ChatbotWebAclProps) {
    super(scope, id);
    checkWebAclProps(this, props);
    const rateLimit = props.rateLimitPerIp ?? 1000;
    const v = new PropsValidator('ChatbotWebAcl', this, props);
    if (isKnown(rateLimit)) {
      v.check(Number.isInteger(rateLimit) && rateLimit >= 10 && rateLimit <= 2_000_000_000, 'rateLimitPerIp',
        `must be a whole number from 10 to 2,000,000,000 requests per 5 minutes (got ${rateLimit}).`, 'A Streamlit page load makes a few dozen requests; 1000 suits most apps.');
    }
    const maxUpload = props.maxUploadBytes;
    if (maxUpload !== undefined && isKnown(maxUpload)) {
      v.check(Number.isInteger(maxUpload) && maxUpload >= 1 && maxUpload < 1e15, 'maxUploadBytes', `must be a whole number of bytes from 1 (got ${maxUpload}).`,
        'Give the largest upload to accept, for example 10485760 for 10 MiB.');
    }
    if (props.uploadPath !== undefined) {
      v.check(/^\/[A-Za-z0-9._~\-/]*$/.test(props.uploadPath), 'uploadPath', `must be an absolute path (got '${props.uploadPath}').`, 'Use a path prefix such as /_stcore/upload_file.');
    }
    checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
    checkAllowLists(v, props);
    v.throwIfInvalid();

    const metricPrefix = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${metricPrefix}-${name}`.slice(-128),
    });
    this.metricName = `${metricPrefix}-WebAcl`.slice(-128);
    // Where requests may come from is decided first; the other rules keep their priorities after it.
    const allowLists = allowListRules(this, 'CLOUDFRONT', props, 0, visibility);
    const p = allowLists.length;
    const uploadRules: wafv2.CfnWebACL.RuleProperty[] = maxUpload === undefined ? [] : [{
      name: 'MaxUploadSize',
      priority: p + 4,
      action: { block: {} },
      statement: {
        andStatement: {
          statements: [
            {
              byteMatchStatement: {
                fieldToMatch: { uriPath: {} },
                positionalConstraint: 'STARTS_WITH',
                searchString: props.uploadPath ?? '/_stcore/upload_file',
                // Decoded and normalized so that /%5Fstcore/ or //_stcore/ cannot slip past.
                textTransformations: [{ priority: 0, type: 'URL_DECODE' }, { priority: 1, type: 'NORMALIZE_PATH' }],
              },
            },
            {
              regexMatchStatement: {
                fieldToMatch: { singleHeader: { Name: 'content-length' } },
                regexString: greaterThanRegex(maxUpload),
                textTransformations: [{ priority: 0, type: 'NONE' }],
              },
            },
          ],
        },
      },
      visibilityConfig: visibility('MaxUploadSize'),
    }];

    this.cfnWebAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: this.metricName,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: this.metricName },
      rules: [
        ...allowLists,
        rateLimitRule('RateLimitPerIp', p, rateLimit, visibility),
        managedRule(p + 1, 'AWSManagedRulesAmazonIpReputationList', visibility),
        managedRule(p + 2, 'AWSManagedRulesCommonRuleSet', visibility, COMMON_RULE_SET_OVERRIDES),
        managedRule(p + 3, 'AWSManagedRulesKnownBadInputsRuleSet', visibility),
        ...uploadRules,
      ],
    });
    this.webAclArn = this.cfnWebAcl.attrArn;

    this.logGroup = logWebAcl(this, this.cfnWebAcl, {
      encryptionKey: props.logsEncryptionKey,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
  }
}

/**
 * Refuses props of a wrong type, then a stack outside us-east-1: WAF creates CLOUDFRONT-scope web
 * ACLs only there.
 */
function checkWebAclProps(scope: Construct, props: ChatbotWebAclProps): void {
  refuseWrongTypes(scope, 'ChatbotWebAcl', props, {
    ...WEB_ACL_OPTION_TYPES,
    logRetention: logRetentionType(),
    logsEncryptionKey: required(objectType('kms.IKey', 'keyArn')),
    removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
  });
  const v = new PropsValidator('ChatbotWebAcl', scope);
  const region = Stack.of(scope).region;
  if (!Token.isUnresolved(region)) {
    v.check(region === 'us-east-1', 'scope', `is a stack in ${region}, but WAF creates CLOUDFRONT-scope web ACLs only in us-east-1.`,
      'Create ChatbotWebAcl in a stack whose env.region is us-east-1 (ChatbotEdge and SecureContainerChatbot do this for you).');
  }
  v.throwIfInvalid();
}
