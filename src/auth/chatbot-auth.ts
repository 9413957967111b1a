import { Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as actions from 'aws-cdk-lib/aws-elasticloadbalancingv2-actions';
import { Construct } from 'constructs';
import { ChatbotIdentityProvider, GROUPS_ATTRIBUTE, checkIdentityProviders, createIdentityProviders } from './identity-provider';
import { COGNITO_LOGIN_OPTION_TYPES } from './option-types';
import { acknowledgeFindings } from '../shared/acknowledge';
import { propName } from '../shared/prop-path';
import { DEFAULT_REMOVAL_POLICY, checkRemovalPolicy, deletionProtectionFor } from '../shared/removal-policy';
import { stackInstanceId } from '../shared/unique-name';
import {
  PropsValidator, booleanType, enumType, checkDomainName, objectType, refuseWrongTypes, required, stringType,
} from '../shared/validation';

/**
 * The options of the Cognito login that a user tunes: an app client and domain of their own, the
 * domain prefix, the session length and the company identity providers. `ChatbotAuth` and the
 * CloudFront ingress of `SecureContainerChatbot` take them under these names.
 */
export interface ChatbotCognitoLoginOptions {
  /**
   * An existing app client of the user pool (`userPool`) for the load balancer's login. It must
   * have a secret, the authorization code grant and the callback
   * `https://<domainName>/oauth2/idpresponse`. Needs `userPool` and `userPoolDomain`.
   *
   * @default - a new app client with a secret
   */
  readonly userPoolClient?: cognito.IUserPoolClient;

  /**
   * An existing domain of the user pool (`userPool`) for the hosted login pages. Needs `userPool`.
   *
   * @default - a new Cognito domain with `cognitoDomainPrefix`
   */
  readonly userPoolDomain?: cognito.IUserPoolDomain;

  /**
   * The prefix of the new Cognito domain of the hosted login pages
   * (`<prefix>.auth.<region>.amazoncognito.com`): 1-63 lower-case letters, digits and hyphens,
   * without `aws`, `amazon` or `cognito`. Prefixes are global per region, across all accounts.
   * Refused with `userPoolDomain`.
   *
   * The default is unique per stack instance and does not depend on `domainName`: the same app
   * deployed to a second account, or a stack deployed again after a deletion, gets its own.
   *
   * Change it on a deployed stack with care: a user pool holds one prefix domain at a time, and
   * CloudFormation creates the new domain before deleting the old one, so the update fails. Delete
   * the old domain first (`aws cognito-idp delete-user-pool-domain --user-pool-id <id> --domain
   * <old prefix>`; sign-in is down until the deployment finishes), then deploy with the new prefix.
   * Stacks deployed with a prefix derived from `domainName` by an earlier version keep it by
   * passing that prefix here.
   *
   * @default - `chatbot-<hash of the construct's path>-<stack instance id from AWS::StackId>`
   */
  readonly cognitoDomainPrefix?: string;

  /**
   * How long a login on the load balancer lasts before the user must sign in again.
   *
   * @default Duration.hours(8)
   */
  readonly sessionTimeout?: Duration;

  /**
   * Company identity providers (SAML 2.0 or OpenID Connect) that users sign in with, federated
   * into the user pool. The app client supports exactly these, plus the pool's own users with
   * `cognitoUsers`. With a single provider and no Cognito users, the load balancer's login goes
   * straight to the provider (no Cognito chooser page). The README lists what to enter on the
   * provider's side. Refused with `apiClients` of `ChatbotAuth` (federation needs the hosted login).
   *
   * A provider that maps groups (`groupsAttribute`, `groupsClaim`) writes them to the user pool
   * attribute `custom:groups`, which a new pool then has; a pool given in `userPool` must have it.
   *
   * @default - none: only the user pool's own users (created by an administrator) sign in
   */
  readonly identityProviders?: ChatbotIdentityProvider[];

  /**
   * Whether the user pool's own users (created by an administrator) may sign in besides
   * `identityProviders`.
   *
   * @default - true without `identityProviders`, false with them
   */
  readonly cognitoUsers?: boolean;
}

/**
 * Props for `ChatbotAuth`.
 */
export interface ChatbotAuthProps extends ChatbotCognitoLoginOptions {
  /**
   * The public domain of the app (`chat.example.com`). The app client's callback is
   * `https://<domainName>/oauth2/idpresponse`, where the load balancer receives Cognito's answer,
   * and its sign-out URL is `https://<domainName>/`.
   */
  readonly domainName: string;

  /**
   * An existing user pool.
   *
   * @default - a new user pool: administrators create users, strong passwords, TOTP MFA required,
   * user-existence errors hidden, retained with deletion protection (see `removalPolicy`)
   */
  readonly userPool?: cognito.IUserPool;

  /**
   * Whether users must set up a second factor (TOTP). `cognito.Mfa.OPTIONAL` draws the
   * AwsSolutions-COG2 finding, which the library then acknowledges on the user pool.
   *
   * @default cognito.Mfa.REQUIRED
   */
  readonly mfa?: cognito.Mfa;

  /**
   * The Cognito feature plan of the new user pool. `PLUS` adds threat protection (enforced) and
   * costs more per monthly active user; with `ESSENTIALS` the library acknowledges AwsSolutions-COG8.
   *
   * @default cognito.FeaturePlan.ESSENTIALS
   */
  readonly featurePlan?: cognito.FeaturePlan;

  /**
   * Make the app client for API clients that send the user's token as a bearer token (the HTTP API
   * ingress): no client secret, sign-in with SRP, no hosted login pages and so no Cognito domain.
   *
   * @default false (a client for the load balancer's login flow)
   */
  readonly apiClients?: boolean;

  /**
   * What happens to the new user pool when the stack is deleted. With RETAIN the pool also has
   * deletion protection; with any other policy it has none, because CloudFormation could then
   * neither roll back a failed first deployment nor delete the stack. Refused together with
   * `userPool` (this construct then owns no data).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * What the load balancer needs from a login: the action that signs users in and the one that
 * ends the login's own session. `ChatbotAuth` (Cognito) and `ChatbotOidcAuth` (an OpenID Connect
 * provider without Cognito) implement it.
 */
export interface IChatbotLoginActions {
  /**
   * A load balancer action that signs the user in (or checks the session cookie), then runs `next`.
   */
  authenticateThen(next: elbv2.ListenerAction): elbv2.ListenerAction;

  /**
   * A load balancer action that sends the browser to the login's logout endpoint (Cognito's, or
   * the OpenID Connect provider's end-session endpoint). The load balancer's own session cookies
   * are expired before, by the edge's sign-out function.
   */
  cognitoLogoutRedirect(): elbv2.ListenerAction;
}

/**
 * What the ingress constructs need from a Cognito login: `ChatbotLoadBalancer` uses the two load
 * balancer actions, `ChatbotHttpApi` the user pool and app client for its JWT authorizer.
 * `ChatbotAuth` implements it; implement it yourself to put an existing Cognito setup in front of
 * the app.
 */
export interface IChatbotAuth extends IChatbotLoginActions {
  /** The user pool: the JWT issuer of the HTTP API's authorizer. */
  readonly userPool: cognito.IUserPool;

  /** The app client: the audience of the HTTP API's authorizer. */
  readonly userPoolClient: cognito.IUserPoolClient;
}

/**
 * Cognito login for the chat app: a user pool whose users only administrators create, an app
 * client with a secret for the load balancer's authorization code flow, a hosted login domain,
 * and the load balancer actions that authenticate users and end their Cognito session.
 */
export class ChatbotAuth extends Construct implements IChatbotAuth {
  /** The user pool. */
  public readonly userPool: cognito.IUserPool;

  /** The app client the load balancer uses. */
  public readonly userPoolClient: cognito.IUserPoolClient;

  /** The domain of the hosted login pages (none for `apiClients`). */
  public readonly userPoolDomain?: cognito.IUserPoolDomain;

  /** The URL Cognito redirects to after login: `https://<domainName>/oauth2/idpresponse`. */
  public readonly callbackUrl: string;

  /** Where Cognito sends users after sign-out: `https://<domainName>/`. */
  public readonly signOutRedirectUrl: string;

  /** The identity providers federated into the user pool (empty without `identityProviders`). */
  public readonly identityProviders: cognito.IUserPoolIdentityProvider[];

  /**
   * The managed login style of the app client (managed login version 2), when this construct
   * created both the app client and the domain. It uses Cognito's default look; set a logo and
   * colours through its L1 properties (`settings`, `assets`, with `useCognitoProvidedValues`
   * false), as the README shows.
   */
  public readonly managedLoginBranding?: cognito.CfnManagedLoginBranding;

  private readonly sessionTimeout: Duration;
  private readonly directProvider?: string;

  constructor(scope: Construct, id: string, props: ChatbotAuthProps) {
    super(scope, id);
    validateAuthProps(this, props);

    this.callbackUrl = `https://${props.domainName}/oauth2/idpresponse`;
    this.signOutRedirectUrl = `https://${props.domainName}/`;
    this.sessionTimeout = props.sessionTimeout ?? Duration.hours(8);
    const mfa = props.mfa ?? cognito.Mfa.REQUIRED;
    const featurePlan = props.featurePlan ?? cognito.FeaturePlan.ESSENTIALS;
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    const providers = props.identityProviders ?? [];
    const cognitoUsers = props.cognitoUsers ?? providers.length === 0;
    this.identityProviders = [];

    if (props.userPool) {
      this.userPool = props.userPool;
    } else {
      const pool = new cognito.UserPool(this, 'UserPool', {
        selfSignUpEnabled: false,
        signInAliases: { email: true },
        autoVerify: { email: true },
        standardAttributes: { email: { required: true, mutable: true } },
        // Federated attributes are written at every sign-in, so they must be mutable.
        customAttributes: providers.some((p) => p.mapsGroups)
          ? { [GROUPS_ATTRIBUTE.replace('custom:', '')]: new cognito.StringAttribute({ minLen: 0, maxLen: 2048, mutable: true }) }
          : undefined,
        passwordPolicy: {
          minLength: 12,
          requireLowercase: true,
          requireUppercase: true,
          requireDigits: true,
          requireSymbols: true,
          tempPasswordValidity: Duration.days(3),
        },
        mfa,
        mfaSecondFactor: { otp: true, sms: false },
        accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
        featurePlan,
        standardThreatProtectionMode: featurePlan === cognito.FeaturePlan.PLUS
          ? cognito.StandardThreatProtectionMode.FULL_FUNCTION
          : undefined,
        deletionProtection: deletionProtectionFor(removalPolicy),
        removalPolicy,
      });
      if (featurePlan !== cognito.FeaturePlan.PLUS) {
        acknowledgeFindings(pool, ['AwsSolutions-COG8'],
          'The Plus feature plan (threat protection) is priced per monthly active user and is the user\'s choice: set featurePlan to PLUS to enable it. Sign-up is disabled, MFA is required by default and passwords are strong.');
      }
      if (mfa !== cognito.Mfa.REQUIRED) {
        acknowledgeFindings(pool, ['AwsSolutions-COG2'],
          'MFA was made optional by the explicit `mfa` prop of ChatbotAuth; the default requires TOTP MFA.');
      }
      this.userPool = pool;
    }

    if (props.apiClients) {
      this.userPoolClient = props.userPoolClient ?? new cognito.UserPoolClient(this, 'AppClient', {
        userPool: this.userPool,
        generateSecret: false,
        preventUserExistenceErrors: true,
        authFlows: { userSrp: true },
        disableOAuth: true,
        accessTokenValidity: Duration.hours(1),
        idTokenValidity: Duration.hours(1),
        refreshTokenValidity: Duration.days(1),
        enableTokenRevocation: true,
      });
      this.userPoolDomain = props.userPoolDomain;
      return;
    }

    this.identityProviders = createIdentityProviders(this, this.userPool, providers);
    if (providers.length === 1 && !cognitoUsers) {
      this.directProvider = providers[0].providerName;
    }
    const supportedIdentityProviders = [
      ...(cognitoUsers ? [cognito.UserPoolClientIdentityProvider.COGNITO] : []),
      ...providers.map((p) => cognito.UserPoolClientIdentityProvider.custom(p.providerName)),
    ];
    const ownClient = props.userPoolClient === undefined;
    this.userPoolClient = props.userPoolClient ?? new cognito.UserPoolClient(this, 'AppClient', {
      userPool: this.userPool,
      generateSecret: true,
      preventUserExistenceErrors: true,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [this.callbackUrl],
        logoutUrls: [this.signOutRedirectUrl],
      },
      supportedIdentityProviders,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      enableTokenRevocation: true,
    });

    // The client names the providers, which must exist before it.
    this.identityProviders.forEach((provider) => this.userPoolClient.node.addDependency(provider));

    this.userPoolDomain = props.userPoolDomain ?? new cognito.UserPoolDomain(this, 'Domain', {
      userPool: this.userPool,
      cognitoDomain: { domainPrefix: props.cognitoDomainPrefix ?? defaultDomainPrefix(this) },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // Managed login (version 2) shows a client's pages only once the client has a style.
    if (ownClient && props.userPoolDomain === undefined) {
      this.managedLoginBranding = new cognito.CfnManagedLoginBranding(this, 'ManagedLoginBranding', {
        userPoolId: this.userPool.userPoolId,
        clientId: this.userPoolClient.userPoolClientId,
        useCognitoProvidedValues: true,
      });
      this.managedLoginBranding.node.addDependency(this.userPoolDomain);
    }
  }

  /** The Cognito domain's host name, `<prefix>.auth.<region>.amazoncognito.com`. */
  public get cognitoHostName(): string {
    const domain = this.requireDomain().domainName;
    // A custom domain (auth.example.com) is the host itself; a Cognito prefix is not.
    return !Token.isUnresolved(domain) && domain.includes('.') ? domain : `${domain}.auth.${Stack.of(this).region}.amazoncognito.com`;
  }

  /**
   * A load balancer action that signs the user in with Cognito (or checks the session cookie),
   * then runs `next`.
   */
  public authenticateThen(next: elbv2.ListenerAction): elbv2.ListenerAction {
    return new actions.AuthenticateCognitoAction({
      userPool: this.userPool,
      userPoolClient: this.userPoolClient,
      userPoolDomain: this.requireDomain(),
      scope: 'openid email profile',
      sessionTimeout: this.sessionTimeout,
      // With one provider and no Cognito users, Cognito skips its chooser page.
      authenticationRequestExtraParams: this.directProvider ? { identity_provider: this.directProvider } : undefined,
      onUnauthenticatedRequest: elbv2.UnauthenticatedAction.AUTHENTICATE,
      next,
    });
  }

  /**
   * A load balancer action that sends the browser to Cognito's logout endpoint, which ends the
   * Cognito session and returns to `signOutRedirectUrl`. The load balancer's own session cookie
   * must be expired before (the edge's sign-out function does it): a redirect cannot set cookies.
   */
  public cognitoLogoutRedirect(): elbv2.ListenerAction {
    return elbv2.ListenerAction.redirect({
      protocol: 'HTTPS',
      port: '443',
      host: this.cognitoHostName,
      path: '/logout',
      query: `client_id=${this.userPoolClient.userPoolClientId}&logout_uri=${encodeURIComponent(this.signOutRedirectUrl)}`,
      permanent: false,
    });
  }

  private requireDomain(): cognito.IUserPoolDomain {
    if (!this.userPoolDomain) {
      throw new Error('ChatbotAuth: the load balancer login needs a Cognito domain, but `apiClients` is set. Remove `apiClients` for the browser login flow.');
    }
    return this.userPoolDomain;
  }
}

function validateAuthProps(scope: Construct, props: ChatbotAuthProps): void {
  refuseWrongTypes(scope, 'ChatbotAuth', props, {
    ...COGNITO_LOGIN_OPTION_TYPES,
    domainName: required(stringType("'chat.example.com'")),
    userPool: objectType('cognito.IUserPool', 'userPoolId'),
    mfa: enumType('cognito.Mfa', cognito.Mfa, 'REQUIRED'),
    featurePlan: enumType('cognito.FeaturePlan', cognito.FeaturePlan, 'ESSENTIALS'),
    apiClients: booleanType(),
    removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
  });
  const v = new PropsValidator('ChatbotAuth', scope, props);
  checkIdentityProviders(v, scope, propName(props, 'identityProviders'), props.identityProviders);
  const hasProviders = (props.identityProviders ?? []).length > 0;
  v.check(!(props.apiClients && props.identityProviders !== undefined), 'identityProviders',
    'needs the hosted login of the browser flow, but `apiClients` is set (API clients sign in with SRP against Cognito\'s own users).',
    'Remove identityProviders, or remove apiClients for the browser login flow.');
  v.check(props.cognitoUsers !== false || hasProviders, 'cognitoUsers', 'is false, but no `identityProviders` were given, so nobody could sign in.',
    'Give identityProviders, or remove cognitoUsers.');
  if (!Token.isUnresolved(props.domainName)) {
    checkDomainName(v, 'domainName', props.domainName);
    // The load balancer's logout redirect carries client_id and the encoded return URL in a query
    // string of at most 128 characters: 65 of them are fixed.
    v.check(props.apiClients === true || props.domainName.length <= 63, 'domainName', `is ${props.domainName.length} characters; the sign-out redirect allows 63 at most.`,
      'Use a shorter host name for the app.');
  }
  v.check(!props.userPoolClient || !!props.userPool, 'userPoolClient', 'was given without `userPool`.', 'Pass the user pool the client belongs to as `userPool`.');
  v.check(!props.userPoolClient || !!props.userPoolDomain, 'userPoolClient', 'was given without `userPoolDomain`.', 'Pass the Cognito domain of that user pool as `userPoolDomain`.');
  v.check(!props.userPoolDomain || !!props.userPool, 'userPoolDomain', 'was given without `userPool`.', 'Pass the user pool the domain belongs to as `userPool`.');
  v.check(!(props.userPoolDomain && props.cognitoDomainPrefix), 'cognitoDomainPrefix', 'conflicts with `userPoolDomain`.', 'Give either an existing domain or a prefix for a new one, not both.');
  v.check(!(props.apiClients && props.cognitoDomainPrefix !== undefined), 'cognitoDomainPrefix',
    'is unused because `apiClients` is set: API clients sign in without the hosted pages, so no Cognito domain is created.', 'Remove it, or remove `apiClients` for the browser login flow.');
  v.check(!(props.userPool && props.removalPolicy !== undefined), 'removalPolicy',
    'only applies to a user pool this construct creates, but `userPool` was given.', 'Remove it; your user pool keeps its own removal policy and deletion protection.');
  checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
  v.check(!(props.userPool && (props.mfa !== undefined || props.featurePlan !== undefined)), 'mfa',
    'and `featurePlan` only apply to a user pool this construct creates, but `userPool` was given.', 'Configure MFA and the feature plan on your own user pool, and remove these props.');
  const prefix = props.cognitoDomainPrefix;
  if (prefix !== undefined && !Token.isUnresolved(prefix)) {
    v.check(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix) && !/aws|amazon|cognito/.test(prefix), 'cognitoDomainPrefix',
      `'${prefix}' is not a valid Cognito domain prefix.`, 'Use 1-63 lower-case letters, digits and hyphens, without \'aws\', \'amazon\' or \'cognito\'.');
  }
  if (props.sessionTimeout && !props.sessionTimeout.isUnresolved()) {
    const s = props.sessionTimeout.toSeconds();
    v.check(s >= 60 && s <= 604800, 'sessionTimeout', `must be between 1 minute and 7 days (got ${s} seconds).`, 'Choose a session length the load balancer accepts.');
  }
  v.throwIfInvalid();
}

// Cognito domain prefixes are global per region, across accounts. The stack instance id makes the
// default unique per deployed stack (another account, or the same stack created again), the hash of
// the construct path tells two chatbots of one stack apart, and neither depends on the app's domain,
// so renaming the app never replaces the Cognito domain. Hex digits cannot spell aws, amazon or cognito.
function defaultDomainPrefix(scope: Construct): string {
  const pathHash = Names.uniqueId(scope).slice(-8).toLowerCase();
  return `chatbot-${pathHash}-${stackInstanceId(scope)}`;
}
