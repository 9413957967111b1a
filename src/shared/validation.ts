import { Token } from 'aws-cdk-lib';
import { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { IHostedZone } from 'aws-cdk-lib/aws-route53';
import { IConstruct } from 'constructs';
import { propName } from './prop-path';

/**
 * Collects every problem found in a construct's props so the user sees them all at once,
 * then throws one `Error` naming each prop and its fix.
 */
export class PropsValidator {
  private readonly problems: string[] = [];

  /**
   * @param constructName the construct whose props are checked, for the message
   * @param scope the construct being built: when its props are refused it also gets a validation
   * error, so that a caller who catches the error cannot synthesize the half-built tree
   * @param props the props being checked: when a parent construct passed them down with
   * `withPropPath`, each prop is reported under the name the user wrote
   */
  constructor(private readonly constructName: string, private readonly scope?: IConstruct, private readonly props?: object) {}

  /** Records a problem about `prop` unless `ok` holds. */
  public check(ok: boolean, prop: string, problem: string, fix: string): void {
    if (!ok) {
      const name = this.props ? propName(this.props, prop) : prop;
      this.problems.push(`\`${name}\`: ${problem} ${fix}`);
    }
  }

  /** Records a problem unconditionally. */
  public fail(prop: string, problem: string, fix: string): void {
    this.check(false, prop, problem, fix);
  }

  /** Throws if any problem was recorded. */
  public throwIfInvalid(): void {
    if (this.problems.length === 0) {
      return;
    }
    const message = this.problems.length === 1
      ? `${this.constructName}: ${this.problems[0]}`
      : `${this.constructName}: ${this.problems.length} problems in props:\n- ${this.problems.join('\n- ')}`;
    this.scope?.node.addValidation({ validate: () => [message] });
    throw new Error(message);
  }
}

/** True when the value is known at synth time (not a token). */
export function isKnown(value: string | number | undefined): boolean {
  return value !== undefined && !Token.isUnresolved(value);
}

// A fully qualified DNS name: labels of 1-63 letters, digits or hyphens, not starting or ending
// with a hyphen, at least two labels, 253 characters at most.
const DOMAIN_NAME = /^(?=.{4,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

/** True for a lower-case, fully qualified domain name without a trailing dot. */
export function isValidDomainName(name: string): boolean {
  return DOMAIN_NAME.test(name);
}

/**
 * The one rule for a domain name prop (`domainName`, `originDomainName`), checked where the prop
 * enters: a lower-case, fully qualified name, unless it is a token. Returns true when it is valid.
 */
export function checkDomainName(v: PropsValidator, prop: string, name: string, example = 'chat.example.com'): boolean {
  if (Token.isUnresolved(name)) {
    return false;
  }
  const valid = isValidDomainName(name);
  v.check(valid, prop, `'${name}' is not a valid lower-case domain name.`,
    `Pass a fully qualified host name without scheme, path or trailing dot, such as ${example}.`);
  return valid;
}

/**
 * The one rule for a certificate prop: it must be in `region` (a certificate whose region is not
 * known at synth time, or a stack region that is a token, passes). `problem` says what needs
 * that region, given the certificate's.
 */
export function checkCertificateRegion(v: PropsValidator, prop: string, certificate: ICertificate | undefined, region: string,
  problem: (certificateRegion: string) => string, fix: string): void {
  const certificateRegion = certificate ? regionOfArn(certificate.certificateArn) : undefined;
  if (certificateRegion !== undefined && !Token.isUnresolved(region)) {
    v.check(certificateRegion === region, prop, problem(certificateRegion), fix);
  }
}

/** True when `name` is `zone` itself or a name inside it. */
export function isInZone(name: string, zone: string): boolean {
  const z = zone.replace(/\.$/, '').toLowerCase();
  return name === z || name.endsWith(`.${z}`);
}

/** The region part of an ARN, or undefined when the ARN is a token or malformed. */
export function regionOfArn(arn: string): string | undefined {
  if (Token.isUnresolved(arn)) {
    return undefined;
  }
  const parts = arn.split(':');
  return parts.length >= 6 ? parts[3] : undefined;
}

/** The zone's name when known at synth time (`HostedZone.fromHostedZoneId` has none). */
export function tryZoneName(zone: IHostedZone): string | undefined {
  try {
    return Token.isUnresolved(zone.zoneName) ? undefined : zone.zoneName;
  } catch {
    return undefined;
  }
}

// Runtime types of props. TypeScript callers get these from the compiler; JavaScript callers and
// Python callers (whose jsii layer lets a plain str through where a list or an object is expected
// in some positions) get them here, so that a wrong type is refused with the prop's name instead
// of a TypeError deep inside aws-cdk-lib, or a silent fallback to a default.

/** The runtime type a prop must have. */
export interface PropType {
  /** What the prop must hold, for the message: 'a list of strings'. */
  readonly expected: string;
  /** A right value, for the fix: `['/tmp']`. */
  readonly example?: string;
  /** True when a value other than undefined has this type. */
  readonly test: (value: unknown) => boolean;
  /** Whether the prop must be given. */
  readonly required?: boolean;
  /** The values that are accepted, when `expected` does not say it all: added to the problem. */
  readonly accepted?: string;
  /** The fix, when not `Pass <expected>, for example <example>.` */
  readonly fix?: string;
  /** The types of the members of a struct, checked one by one (`deployment.healthCheckInterval`). */
  readonly members?: PropTypes;
}

/** The runtime types of a construct's props, by prop name. */
export type PropTypes = { [prop: string]: PropType };

/** A short description of a value for a message: `the string 'abc'`, `a list`. */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) {
    return String(value);
  }
  if (typeof value === 'string') {
    return `the string '${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return `the ${typeof value} ${value}`;
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'function') {
    return `a class or function (${value.name || 'anonymous'})`;
  }
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `an object of type ${name}` : 'an object';
}

const isObject = (value: unknown): value is { [key: string]: unknown } => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The same type, marked as required. */
export function required(type: PropType): PropType {
  return { ...type, required: true };
}

/** A string. */
export function stringType(example = "'value'"): PropType {
  return { expected: 'a string', example, test: (v) => typeof v === 'string' };
}

/** A number (a number token included). */
export function numberType(example = '2'): PropType {
  return { expected: 'a number', example, test: (v) => typeof v === 'number' && !Number.isNaN(v) };
}

/** true or false. */
export function booleanType(): PropType {
  return { expected: 'true or false', example: 'true', test: (v) => typeof v === 'boolean' };
}

/** A list of strings (a list token included). */
export function stringListType(example = "['value']"): PropType {
  return { expected: 'a list of strings', example, test: (v) => Array.isArray(v) && v.every((e) => typeof e === 'string') };
}

/** An object mapping names to strings. */
export function stringMapType(example = "{ NAME: 'value' }"): PropType {
  return { expected: 'an object of strings by name', example, test: (v) => isObject(v) && Object.values(v).every((e) => typeof e === 'string') };
}

/**
 * An object of a library type, recognized by a member it must have (so that an object made by
 * another copy of aws-cdk-lib, or implemented in Python, passes).
 */
export function objectType(typeName: string, member?: string, example?: string): PropType {
  return { expected: `${article(typeName)} ${typeName}`, example, test: (v) => isObject(v) && (member === undefined || member in v) };
}

/** A list of objects of a library type (see `objectType`). */
export function objectListType(typeName: string, member: string, example?: string): PropType {
  return { expected: `a list of ${typeName}`, example, test: (v) => Array.isArray(v) && v.every((e) => isObject(e) && member in e) };
}

/** An object mapping names to objects of a library type (see `objectType`). */
export function objectMapType(typeName: string, member: string, example?: string): PropType {
  return { expected: `an object of ${typeName} by name`, example, test: (v) => isObject(v) && Object.values(v).every((e) => isObject(e) && member in e) };
}

/** A `Duration`. */
export function durationType(example = 'Duration.seconds(30)'): PropType {
  return objectType('Duration', 'toSeconds', example);
}

/** A struct whose members are checked in turn. */
export function structType(typeName: string, members: PropTypes): PropType {
  return { ...objectType(typeName), members };
}

/**
 * A member of an enum: `typeName` and the enum object, such as `'ChatbotEgress', ChatbotEgress`.
 * Tokens pass.
 */
export function enumType(typeName: string, enumObject: object, example?: string): PropType {
  const names = Object.keys(enumObject).filter((k) => !/^\d+$/.test(k));
  const values = names.map((k) => (enumObject as { [k: string]: unknown })[k]);
  return {
    expected: `${article(typeName)} ${typeName} value`,
    accepted: `${typeName} has ${names.join(', ')}`,
    fix: `Pass a member of the enum, such as ${typeName}.${example ?? names[0]}.`,
    test: (v) => values.includes(v) || ((typeof v === 'string' || typeof v === 'number') && Token.isUnresolved(v)),
  };
}

/** A name a container environment variable may have: letters, digits and underscores, not starting with a digit. */
export const ENVIRONMENT_VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True for a path the sign-out and logout rules can match: absolute, other than `/`, URL-safe characters. */
export function isSignOutPath(path: string): boolean {
  return /^\/[A-Za-z0-9._~\-/]+$/.test(path) && path !== '/';
}

/** The names of the props or options a struct takes, in a list a test holds to its interface. */
export type KnownKeys = readonly string[];

/**
 * Records a problem in `v` for each key of `props` that is not in `known` (JavaScript and Python
 * callers can pass any key, and an unknown one would be ignored without a word), naming it with
 * `prefix`. `elsewhere` names, for a key that another struct or factory takes, where it belongs.
 * Keys that start with `_` are the library's own (the prop path a parent passes down), and a key
 * whose value is undefined sets nothing. Returns true when every key is known.
 */
export function checkKnownKeys(v: PropsValidator, props: unknown, known: KnownKeys, prefix = '', elsewhere: { readonly [key: string]: string } = {}): boolean {
  if (!isObject(props)) {
    return true;
  }
  let ok = true;
  for (const key of Object.keys(props)) {
    if (key.startsWith('_') || known.includes(key) || props[key] === undefined) {
      continue;
    }
    ok = false;
    const other = elsewhere[key];
    if (other !== undefined) {
      v.fail(`${prefix}${key}`, `is not taken here; it is an option of ${other}.`, `Remove it, or use ${other} if that is what you meant.`);
      continue;
    }
    const near = closestName(key, known);
    v.fail(`${prefix}${key}`, `is not a known ${prefix ? 'option' : 'prop'}${near ? ` (did you mean \`${prefix}${near}\`?)` : ''}.`,
      near ? `Rename it to \`${prefix}${near}\`, or remove it.` : `Remove it; the known ones are ${known.join(', ')}.`);
  }
  return ok;
}

/** The known name closest to `name` (case-insensitive edit distance at most 2, or equal ignoring case and separators). */
function closestName(name: string, known: KnownKeys): string | undefined {
  const simple = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const exact = known.find((k) => simple(k) === simple(name));
  if (exact) {
    return exact;
  }
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(simple(k), simple(name));
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Records a problem in `v` for each prop whose value does not have its type, naming it with
 * `prefix` (`backend.`). Returns true when every prop had the right type, so that the checks of
 * values can run without meeting a value of a wrong type.
 */
export function checkPropTypes(v: PropsValidator, props: unknown, types: PropTypes, prefix = '', checkedElsewhere: readonly string[] = []): boolean {
  if (!isObject(props)) {
    v.fail(prefix ? prefix.replace(/\.$/, '') : 'props', `must be an object of props, but got ${describeValue(props)}.`,
      `Pass the props as an object, for example { ${Object.keys(types).find((k) => types[k].required) ?? Object.keys(types)[0]}: ... }.`);
    return false;
  }
  let ok = checkKnownKeys(v, props, [...Object.keys(types), ...checkedElsewhere], prefix);
  for (const [name, type] of Object.entries(types)) {
    const value = props[name];
    const prop = `${prefix}${name}`;
    if (value === undefined) {
      if (type.required) {
        v.fail(prop, 'is missing.', fixFor(type));
        ok = false;
      }
      continue;
    }
    if (!type.test(value)) {
      ok = false;
      if (type.expected === 'a number' && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) {
        v.fail(prop, `must be a number, but got ${describeValue(value)}.`, `Pass the number ${Number(value)} without quotes.`);
      } else {
        v.fail(prop, `must be ${type.expected}, but got ${describeValue(value)}${type.accepted ? `; ${type.accepted}` : ''}.`, fixFor(type));
      }
      continue;
    }
    if (type.members) {
      ok = checkPropTypes(v, value, type.members, `${prop}.`) && ok;
    }
  }
  return ok;
}

function article(typeName: string): string {
  return /^[aeiou]/i.test(typeName) ? 'an' : 'a';
}

function fixFor(type: PropType): string {
  return type.fix ?? type.example ? `Pass ${type.expected}, for example ${type.example}.` : `Pass ${type.expected}.`;
}

/**
 * Refuses props of a wrong type at once, naming each one (see `checkPropTypes`): the checks of
 * values that follow can then rely on the types.
 */
export function refuseWrongTypes(scope: IConstruct, constructName: string, props: unknown, types: PropTypes, prefix = ''): void {
  // With the props, each prop is named as the user wrote it (through the path a parent passed down).
  const v = new PropsValidator(constructName, scope, typeof props === 'object' && props !== null ? props : undefined);
  checkPropTypes(v, props, types, prefix);
  v.throwIfInvalid();
}
