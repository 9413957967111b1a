import { ArnFormat, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { logRetentionType } from '../shared/aws-limits';
import { createEncryptedLogGroup } from '../shared/encryption';
import { greaterThanRegex } from '../shared/number-regex';
import { checkRemovalPolicy } from '../shared/removal-policy';
import { nameUniquePerStackInstance } from '../shared/unique-name';
import { PropsValidator, enumType, isKnown, numberType, objectType, refuseWrongTypes, required, stringType } from '../shared/validation';

/**
 * Props for `ChatbotWebAcl`.
 */
export interface ChatbotWebAclProps {
  /**
   * Requests per IP address per 5 minutes before the address is blocked.
   *
   * @default 1000
   */
  readonly rateLimitPerIp?: number;

  /**
   * Retention of the web ACL's logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Largest upload, in bytes, accepted on `uploadPath`, judged by the Content-Length header (WAF
   * cannot read whole bodies of this size); a chunked upload without that header is left to the
   * app's own limit (Streamlit's `server.maxUploadSize`).
   *
   * @default - no upload limit beyond the app's own
   */
  readonly maxUploadBytes?: number;

  /**
   * The path prefix of uploads that `maxUploadBytes` applies to.
   *
   * @default '/_stcore/upload_file' (Streamlit's upload endpoint)
   */
  readonly uploadPath?: string;

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
    v.throwIfInvalid();

    const metricPrefix = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${metricPrefix}-${name}`.slice(-128),
    });
    type Override = wafv2.CfnWebACL.RuleActionOverrideProperty;
    const managed = (priority: number, name: string, ruleActionOverrides?: Override[]): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides } },
      visibilityConfig: visibility(name),
    });

    this.metricName = `${metricPrefix}-WebAcl`.slice(-128);
    const uploadRules: wafv2.CfnWebACL.RuleProperty[] = maxUpload === undefined ? [] : [{
      name: 'MaxUploadSize',
      priority: 4,
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
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        managed(1, 'AWSManagedRulesAmazonIpReputationList'),
        managed(2, 'AWSManagedRulesCommonRuleSet', [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        managed(3, 'AWSManagedRulesKnownBadInputsRuleSet'),
        ...uploadRules,
      ],
    });
    this.webAclArn = this.cfnWebAcl.attrArn;

    // WAF only logs to log groups whose name starts with aws-waf-logs-; the stack instance id in
    // the name keeps a group retained from a deleted stack out of the way of the next one.
    this.logGroup = createEncryptedLogGroup(this, 'Logs', {
      logGroupName: nameUniquePerStackInstance(this, { prefix: 'aws-waf-logs-', maxLength: 512 }),
      encryptionKey: props.logsEncryptionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy,
    });
    const stack = Stack.of(this);
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.cfnWebAcl.attrArn,
      // WAF wants the log group ARN without the trailing ':*' of the CloudFormation attribute.
      logDestinationConfigs: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: this.logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
    });
  }
}

/**
 * Refuses props of a wrong type, then a stack outside us-east-1: WAF creates CLOUDFRONT-scope web
 * ACLs only there.
 */
function checkWebAclProps(scope: Construct, props: ChatbotWebAclProps): void {
  refuseWrongTypes(scope, 'ChatbotWebAcl', props, {
    rateLimitPerIp: numberType('1000'),
    logRetention: logRetentionType(),
    maxUploadBytes: numberType('10485760'),
    uploadPath: stringType("'/_stcore/upload_file'"),
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
