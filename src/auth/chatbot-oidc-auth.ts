import { Duration, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { IChatbotLoginActions } from './chatbot-auth';
import { propName } from '../shared/prop-path';
import { PropsValidator, durationType, checkDomainName, objectType, refuseWrongTypes, required, stringListType, stringType } from '../shared/validation';

/**
 * The endpoints and client of an OpenID Connect provider that the load balancer talks to directly
 * (`ChatbotOidcAuth`, `ChatbotCloudFrontIngressOptions.oidc`). Copy the endpoints from the
 * provider's discovery document (`<issuer>/.well-known/openid-configuration`): the load balancer
 * does not discover them.
 *
 * On the provider's side, register a confidential web client with the redirect URI
 * `https://<domainName>/oauth2/idpresponse` and, for sign-out, the post-logout redirect URI
 * `https://<domainName>/`.
 */
export interface ChatbotOidcLoginOptions {
  /** The issuer (`issuer` of the discovery document), an https URL. */
  readonly issuer: string;

  /** The authorization endpoint (`authorization_endpoint`), an https URL. */
  readonly authorizationEndpoint: string;

  /** The token endpoint (`token_endpoint`), an https URL. */
  readonly tokenEndpoint: string;

  /** The user info endpoint (`userinfo_endpoint`), an https URL. */
  readonly userInfoEndpoint: string;

  /**
   * The end-session endpoint (`end_session_endpoint`), an https URL: signing out sends the
   * browser there with `client_id` and `post_logout_redirect_uri=https://<domainName>/`, which
   * ends the provider's session.
   *
   * @default - none: signing out ends the load balancer's session only; the provider's session
   * signs the user in again at the next visit until it expires
   */
  readonly endSessionEndpoint?: string;

  /** The client id registered at the provider. */
  readonly clientId: string;

  /**
   * The client secret, as a reference to a Secrets Manager secret in the stack's region
   * (`SecretValue.secretsManager('name', { jsonField: 'clientSecret' })`). A plain-text value is
   * refused: it would be written into the template.
   */
  readonly clientSecret: SecretValue;

  /**
   * The scopes the load balancer asks for; `openid` is required. Add the provider's groups scope to
   * receive a groups claim for `allowedGroups`. (Named `scopes`, not `scope`, so that the Python
   * constructor's `scope` argument stays the construct's parent.)
   *
   * @default ['openid', 'email', 'profile']
   */
  readonly scopes?: string[];
}

/**
 * Props for `ChatbotOidcAuth`.
 */
export interface ChatbotOidcAuthProps extends ChatbotOidcLoginOptions {
  /** The public domain of the app (`chat.example.com`), where the provider returns the user. */
  readonly domainName: string;

  /**
   * How long a login on the load balancer lasts before the user must sign in again.
   *
   * @default Duration.hours(8)
   */
  readonly sessionTimeout?: Duration;
}

/**
 * A login without Cognito: the load balancer's `authenticate-oidc` action talks to the company's
 * OpenID Connect provider directly, with the client secret taken from Secrets Manager when
 * CloudFormation deploys. For organisations where Cognito is not approved.
 *
 * What is lost against `ChatbotAuth`: no user pool, so no HTTP API ingress (its JWT authorizer
 * validates Cognito's tokens), no web ACL on the login (the provider hosts it), no Cognito groups
 * (groups come from the provider's claims), and no provider chooser (one provider).
 */
export class ChatbotOidcAuth extends Construct implements IChatbotLoginActions {
  /** The URL the provider redirects to after login: `https://<domainName>/oauth2/idpresponse`. */
  public readonly callbackUrl: string;

  /** Where the provider sends users after sign-out: `https://<domainName>/`. */
  public readonly signOutRedirectUrl: string;

  private readonly props: ChatbotOidcAuthProps;

  constructor(scope: Construct, id: string, props: ChatbotOidcAuthProps) {
    super(scope, id);
    checkOidcLogin(this, props);
    this.props = props;
    this.callbackUrl = `https://${props.domainName}/oauth2/idpresponse`;
    this.signOutRedirectUrl = `https://${props.domainName}/`;
  }

  /** A load balancer action that signs the user in at the provider, then runs `next`. */
  public authenticateThen(next: elbv2.ListenerAction): elbv2.ListenerAction {
    return elbv2.ListenerAction.authenticateOidc({
      issuer: this.props.issuer,
      authorizationEndpoint: this.props.authorizationEndpoint,
      tokenEndpoint: this.props.tokenEndpoint,
      userInfoEndpoint: this.props.userInfoEndpoint,
      clientId: this.props.clientId,
      clientSecret: this.props.clientSecret,
      scope: (this.props.scopes ?? ['openid', 'email', 'profile']).join(' '),
      sessionTimeout: this.props.sessionTimeout ?? Duration.hours(8),
      onUnauthenticatedRequest: elbv2.UnauthenticatedAction.AUTHENTICATE,
      next,
    });
  }

  /**
   * A load balancer action that sends the browser to the provider's end-session endpoint (or,
   * without one, back to the app). The load balancer's own session cookies must be expired before
   * (the edge's sign-out function does it).
   */
  public cognitoLogoutRedirect(): elbv2.ListenerAction {
    const end = this.props.endSessionEndpoint;
    if (end === undefined) {
      return elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', host: this.props.domainName, path: '/', permanent: false });
    }
    const url = new URL(end);
    return elbv2.ListenerAction.redirect({
      protocol: 'HTTPS',
      port: url.port || '443',
      host: url.hostname,
      path: url.pathname || '/',
      query: logoutQuery(url, this.props.clientId, this.signOutRedirectUrl),
      permanent: false,
    });
  }
}

function logoutQuery(endpoint: URL, clientId: string, returnUrl: string): string {
  const own = endpoint.search.replace(/^\?/, '');
  return `${own ? `${own}&` : ''}client_id=${encodeURIComponent(clientId)}&post_logout_redirect_uri=${encodeURIComponent(returnUrl)}`;
}

/** Refuses what the load balancer would refuse at deploy time. */
function checkOidcLogin(scope: Construct, props: ChatbotOidcAuthProps): void {
  refuseWrongTypes(scope, 'ChatbotOidcAuth', props, {
    issuer: required(stringType("'https://example.okta.com'")),
    authorizationEndpoint: required(stringType("'https://example.okta.com/oauth2/v1/authorize'")),
    tokenEndpoint: required(stringType("'https://example.okta.com/oauth2/v1/token'")),
    userInfoEndpoint: required(stringType("'https://example.okta.com/oauth2/v1/userinfo'")),
    endSessionEndpoint: stringType("'https://example.okta.com/oauth2/v1/logout'"),
    clientId: required(stringType()),
    clientSecret: required(objectType('SecretValue', 'unsafeUnwrap', "SecretValue.secretsManager('okta-client', { jsonField: 'clientSecret' })")),
    scopes: stringListType("['openid', 'email', 'profile']"),
    domainName: required(stringType("'chat.example.com'")),
    sessionTimeout: durationType('Duration.hours(8)'),
  });
  const v = new PropsValidator('ChatbotOidcAuth', scope, props);
  const name = (prop: string) => propName(props, prop);
  for (const prop of ['issuer', 'authorizationEndpoint', 'tokenEndpoint', 'userInfoEndpoint', 'endSessionEndpoint'] as const) {
    const value = props[prop];
    if (value !== undefined && !Token.isUnresolved(value)) {
      v.check(isHttpsUrl(value), name(prop), `'${value}' is not an https URL.`, 'Copy it from the provider\'s discovery document (<issuer>/.well-known/openid-configuration).');
    }
  }
  if (!Token.isUnresolved(props.clientId)) {
    v.check(props.clientId.length >= 1 && props.clientId.length <= 255, name('clientId'), 'must be 1 to 255 characters.', 'Copy the client id from the provider.');
  }
  if (SecretValue.isSecretValue(props.clientSecret)) {
    const resolved = JSON.stringify(Stack.of(scope).resolve(props.clientSecret.unsafeUnwrap()));
    v.check(resolved.includes('{{resolve:secretsmanager:'), name('clientSecret'), 'is not a reference to a Secrets Manager secret, so it would be written into the template.',
      'Store the secret in Secrets Manager and pass SecretValue.secretsManager(\'name\', { jsonField: \'clientSecret\' }).');
    const arnRegion = /arn:aws[\w-]*:secretsmanager:([a-z0-9-]+):/.exec(resolved)?.[1];
    const region = Stack.of(scope).region;
    if (arnRegion !== undefined && !Token.isUnresolved(region)) {
      v.check(arnRegion === region, name('clientSecret'), `is a secret in ${arnRegion}, but CloudFormation resolves secrets only in the stack's region (${region}).`,
        `Replicate the secret to ${region} and reference the replica.`);
    }
  }
  if (props.scopes !== undefined && !Token.isUnresolved(props.scopes)) {
    v.check(props.scopes.includes('openid'), name('scopes'), `[${props.scopes.join(', ')}] lacks openid, which the load balancer requires.`,
      'Add it, as in [\'openid\', \'email\', \'profile\'].');
    for (const s of props.scopes.filter((x) => !Token.isUnresolved(x))) {
      v.check(/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s), name('scopes'), `has '${s}', which is not an OAuth scope.`, 'Give each scope as its own item, without spaces or quotes.');
    }
  }
  const own = props;
  checkDomainName(v, 'domainName', own.domainName);
  if (own.sessionTimeout && !own.sessionTimeout.isUnresolved()) {
    const s = own.sessionTimeout.toSeconds();
    v.check(s >= 60 && s <= 604800, 'sessionTimeout', `must be between 1 minute and 7 days (got ${s} seconds).`, 'Choose a session length the load balancer accepts.');
  }
  const end = props.endSessionEndpoint;
  if (end !== undefined && isHttpsUrl(end) && !Token.isUnresolved(props.clientId) && !Token.isUnresolved(own.domainName)) {
    // A load balancer redirect carries a query string of at most 128 characters.
    const query = logoutQuery(new URL(end), props.clientId, `https://${own.domainName}/`);
    v.check(query.length <= 128, name('endSessionEndpoint'), `needs a sign-out query of ${query.length} characters (client_id and the return URL); a load balancer redirect allows 128.`,
      'Use a shorter domain name, or leave endSessionEndpoint out and sign out at the provider.');
  }
  v.throwIfInvalid();
}

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.length > 0 && !value.includes(' ') && url.hash === '';
  } catch {
    return false;
  }
}
