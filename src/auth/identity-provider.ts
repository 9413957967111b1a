import { SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { PropsValidator, booleanType, checkPropTypes, objectType, required, stringListType, stringType } from '../shared/validation';

/**
 * The user pool attribute that receives the groups an identity provider sends. Cognito keeps
 * federated attributes as strings: a list arrives as `[a, b]` or `["a","b"]`.
 */
export const GROUPS_ATTRIBUTE = 'custom:groups';

/** Names Cognito keeps for its own and the social providers (compared without case). */
const RESERVED_PROVIDER_NAMES = ['cognito', 'google', 'facebook', 'loginwithamazon', 'signinwithapple'];

/**
 * A SAML 2.0 identity provider (Microsoft Entra ID, Okta, Ping, Keycloak, AD FS...).
 *
 * On the provider's side, create an application with:
 * - entity id (audience): `urn:amazon:cognito:sp:<user pool id>`
 * - reply (assertion consumer service) URL: `https://<cognito domain>/saml2/idpresponse`
 * - sign-out URL (with `signOut`): `https://<cognito domain>/saml2/logout`
 */
export interface ChatbotSamlProviderOptions {
  /**
   * The provider's name in the user pool: 3 to 32 characters, no spaces or underscores, not a
   * name Cognito keeps for itself (`COGNITO`, `Google`, `Facebook`, `LoginWithAmazon`,
   * `SignInWithApple`). It appears in the user names of federated users (`<name>_<id>`).
   */
  readonly name: string;

  /**
   * The URL of the provider's SAML metadata (https). Give this or `metadataDocument`.
   *
   * @default - none; `metadataDocument` is then required
   */
  readonly metadataUrl?: string;

  /**
   * The provider's SAML metadata document (XML). Give this or `metadataUrl`.
   *
   * @default - none; `metadataUrl` is then required
   */
  readonly metadataDocument?: string;

  /**
   * The SAML attribute holding the user's email address.
   *
   * @default 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'
   */
  readonly emailAttribute?: string;

  /**
   * The SAML attribute holding the user's display name.
   *
   * @default 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'
   */
  readonly nameAttribute?: string;

  /**
   * The SAML attribute holding the user's groups, mapped to the user pool attribute
   * `custom:groups` (which the app reads to restrict access with `allowedGroups`).
   *
   * @default - groups are not mapped
   */
  readonly groupsAttribute?: string;

  /**
   * Whether signing out also ends the session at the provider (SAML single logout). The
   * provider must then accept Cognito's signed logout request at its SLO endpoint.
   *
   * @default true
   */
  readonly signOut?: boolean;
}

/**
 * An OpenID Connect identity provider federated into the user pool.
 *
 * On the provider's side, register a confidential web client with the redirect URI
 * `https://<cognito domain>/oauth2/idpresponse`.
 */
export interface ChatbotOidcProviderOptions {
  /**
   * The provider's name in the user pool: 3 to 32 characters, no spaces or underscores, not a
   * name Cognito keeps for itself.
   */
  readonly name: string;

  /**
   * The issuer URL (https), from which Cognito discovers the endpoints
   * (`<issuerUrl>/.well-known/openid-configuration`).
   */
  readonly issuerUrl: string;

  /** The client id registered at the provider. */
  readonly clientId: string;

  /**
   * The client secret, as a reference to a Secrets Manager secret in this stack's region
   * (`SecretValue.secretsManager('name', { jsonField: 'clientSecret' })`). A plain-text value is
   * refused: it would be written into the template.
   */
  readonly clientSecret: SecretValue;

  /**
   * The scopes Cognito asks the provider for.
   *
   * @default ['openid', 'email', 'profile']
   */
  readonly scopes?: string[];

  /**
   * The claim holding the user's email address.
   *
   * @default 'email'
   */
  readonly emailClaim?: string;

  /**
   * The claim holding the user's display name.
   *
   * @default 'name'
   */
  readonly nameClaim?: string;

  /**
   * The claim holding the user's groups, mapped to `custom:groups`.
   *
   * @default - groups are not mapped
   */
  readonly groupsClaim?: string;
}

/**
 * A company identity provider federated into the chatbot's Cognito user pool. Make one with
 * `ChatbotIdentityProvider.saml()` or `ChatbotIdentityProvider.oidc()`.
 */
export class ChatbotIdentityProvider {
  /**
   * A SAML 2.0 provider, from its metadata URL or document.
   *
   * @param options the provider's name, metadata and attributes
   */
  public static saml(options: ChatbotSamlProviderOptions): ChatbotIdentityProvider {
    return new ChatbotIdentityProvider('SAML', options?.name, options, undefined);
  }

  /**
   * An OpenID Connect provider, from its issuer, client id and client secret.
   *
   * @param options the provider's name, issuer, client and claims
   */
  public static oidc(options: ChatbotOidcProviderOptions): ChatbotIdentityProvider {
    return new ChatbotIdentityProvider('OIDC', options?.name, undefined, options);
  }

  /** `SAML` or `OIDC`. */
  public readonly providerType: string;

  /** The provider's name in the user pool. */
  public readonly providerName: string;

  /** The options of a SAML provider; undefined for OIDC. */
  public readonly samlOptions?: ChatbotSamlProviderOptions;

  /** The options of an OIDC provider; undefined for SAML. */
  public readonly oidcOptions?: ChatbotOidcProviderOptions;

  private constructor(providerType: string, providerName: string, samlOptions?: ChatbotSamlProviderOptions,
    oidcOptions?: ChatbotOidcProviderOptions) {
    this.providerType = providerType;
    this.providerName = providerName;
    this.samlOptions = samlOptions;
    this.oidcOptions = oidcOptions;
  }

  /** Whether this provider maps a groups attribute or claim. */
  public get mapsGroups(): boolean {
    return (this.samlOptions?.groupsAttribute ?? this.oidcOptions?.groupsClaim) !== undefined;
  }
}

/**
 * Refuses what Cognito would refuse at deploy time, for every provider of the list, naming each
 * one by its position (`identityProviders[1].issuerUrl`).
 */
export function checkIdentityProviders(v: PropsValidator, scope: Construct, prop: string, providers: ChatbotIdentityProvider[] | undefined): void {
  if (providers === undefined) {
    return;
  }
  if (!Array.isArray(providers) || providers.some((p) => !(p instanceof ChatbotIdentityProvider))) {
    v.fail(prop, 'must be a list of ChatbotIdentityProvider.', 'Pass [ChatbotIdentityProvider.saml({ ... }), ChatbotIdentityProvider.oidc({ ... })].');
    return;
  }
  v.check(providers.length > 0, prop, 'is an empty list.', 'Remove it to sign in with Cognito users only, or give at least one provider.');
  const seen = new Set<string>();
  providers.forEach((provider, i) => {
    const at = `${prop}[${i}]`;
    const options = provider.samlOptions ?? provider.oidcOptions;
    if (options === undefined || options === null || typeof options !== 'object') {
      v.fail(at, 'has no options.', `Pass the provider's options to ChatbotIdentityProvider.${provider.providerType.toLowerCase()}({ ... }).`);
      return;
    }
    const types = provider.samlOptions ? SAML_TYPES : OIDC_TYPES;
    if (!checkPropTypes(v, options, types, `${at}.`)) {
      return;
    }
    const name = provider.providerName;
    if (!Token.isUnresolved(name)) {
      v.check(/^[^_\s][^_\s]{1,30}[^_\s]$/u.test(name), `${at}.name`, `'${name}' is not a name Cognito accepts for a provider.`,
        'Use 3 to 32 characters without spaces or underscores, such as EntraID or Okta.');
      v.check(!RESERVED_PROVIDER_NAMES.includes(name.toLowerCase()), `${at}.name`, `'${name}' is a name Cognito keeps for its own or a social provider.`,
        'Choose another name, such as the company\'s or the product\'s (Entra, Okta).');
      v.check(!seen.has(name.toLowerCase()), `${at}.name`, `'${name}' is used by two providers.`, 'Give every provider its own name.');
      seen.add(name.toLowerCase());
    }
    if (provider.samlOptions) {
      checkSaml(v, at, provider.samlOptions);
    } else if (provider.oidcOptions) {
      checkOidc(v, scope, at, provider.oidcOptions);
    }
  });
}

const SAML_TYPES = {
  name: required(stringType("'EntraID'")),
  metadataUrl: stringType("'https://login.example.com/federationmetadata.xml'"),
  metadataDocument: stringType(),
  emailAttribute: stringType(),
  nameAttribute: stringType(),
  groupsAttribute: stringType("'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups'"),
  signOut: booleanType(),
};

const OIDC_TYPES = {
  name: required(stringType("'Okta'")),
  issuerUrl: required(stringType("'https://example.okta.com'")),
  clientId: required(stringType()),
  clientSecret: required(objectType('SecretValue', 'unsafeUnwrap', "SecretValue.secretsManager('okta-client', { jsonField: 'clientSecret' })")),
  scopes: stringListType("['openid', 'email', 'profile']"),
  emailClaim: stringType("'email'"),
  nameClaim: stringType("'name'"),
  groupsClaim: stringType("'groups'"),
};

function checkSaml(v: PropsValidator, at: string, o: ChatbotSamlProviderOptions): void {
  v.check(o.metadataUrl !== undefined || o.metadataDocument !== undefined, `${at}.metadataUrl`, 'and `metadataDocument` are both missing: Cognito needs the provider\'s SAML metadata.',
    'Pass the URL of the provider\'s federation metadata as metadataUrl, or the XML document as metadataDocument.');
  v.check(!(o.metadataUrl !== undefined && o.metadataDocument !== undefined), `${at}.metadataUrl`, 'conflicts with `metadataDocument`.', 'Give one of them.');
  if (o.metadataUrl !== undefined && !Token.isUnresolved(o.metadataUrl)) {
    v.check(isHttpsUrl(o.metadataUrl), `${at}.metadataUrl`, `'${o.metadataUrl}' is not an https URL.`, 'Give the https URL of the provider\'s SAML metadata.');
  }
  if (o.metadataDocument !== undefined && !Token.isUnresolved(o.metadataDocument)) {
    v.check(/<(\w+:)?EntityDescriptor[\s>]/.test(o.metadataDocument), `${at}.metadataDocument`, 'is not a SAML metadata document (no EntityDescriptor element).',
      'Pass the XML downloaded from the provider (for example fs.readFileSync(\'metadata.xml\', \'utf8\')).');
    // Cognito's MetadataFile provider detail holds at most 131,072 characters.
    v.check(o.metadataDocument.length <= 131072, `${at}.metadataDocument`, `is ${o.metadataDocument.length} characters; Cognito accepts 131,072 at most.`,
      'Give the metadata URL instead.');
  }
}

function checkOidc(v: PropsValidator, scope: Construct, at: string, o: ChatbotOidcProviderOptions): void {
  if (!Token.isUnresolved(o.issuerUrl)) {
    v.check(isHttpsUrl(o.issuerUrl), `${at}.issuerUrl`, `'${o.issuerUrl}' is not an https URL.`,
      'OpenID Connect issuers are https URLs, such as https://login.microsoftonline.com/<tenant>/v2.0.');
  }
  v.check(o.clientId.length >= 1 && o.clientId.length <= 255, `${at}.clientId`, 'must be 1 to 255 characters.', 'Copy the client id from the provider.');
  if (SecretValue.isSecretValue(o.clientSecret)) {
    const resolved = JSON.stringify(Stack.of(scope).resolve(o.clientSecret.unsafeUnwrap()));
    v.check(resolved.includes('{{resolve:secretsmanager:'), `${at}.clientSecret`, 'is not a reference to a Secrets Manager secret, so it would be written into the template.',
      'Store the secret in Secrets Manager and pass SecretValue.secretsManager(\'name\', { jsonField: \'clientSecret\' }).');
    const arnRegion = /arn:aws[\w-]*:secretsmanager:([a-z0-9-]+):/.exec(resolved)?.[1];
    const region = Stack.of(scope).region;
    if (arnRegion !== undefined && !Token.isUnresolved(region)) {
      v.check(arnRegion === region, `${at}.clientSecret`, `is a secret in ${arnRegion}, but CloudFormation resolves secrets only in the stack's region (${region}).`,
        `Replicate the secret to ${region} and reference the replica.`);
    }
  }
  for (const scopeName of o.scopes ?? []) {
    v.check(/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scopeName), `${at}.scopes`, `has '${scopeName}', which is not an OAuth scope.`, 'Give scopes without spaces or quotes, such as openid.');
  }
  if (o.scopes !== undefined) {
    v.check(o.scopes.includes('openid'), `${at}.scopes`, 'lacks openid, without which the provider returns no ID token.', 'Add \'openid\'.');
  }
}

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.length > 0 && !value.includes(' ');
  } catch {
    return false;
  }
}

/** Creates the user pool providers; each is a child of `scope` under the id `Provider<name>`. */
export function createIdentityProviders(scope: Construct, userPool: cognito.IUserPool,
  providers: ChatbotIdentityProvider[]): cognito.IUserPoolIdentityProvider[] {
  return providers.map((provider) => {
    const id = `Provider${provider.providerName.replace(/[^A-Za-z0-9]/g, '')}`;
    if (provider.samlOptions) {
      const o = provider.samlOptions;
      return new cognito.UserPoolIdentityProviderSaml(scope, id, {
        userPool,
        name: o.name,
        metadata: o.metadataUrl !== undefined
          ? cognito.UserPoolIdentityProviderSamlMetadata.url(o.metadataUrl)
          : cognito.UserPoolIdentityProviderSamlMetadata.file(o.metadataDocument!),
        idpSignout: o.signOut ?? true,
        attributeMapping: {
          email: cognito.ProviderAttribute.other(o.emailAttribute ?? 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'),
          fullname: cognito.ProviderAttribute.other(o.nameAttribute ?? 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'),
          custom: o.groupsAttribute !== undefined ? { [GROUPS_ATTRIBUTE]: cognito.ProviderAttribute.other(o.groupsAttribute) } : undefined,
        },
      });
    }
    const o = provider.oidcOptions!;
    return new cognito.UserPoolIdentityProviderOidc(scope, id, {
      userPool,
      name: o.name,
      issuerUrl: o.issuerUrl,
      clientId: o.clientId,
      // A dynamic reference ({{resolve:secretsmanager:...}}), checked above: never the value itself.
      clientSecret: o.clientSecret.unsafeUnwrap(),
      scopes: o.scopes ?? ['openid', 'email', 'profile'],
      attributeRequestMethod: cognito.OidcAttributeRequestMethod.GET,
      attributeMapping: {
        email: cognito.ProviderAttribute.other(o.emailClaim ?? 'email'),
        fullname: cognito.ProviderAttribute.other(o.nameClaim ?? 'name'),
        custom: o.groupsClaim !== undefined ? { [GROUPS_ATTRIBUTE]: cognito.ProviderAttribute.other(o.groupsClaim) } : undefined,
      },
    });
  });
}
