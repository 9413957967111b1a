import { Token } from 'aws-cdk-lib';
import { IHostedZone } from 'aws-cdk-lib/aws-route53';
import { IConstruct } from 'constructs';
import { propName } from './prop-prefix';

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
   * @param props the props being checked: when a parent construct registered them with
   * `withPropPrefix`, each prop is reported under the name the user wrote
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
