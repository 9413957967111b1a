// Evaluates a synthesized WAFv2 web ACL against one request, so a test can prove what a rule set
// lets through rather than how it is written. It covers the statements this library writes; any
// other statement throws, so a new kind of rule cannot pass a test unevaluated. AWS managed rule
// groups are opaque here and treated as not matching: what they block is AWS's to define.

/** One request as WAF would see it. */
export interface WafRequest {
  /** Client address, IPv4 or IPv6. */
  readonly ip: string;
  /** ISO 3166-1 alpha-2 country of the address. */
  readonly country: string;
  /** URI path, without the query string. */
  readonly path: string;
  /** Requests from this address within the rate rules' window, this one included. @default 1 */
  readonly requestsFromIpInWindow?: number;
}

/** The terminating action, or ALLOW by the default action, with the rule that decided. */
export interface WafVerdict {
  readonly action: 'ALLOW' | 'BLOCK';
  readonly rule?: string;
}

type Resources = Record<string, { Type: string; Properties: any }>;

/** The verdict of the web ACL `aclLogicalId` in `resources` (a template's Resources) for `request`. */
export function evaluateWebAcl(resources: Resources, aclLogicalId: string, request: WafRequest): WafVerdict {
  const acl = resources[aclLogicalId]?.Properties;
  if (!acl) {
    throw new Error(`no web ACL ${aclLogicalId}`);
  }
  const rules = [...(acl.Rules ?? [])].sort((a: any, b: any) => a.Priority - b.Priority);
  for (const rule of rules) {
    if (!matches(rule.Statement, request, resources)) {
      continue;
    }
    if (rule.Action?.Block) {
      return { action: 'BLOCK', rule: rule.Name };
    }
    if (rule.Action?.Allow) {
      return { action: 'ALLOW', rule: rule.Name };
    }
    // Count, or a rule group's override: evaluation goes on.
  }
  if (acl.DefaultAction?.Block) {
    return { action: 'BLOCK' };
  }
  return { action: 'ALLOW' };
}

function matches(statement: any, request: WafRequest, resources: Resources): boolean {
  const [kind, body] = onlyEntry(statement);
  switch (kind) {
    case 'NotStatement':
      return !matches(body.Statement, request, resources);
    case 'AndStatement':
      return body.Statements.every((s: any) => matches(s, request, resources));
    case 'OrStatement':
      return body.Statements.some((s: any) => matches(s, request, resources));
    case 'GeoMatchStatement':
      return body.CountryCodes.includes(request.country);
    case 'IPSetReferenceStatement':
      return ipSetAddresses(body.Arn, resources).some((cidr) => inCidr(request.ip, cidr));
    case 'ByteMatchStatement':
      return byteMatches(body, request);
    case 'RateBasedStatement': {
      const inScope = body.ScopeDownStatement === undefined || matches(body.ScopeDownStatement, request, resources);
      if (body.AggregateKeyType !== 'IP') {
        throw new Error(`rate rule aggregated by ${body.AggregateKeyType} is not evaluated`);
      }
      return inScope && (request.requestsFromIpInWindow ?? 1) > body.Limit;
    }
    case 'ManagedRuleGroupStatement':
      return false;
    default:
      throw new Error(`statement ${kind} is not evaluated`);
  }
}

function onlyEntry(statement: any): [string, any] {
  const entries = Object.entries(statement ?? {});
  if (entries.length !== 1) {
    throw new Error(`a statement has exactly one kind, got ${JSON.stringify(statement)}`);
  }
  return entries[0];
}

function byteMatches(body: any, request: WafRequest): boolean {
  if (!body.FieldToMatch?.UriPath) {
    throw new Error(`byte match on ${JSON.stringify(body.FieldToMatch)} is not evaluated`);
  }
  let value = request.path;
  for (const t of [...body.TextTransformations].sort((a: any, b: any) => a.Priority - b.Priority)) {
    if (t.Type === 'LOWERCASE') {
      value = value.toLowerCase();
    } else if (t.Type !== 'NONE') {
      throw new Error(`text transformation ${t.Type} is not evaluated`);
    }
  }
  const search: string = body.SearchString;
  switch (body.PositionalConstraint) {
    case 'EXACTLY': return value === search;
    case 'STARTS_WITH': return value.startsWith(search);
    case 'ENDS_WITH': return value.endsWith(search);
    case 'CONTAINS': return value.includes(search);
    default: throw new Error(`positional constraint ${body.PositionalConstraint} is not evaluated`);
  }
}

function ipSetAddresses(arn: any, resources: Resources): string[] {
  const logicalId = arn?.['Fn::GetAtt']?.[0];
  const set = resources[logicalId];
  if (!set || set.Type !== 'AWS::WAFv2::IPSet') {
    throw new Error(`IP set reference ${JSON.stringify(arn)} does not name an IP set of the template`);
  }
  return set.Properties.Addresses;
}

/** True when `ip` is inside `cidr`; an address of the other IP version never is. */
export function inCidr(ip: string, cidr: string): boolean {
  const [network, bits] = cidr.split('/');
  const a = toBigInt(ip);
  const n = toBigInt(network);
  if (a.width !== n.width) {
    return false;
  }
  // The network part: the address divided by 2^(host bits), without bitwise operators.
  const hostRange = 2n ** BigInt(a.width - Number(bits));
  return a.value / hostRange === n.value / hostRange;
}

function toBigInt(address: string): { value: bigint; width: number } {
  if (!address.includes(':')) {
    return { value: address.split('.').reduce((acc, o) => acc * 256n + BigInt(Number(o)), 0n), width: 32 };
  }
  const [head, tail] = address.split('::');
  const groups = (part?: string) => (part ? part.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const all = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return { value: all.reduce((acc, g) => acc * 65536n + BigInt(parseInt(g, 16)), 0n), width: 128 };
}
