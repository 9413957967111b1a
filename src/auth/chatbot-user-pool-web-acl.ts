import { Names, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { logRetentionType } from '../shared/aws-limits';
import { checkRemovalPolicy } from '../shared/removal-policy';
import { PropsValidator, enumType, isKnown, numberType, objectType, refuseWrongTypes, required, stringListType } from '../shared/validation';
import { COMMON_RULE_SET_OVERRIDES, allowListRules, checkAllowLists, logWebAcl, managedRule, rateLimitRule, uriPathIsOneOf } from '../shared/web-acl-rules';

/**
 * The user pool endpoints that the load balancer calls itself, from its own addresses, once the
 * browser returns with an authorization code: the token exchange, then the user's claims
 * (Elastic Load Balancing guide, "Authenticate users using an Application Load Balancer"). Those
 * addresses are outside every allow-list, and the load balancer's few addresses share one rate
 * counter, so the allow-lists and the rate limit leave these two paths alone. What still guards
 * them: the token endpoint answers only with the app client's secret and a code issued minutes
 * earlier through the protected authorize page; userInfo answers only to a valid access token;
 * the managed rule groups still inspect both. Lower case: the match lower-cases the path.
 */
const LOAD_BALANCER_CALLED_PATHS = ['/oauth2/token', '/oauth2/userinfo'];

/**
 * Props for `ChatbotUserPoolWebAcl`.
 */
export interface ChatbotUserPoolWebAclProps {
  /** The user pool to protect (in this stack's region). */
  readonly userPool: cognito.IUserPool;

  /**
   * Requests per IP address per 5 minutes to the user pool's sign-in endpoints (`/login`,
   * `/oauth2/authorize`, `/saml2/`, `/logout`, and the sign-in API) before the address is blocked.
   * A sign-in takes about ten requests. `/oauth2/token` and `/oauth2/userInfo`, which the load
   * balancer calls from its own addresses, are not counted.
   *
   * @default 300
   */
  readonly rateLimitPerIp?: number;

  /**
   * The only IPv4 and IPv6 ranges (CIDR blocks) allowed to reach the user pool's browser-facing
   * endpoints. `/oauth2/token` and `/oauth2/userInfo`, which the load balancer calls from its
   * own addresses, stay reachable from everywhere.
   *
   * @default - every address
   */
  readonly allowedIpRanges?: string[];

  /**
   * The only countries (ISO 3166-1 alpha-2 codes) allowed to reach the user pool's browser-facing
   * endpoints (not `/oauth2/token` and `/oauth2/userInfo`, see `allowedIpRanges`).
   *
   * @default - every country
   */
  readonly allowedCountries?: string[];

  /** KMS key for the log group. It must allow CloudWatch Logs in this region to use it. */
  readonly logsEncryptionKey: kms.IKey;

  /**
   * Retention of the web ACL's logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the log group when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A REGIONAL WAF web ACL on a Cognito user pool. The hosted login pages and the sign-in API are
 * public endpoints of Cognito that do not pass through CloudFront, so the web ACL in front of the
 * app does not see them: this one blocks addresses outside the allow-lists, rate-limits the
 * sign-in endpoints per IP address (both except the two endpoints the load balancer calls itself,
 * `/oauth2/token` and `/oauth2/userInfo`), and applies the AWS managed IP reputation, common and
 * known-bad-inputs rule groups. It logs to an encrypted log group with cookies and the authorization header redacted.
 */
export class ChatbotUserPoolWebAcl extends Construct {
  /** The web ACL. */
  public readonly cfnWebAcl: wafv2.CfnWebACL;

  /** The web ACL's ARN. */
  public readonly webAclArn: string;

  /** The metric name of the web ACL (its `WebACL` dimension in CloudWatch). */
  public readonly metricName: string;

  /** The log group of the web ACL's logs. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ChatbotUserPoolWebAclProps) {
    super(scope, id);
    refuseWrongTypes(this, 'ChatbotUserPoolWebAcl', props, {
      userPool: required(objectType('cognito.IUserPool', 'userPoolArn')),
      rateLimitPerIp: numberType('300'),
      allowedIpRanges: stringListType("['203.0.113.0/24', '2001:db8::/32']"),
      allowedCountries: stringListType("['DE', 'FR']"),
      logsEncryptionKey: required(objectType('kms.IKey', 'keyArn')),
      logRetention: logRetentionType(),
      removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
    });
    const v = new PropsValidator('ChatbotUserPoolWebAcl', this, props);
    const rateLimit = props.rateLimitPerIp ?? 300;
    if (isKnown(rateLimit)) {
      v.check(Number.isInteger(rateLimit) && rateLimit >= 10 && rateLimit <= 2_000_000_000, 'rateLimitPerIp',
        `must be a whole number from 10 to 2,000,000,000 requests per 5 minutes (got ${rateLimit}).`, 'A sign-in takes about ten requests; 300 suits most teams behind one address.');
    }
    checkAllowLists(v, props);
    checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
    v.throwIfInvalid();

    const metricPrefix = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${metricPrefix}-${name}`.slice(-128),
    });
    this.metricName = `${metricPrefix}-WebAcl`.slice(-128);
    const calledByLoadBalancer = uriPathIsOneOf(LOAD_BALANCER_CALLED_PATHS);
    const allowLists = allowListRules(this, 'REGIONAL', props, 0, visibility, calledByLoadBalancer);
    const p = allowLists.length;

    this.cfnWebAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: this.metricName,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: this.metricName },
      rules: [
        ...allowLists,
        // Every browser-facing path of a user pool serves sign-in (hosted pages, OAuth and SAML
        // endpoints, the InitiateAuth API on /), so the limit counts all of them.
        rateLimitRule('RateLimitSignInPerIp', p, rateLimit, visibility, { notStatement: { statement: calledByLoadBalancer } }),
        managedRule(p + 1, 'AWSManagedRulesAmazonIpReputationList', visibility),
        managedRule(p + 2, 'AWSManagedRulesCommonRuleSet', visibility, COMMON_RULE_SET_OVERRIDES),
        managedRule(p + 3, 'AWSManagedRulesKnownBadInputsRuleSet', visibility),
      ],
    });
    this.webAclArn = this.cfnWebAcl.attrArn;

    // Its GetAtt of the web ACL makes CloudFormation create the association after the web ACL and
    // delete it before.
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.userPool.userPoolArn,
      webAclArn: this.webAclArn,
    });

    this.logGroup = logWebAcl(this, this.cfnWebAcl, {
      encryptionKey: props.logsEncryptionKey,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
  }
}
