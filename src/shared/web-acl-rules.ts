import { ArnFormat, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { createEncryptedLogGroup } from './encryption';
import { nameUniquePerStackInstance } from './unique-name';
import { PropsValidator } from './validation';

// The rules that the CLOUDFRONT-scope web ACL (in front of the app) and the REGIONAL web ACL (on
// the Cognito user pool) have in common, built once so the two cannot drift apart.

/**
 * ISO 3166-1 alpha-2 country codes: the codes a WAF geo match statement takes (AWS WAF developer
 * guide, "Geographic match rule statement": "two-character country codes, ISO 3166 standard").
 */
const ISO_COUNTRIES = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ '
  + 'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR '
  + 'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP '
  + 'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT '
  + 'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW '
  + 'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG '
  + 'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK'
).split(' ');

/** True for an IPv4 CIDR WAF accepts: a.b.c.d/1..32 (WAF refuses /0). */
export function isIpv4Cidr(cidr: string): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  return !!match && match.slice(1, 5).every((o) => Number(o) <= 255 && (o === '0' || !o.startsWith('0'))) && Number(match[5]) >= 1 && Number(match[5]) <= 32;
}

/** True for an IPv6 CIDR WAF accepts: an address in any RFC 4291 text form, /1..128. */
export function isIpv6Cidr(cidr: string): boolean {
  const match = /^([0-9A-Fa-f:.]+)\/(\d{1,3})$/.exec(cidr);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 128) {
    return false;
  }
  const address = match[1];
  const halves = address.split('::');
  if (halves.length > 2) {
    return false;
  }
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const all = [...head, ...tail];
  // An embedded IPv4 address (::ffff:192.0.2.1) counts as two groups and must come last.
  let count = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(last) || last.split('.').some((o) => Number(o) > 255)) {
      return false;
    }
    count += 1;
  }
  if (all.slice(0, last?.includes('.') ? -1 : undefined).some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) {
    return false;
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** The allow-lists of a web ACL: where requests may come from. */
export interface AllowLists {
  readonly allowedIpRanges?: string[];
  readonly allowedCountries?: string[];
}

/**
 * Refuses CIDR blocks and country codes that WAF would refuse, naming the props with `prefix`
 * (`ingress.`). Each range must be IPv4 or IPv6; WAF takes at most 10,000 addresses per IP set.
 */
export function checkAllowLists(v: PropsValidator, lists: AllowLists, prefix = ''): void {
  const ranges = lists.allowedIpRanges;
  if (ranges !== undefined) {
    if (!Array.isArray(ranges) || ranges.some((r) => typeof r !== 'string')) {
      v.fail(`${prefix}allowedIpRanges`, 'must be a list of CIDR blocks.', 'Pass strings such as [\'203.0.113.0/24\', \'2001:db8::/32\'].');
    } else {
      v.check(ranges.length > 0, `${prefix}allowedIpRanges`, 'is an empty list, which would block everyone.', 'Remove it to allow every address, or give the ranges to allow.');
      for (const range of ranges.filter((r) => !Token.isUnresolved(r))) {
        v.check(isIpv4Cidr(range) || isIpv6Cidr(range), `${prefix}allowedIpRanges`, `has '${range}', which is not an IPv4 or IPv6 CIDR block WAF accepts.`,
          'Write each range as 203.0.113.0/24 or 2001:db8::/32, prefix length /1 or more (a single address is /32 or /128).');
      }
      const v4 = ranges.filter(isIpv4Cidr).length;
      const v6 = ranges.filter(isIpv6Cidr).length;
      v.check(v4 <= 10000 && v6 <= 10000, `${prefix}allowedIpRanges`, 'has more than 10,000 ranges of one IP version; a WAF IP set holds 10,000 at most.', 'Merge ranges into larger blocks.');
    }
  }
  const countries = lists.allowedCountries;
  if (countries !== undefined) {
    if (!Array.isArray(countries) || countries.some((c) => typeof c !== 'string')) {
      v.fail(`${prefix}allowedCountries`, 'must be a list of country codes.', 'Pass ISO 3166-1 alpha-2 codes such as [\'DE\', \'FR\'].');
    } else {
      v.check(countries.length > 0, `${prefix}allowedCountries`, 'is an empty list, which would block everyone.', 'Remove it to allow every country, or give the countries to allow.');
      for (const country of countries.filter((c) => !Token.isUnresolved(c))) {
        v.check(ISO_COUNTRIES.includes(country), `${prefix}allowedCountries`, `has '${country}', which is not an ISO 3166-1 alpha-2 country code.`,
          'Use upper-case two-letter codes such as DE, FR, US, GB.');
      }
    }
  }
}

/**
 * Matches a request whose URI path is one of `paths`, compared in lower case (`paths` given in
 * lower case), as an exact match.
 */
export function uriPathIsOneOf(paths: string[]): wafv2.CfnWebACL.StatementProperty {
  const matches = paths.map((path): wafv2.CfnWebACL.StatementProperty => ({
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'EXACTLY',
      searchString: path,
      textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
    },
  }));
  return matches.length === 1 ? matches[0] : { orStatement: { statements: matches } };
}

/** A rule's metrics and sampled requests, under a metric name unique to the web ACL. */
export type Visibility = (ruleName: string) => wafv2.CfnWebACL.VisibilityConfigProperty;

/**
 * The allow-list rules, first in the web ACL: block what comes from outside the allowed ranges
 * (one IP set per IP version), then what comes from outside the allowed countries. The IP sets
 * are created under `scope` with the web ACL's `wafScope`. Requests that match `exempt` are never
 * blocked by these rules.
 */
export function allowListRules(scope: Construct, wafScope: string, lists: AllowLists, firstPriority: number,
  visibility: Visibility, exempt?: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.RuleProperty[] {
  const rules: wafv2.CfnWebACL.RuleProperty[] = [];
  let priority = firstPriority;
  const blockUnless = (allowed: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.StatementProperty => {
    const outside = { notStatement: { statement: allowed } };
    return exempt ? { andStatement: { statements: [outside, { notStatement: { statement: exempt } }] } } : outside;
  };
  const ranges = lists.allowedIpRanges ?? [];
  if (ranges.length > 0) {
    const sets: Array<[string, string, string[]]> = [
      ['AllowedIpv4', 'IPV4', ranges.filter((r) => !isIpv6Cidr(r))],
      ['AllowedIpv6', 'IPV6', ranges.filter(isIpv6Cidr)],
    ];
    const matches = sets.filter(([, , addresses]) => addresses.length > 0).map(([id, ipAddressVersion, addresses]) => {
      const set = new wafv2.CfnIPSet(scope, id, { scope: wafScope, ipAddressVersion, addresses, description: 'Addresses allowed to reach the chatbot' });
      return { ipSetReferenceStatement: { arn: set.attrArn } };
    });
    const inAllowedRanges = matches.length === 1 ? matches[0] : { orStatement: { statements: matches } };
    rules.push({
      name: 'BlockOutsideAllowedIpRanges',
      priority: priority++,
      action: { block: {} },
      statement: blockUnless(inAllowedRanges),
      visibilityConfig: visibility('BlockOutsideAllowedIpRanges'),
    });
  }
  const countries = lists.allowedCountries ?? [];
  if (countries.length > 0) {
    rules.push({
      name: 'BlockOutsideAllowedCountries',
      priority: priority++,
      action: { block: {} },
      statement: blockUnless({ geoMatchStatement: { countryCodes: countries } }),
      visibilityConfig: visibility('BlockOutsideAllowedCountries'),
    });
  }
  return rules;
}

/** A per-IP rate limit over 5 minutes, optionally narrowed by `scopeDownStatement`. */
export function rateLimitRule(name: string, priority: number, limit: number, visibility: Visibility,
  scopeDownStatement?: wafv2.CfnWebACL.StatementProperty): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    action: { block: {} },
    statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP', evaluationWindowSec: 300, scopeDownStatement } },
    visibilityConfig: visibility(name),
  };
}

/** An AWS managed rule group, its own actions kept except the overridden rules. */
export function managedRule(priority: number, name: string, visibility: Visibility,
  ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[]): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides } },
    visibilityConfig: visibility(name),
  };
}

/**
 * The common rule set with its 8 KB body rule counting only: Streamlit uploads, long prompts and
 * SAML responses posted to Cognito exceed it.
 */
export const COMMON_RULE_SET_OVERRIDES: wafv2.CfnWebACL.RuleActionOverrideProperty[] = [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }];

/**
 * Logs the web ACL to a new encrypted log group. WAF only logs to groups whose name starts with
 * `aws-waf-logs-`; the stack instance id in the name keeps a group retained from a deleted stack
 * out of the way of the next one. Cookies and the authorization header are redacted.
 */
export function logWebAcl(scope: Construct, webAcl: wafv2.CfnWebACL, options: {
  readonly encryptionKey: kms.IKey;
  readonly retention?: logs.RetentionDays;
  readonly removalPolicy?: RemovalPolicy;
}): logs.LogGroup {
  const logGroup = createEncryptedLogGroup(scope, 'Logs', {
    logGroupName: nameUniquePerStackInstance(scope, { prefix: 'aws-waf-logs-', maxLength: 512 }),
    encryptionKey: options.encryptionKey,
    retention: options.retention ?? logs.RetentionDays.ONE_YEAR,
    removalPolicy: options.removalPolicy,
  });
  new wafv2.CfnLoggingConfiguration(scope, 'Logging', {
    resourceArn: webAcl.attrArn,
    // WAF wants the log group ARN without the trailing ':*' of the CloudFormation attribute.
    logDestinationConfigs: [Stack.of(scope).formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
  });
  return logGroup;
}
