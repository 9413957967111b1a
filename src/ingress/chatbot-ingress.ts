import { Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { Construct } from 'constructs';
import type { ChatbotHttpApiIngressOptions } from './chatbot-http-api';
import type { ChatbotLoadBalancerOptions } from './chatbot-load-balancer';
import { bindCloudFrontEntry } from './cloudfront-entry';
import { bindHttpApiEntry } from './http-api-entry';
import { EntryContext, IngressContext, IngressEntry, IngressLogin, IngressPlan } from './ingress-parts';
import { bindCognitoLogin, bindNoLogin, bindOidcLogin } from './login';
import { checkCloudFrontWithoutZone, checkHttpApiIngress, checkPublicOriginIngress, checkVpcOriginIngress } from './validate-ingress';
import type { ChatbotCognitoLoginOptions } from '../auth/chatbot-auth';
import { ChatbotOidcLoginOptions } from '../auth/chatbot-oidc-auth';
import type { ChatbotEdgeOptions } from '../edge/chatbot-edge';
import type { ChatbotMonitoringOptions } from '../monitoring/chatbot-monitoring';
import type { SecureContainerChatbotProps } from '../secure-container-chatbot';
import { DEFAULT_SIGN_OUT_PATH, defaultOriginDomainName } from '../shared/constants';
import { PropsValidator } from '../shared/validation';

/**
 * Options of the CloudFront ingress (`ChatbotIngress.cloudFront`): CloudFront with a WAF web ACL,
 * then an internet-facing Application Load Balancer that only CloudFront can reach, with
 * Cognito's browser login on the load balancer. `ChatbotIngress.cloudFrontVpcOrigin` takes them
 * too, and refuses the ones about a public origin (`edgeStack`, `originDomainName`,
 * `originVerifyRotationInterval`).
 *
 * The options of the parts it builds are those parts' own, under the same names:
 * `ChatbotEdgeOptions` (with `ChatbotWebAclOptions`) for the distribution and its web ACL,
 * `ChatbotCognitoLoginOptions` for the login, `ChatbotLoadBalancerOptions` for the load
 * balancer, and `ChatbotMonitoringOptions` for the alarms.
 */
export interface ChatbotCloudFrontIngressOptions extends ChatbotEdgeOptions, ChatbotCognitoLoginOptions, ChatbotLoadBalancerOptions,
  ChatbotMonitoringOptions {
  /**
   * CloudFront's certificate for `domainName`, in us-east-1. Given together with `webAclArn` (and
   * no `edgeStack`), the distribution lives in the chatbot's own stack: nothing is deployed to
   * us-east-1. Required without `hostedZone`.
   *
   * @default - a new DNS-validated certificate in the edge stack
   */
  readonly edgeCertificate?: acm.ICertificate;

  /**
   * The stack for the us-east-1 parts (distribution, web ACL, viewer certificate, DNS alias).
   * Its region must be us-east-1. Several chatbots may share one: each puts its parts under an id
   * of its own. It is made to deploy after the chatbot's stack.
   *
   * @default - the chatbot's stack when it is in us-east-1 or when `edgeCertificate` and
   * `webAclArn` are both given, else a helper stack `<stackName>-edge-<region>` in us-east-1,
   * created beside it and shared by every chatbot in it
   */
  readonly edgeStack?: Stack;

  /**
   * The DNS name CloudFront uses to reach the load balancer. It is known at synth time, so the
   * us-east-1 edge stack needs no cross-region reference.
   *
   * @default `origin.<domainName>`
   */
  readonly originDomainName?: string;

  /**
   * The path of the sign-out link (passed to the container as `SIGNOUT_PATH`).
   *
   * @default '/signout'
   */
  readonly signOutPath?: string;

  /**
   * How often the origin-verify value rotates. A rotation function makes the load balancer accept
   * the new and the current value, switches CloudFront to the new one, then makes it current: no
   * request is refused and no deployment is needed. Rotate at once with
   * `aws secretsmanager rotate-secret --secret-id secure-container-chatbot/<domainName>/origin-verify`.
   *
   * @default Duration.days(30)
   */
  readonly originVerifyRotationInterval?: Duration;

  /**
   * Whether to create the alarms (5xx rate, unhealthy hosts, healthy tasks) with their encrypted
   * SNS topic. Every alarm reads the load balancer's own metrics, so a cluster given in `cluster`
   * needs no Container Insights for them.
   *
   * @default true
   */
  readonly monitoring?: boolean;

  /**
   * Only members of these groups may use the app: the identity provider's groups (mapped with
   * `groupsAttribute` / `groupsClaim`) or the user pool's groups. The load balancer cannot check
   * groups, so the app enforces it: the reference app reads the claims the load balancer passes
   * (`x-amzn-oidc-data`, `x-amzn-oidc-accesstoken`) and refuses others with a page that says why.
   * The groups reach the container as `ALLOWED_GROUPS` (comma-separated); an app of your own
   * must do the check itself.
   *
   * @default - every signed-in user
   */
  readonly allowedGroups?: string[];

  /**
   * Whether a regional WAF web ACL protects the user pool's login endpoints, which do not pass
   * through CloudFront: IP reputation, common rules, a per-IP rate limit, and the allow-lists.
   * Always on with `allowedIpRanges` or `allowedCountries` (`false` is then refused).
   *
   * @default - true with an allow-list, else false
   */
  readonly protectLogin?: boolean;

  /**
   * Requests per IP address per 5 minutes to the user pool before its web ACL blocks the
   * address. Needs the login protection (`protectLogin` or an allow-list).
   *
   * @default 300
   */
  readonly loginRateLimitPerIp?: number;

  /**
   * Sign in with an OpenID Connect provider directly, without Cognito: the load balancer's
   * `authenticate-oidc` action with the provider's endpoints and a client secret from Secrets
   * Manager. No user pool is created, so the Cognito props (`userPool`, `mfa`, `featurePlan`,
   * `userPoolClient`, `userPoolDomain`, `cognitoDomainPrefix`, `identityProviders`,
   * `cognitoUsers`, `protectLogin`, `loginRateLimitPerIp`) are refused with it; the allow-lists
   * then apply to the CloudFront web ACL, the only way to the app (the provider hosts the login).
   *
   * @default - Cognito login
   */
  readonly oidc?: ChatbotOidcLoginOptions;
}

/**
 * The public entry to the app. Each variant is made by a static factory that takes only the
 * options that variant has, so that no option is silently ignored:
 *
 * - `ChatbotIngress.cloudFront()`: for people using the chat in a browser; carries WebSockets.
 * - `ChatbotIngress.cloudFrontVpcOrigin()`: the same for a browser, with the load balancer
 *   internal: CloudFront reaches it through a VPC origin and nothing on the internet can.
 * - `ChatbotIngress.httpApi()`: for API clients that send a Cognito token as a bearer token; no
 *   browser login, no WebSockets and no WAF web ACL (HTTP APIs support neither).
 *
 * Each variant builds its own parts for `SecureContainerChatbot` (its login, origin
 * verification, edge stack, DNS records and outputs, and alarms) through internal methods; make
 * one with the factories.
 */
export abstract class ChatbotIngress {
  /**
   * CloudFront with a WAF web ACL, then an internet-facing Application Load Balancer that only
   * CloudFront can reach (managed prefix list and a rotated origin-verify header), with Cognito's
   * browser login on the load balancer. The CloudFront parts live in us-east-1.
   *
   * @param options the CloudFront, web ACL, load balancer, login and monitoring options
   */
  public static cloudFront(options: ChatbotCloudFrontIngressOptions = {}): ChatbotIngress {
    return new PublicOriginIngress(options);
  }

  /**
   * CloudFront with a WAF web ACL, then an internal Application Load Balancer in private subnets
   * that CloudFront reaches through a CloudFront VPC origin (`AWS::CloudFront::VpcOrigin`), with
   * Cognito's browser login on the load balancer. The load balancer has no public address, so no
   * origin-verify secret is needed. Its subnets reach the internet through one NAT gateway, for
   * the login's calls to Cognito's token endpoint; the tasks' subnets keep no route out.
   *
   * A VPC origin must be in the same stack as its load balancer, so the distribution lives in the
   * chatbot's stack: outside us-east-1 pass `edgeCertificate` and `webAclArn`, which must be in
   * us-east-1 (nothing is then deployed to us-east-1).
   *
   * Takes the options of `cloudFront()`; the ones about the public origin (`edgeStack`,
   * `originDomainName`, `originVerifyRotationInterval`) are refused.
   *
   * @param options the CloudFront, web ACL, load balancer, login and monitoring options
   */
  public static cloudFrontVpcOrigin(options: ChatbotCloudFrontIngressOptions = {}): ChatbotIngress {
    return new VpcOriginIngress(options);
  }

  /**
   * An API Gateway HTTP API with a Cognito JWT authorizer, a VPC link and an internal Network Load
   * Balancer that checks the tasks over TCP.
   *
   * @param options the stage's throttling
   */
  public static httpApi(options: ChatbotHttpApiIngressOptions = {}): ChatbotIngress {
    return new HttpApiIngress(options);
  }

  /**
   * The factory that made this ingress: `cloudFront`, `cloudFrontVpcOrigin` or `httpApi`.
   */
  public readonly variant: string;

  /**
   * The options of the CloudFront ingress (`cloudFront` or `cloudFrontVpcOrigin`); undefined for
   * another variant.
   */
  public readonly cloudFrontOptions?: ChatbotCloudFrontIngressOptions;

  /**
   * The options of the HTTP API ingress; undefined for another variant.
   */
  public readonly httpApiOptions?: ChatbotHttpApiIngressOptions;

  /**
   * Use the static factories: a variant builds its parts through internal methods.
   *
   * @param variant the factory's name
   * @param cloudFrontOptions the options of a CloudFront variant
   * @param httpApiOptions the options of the HTTP API variant
   */
  protected constructor(variant: string, cloudFrontOptions?: ChatbotCloudFrontIngressOptions, httpApiOptions?: ChatbotHttpApiIngressOptions) {
    this.variant = variant;
    this.cloudFrontOptions = cloudFrontOptions;
    this.httpApiOptions = httpApiOptions;
  }

  /**
   * Records the problems of the variant's options without a hosted zone (DNS outside Route 53).
   *
   * @internal
   */
  public abstract _checkWithoutZone(v: PropsValidator): void;

  /**
   * Records the problems of the variant's options against the chatbot's props.
   *
   * @internal
   */
  public abstract _checkProps(v: PropsValidator, props: SecureContainerChatbotProps, region: string): void;

  /**
   * What the root's other parts take from this variant, before anything is built.
   *
   * @internal
   */
  public abstract _plan(props: SecureContainerChatbotProps): IngressPlan;

  /**
   * Builds the login (Cognito, OpenID Connect or none) and its outputs under `scope`.
   *
   * @internal
   */
  public abstract _bindLogin(scope: Construct, context: IngressContext): IngressLogin;

  /**
   * Builds the entry (load balancer, API, CloudFront, DNS and alarms) under `scope`.
   *
   * @internal
   */
  public abstract _bindEntry(scope: Construct, context: EntryContext): IngressEntry;
}

/** The two CloudFront variants: a browser login on an Application Load Balancer. */
abstract class CloudFrontIngress extends ChatbotIngress {
  protected constructor(variant: string, protected readonly options: ChatbotCloudFrontIngressOptions) {
    super(variant, options, undefined);
  }

  public _checkWithoutZone(v: PropsValidator): void {
    checkCloudFrontWithoutZone(v, this.options);
  }

  public _bindLogin(scope: Construct, context: IngressContext): IngressLogin {
    return this.options.oidc ? bindOidcLogin(scope, context, this.options, this.options.oidc) : bindCognitoLogin(scope, context, this.options, false);
  }

  protected environment(): { [name: string]: string } {
    return {
      // Where the app reads the verified user: the headers of the load balancer's login.
      IDENTITY_SOURCE: 'load-balancer',
      ...(this.options.allowedGroups ? { ALLOWED_GROUPS: this.options.allowedGroups.join(',') } : {}),
    };
  }
}

class PublicOriginIngress extends CloudFrontIngress {
  constructor(options: ChatbotCloudFrontIngressOptions) {
    super('cloudFront', options);
  }

  public _checkProps(v: PropsValidator, props: SecureContainerChatbotProps, region: string): void {
    checkPublicOriginIngress(v, props, this.options, region);
  }

  public _plan(props: SecureContainerChatbotProps): IngressPlan {
    return {
      environment: this.environment(),
      signOutPath: this.options.signOutPath ?? DEFAULT_SIGN_OUT_PATH,
      certificateNames: [this.originDomainName(props)],
    };
  }

  public _bindEntry(scope: Construct, context: EntryContext): IngressEntry {
    return bindCloudFrontEntry(scope, context, this.options, { originDomainName: this.originDomainName(context.props) });
  }

  private originDomainName(props: SecureContainerChatbotProps): string {
    return this.options.originDomainName ?? defaultOriginDomainName(props.domainName);
  }
}

class VpcOriginIngress extends CloudFrontIngress {
  constructor(options: ChatbotCloudFrontIngressOptions) {
    super('cloudFrontVpcOrigin', options);
  }

  public _checkProps(v: PropsValidator, props: SecureContainerChatbotProps, region: string): void {
    checkVpcOriginIngress(v, props, this.options, region);
  }

  public _plan(): IngressPlan {
    return {
      // The internal load balancer gets subnets of its own with a NAT gateway.
      defaultLoadBalancerSubnets: true,
      environment: this.environment(),
      signOutPath: this.options.signOutPath ?? DEFAULT_SIGN_OUT_PATH,
      certificateNames: [],
    };
  }

  public _bindEntry(scope: Construct, context: EntryContext): IngressEntry {
    return bindCloudFrontEntry(scope, context, this.options, {});
  }
}

class HttpApiIngress extends ChatbotIngress {
  constructor(private readonly options: ChatbotHttpApiIngressOptions) {
    super('httpApi', undefined, options);
  }

  public _checkWithoutZone(_v: PropsValidator): void {
    // The API's regional certificate is the chatbot's `certificate`, which the root checks.
  }

  public _checkProps(v: PropsValidator, props: SecureContainerChatbotProps): void {
    checkHttpApiIngress(v, props, this.options);
  }

  public _plan(): IngressPlan {
    return {
      // Where the app reads the verified user: the JWT that API Gateway's authorizer checked.
      environment: { IDENTITY_SOURCE: 'api-gateway-jwt' },
      signOutPath: DEFAULT_SIGN_OUT_PATH,
      certificateNames: [],
    };
  }

  public _bindLogin(scope: Construct, context: IngressContext): IngressLogin {
    // With jwtIssuer the API's JWT authorizer checks the tokens of the company's provider: no Cognito.
    return this.options.jwtIssuer !== undefined ? bindNoLogin(scope, context) : bindCognitoLogin(scope, context, undefined, true);
  }

  public _bindEntry(scope: Construct, context: EntryContext): IngressEntry {
    return bindHttpApiEntry(scope, context, this.options);
  }
}
