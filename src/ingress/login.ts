import { CfnOutput } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ChatbotCloudFrontIngressOptions } from './chatbot-ingress';
import { IngressContext, IngressLogin } from './ingress-parts';
import { ChatbotAuth } from '../auth/chatbot-auth';
import { ChatbotOidcAuth } from '../auth/chatbot-oidc-auth';
import { ChatbotUserPoolWebAcl } from '../auth/chatbot-user-pool-web-acl';
import { ChatbotIdentityProvider } from '../auth/identity-provider';
import { COGNITO_LOGIN_OPTION_KEYS } from '../auth/option-types';
import { pickOptions, withPropPath } from '../shared/prop-path';

/** The Cognito login of either ingress: the load balancer's (`options`) or the API's (`apiClients`). */
export function bindCognitoLogin(scope: Construct, context: IngressContext, options: ChatbotCloudFrontIngressOptions | undefined,
  apiClients: boolean): IngressLogin {
  const props = context.props;
  const auth = new ChatbotAuth(scope, 'Auth', withPropPath({
    ...pickOptions(options, COGNITO_LOGIN_OPTION_KEYS),
    domainName: props.domainName,
    userPool: props.userPool,
    mfa: props.mfa,
    featurePlan: props.featurePlan,
    apiClients,
    removalPolicy: props.userPool ? undefined : props.removalPolicy,
  }, '', ingressPropNames(COGNITO_LOGIN_OPTION_KEYS)));

  // Cognito's login endpoints do not pass through CloudFront: the allow-lists and a rate limit
  // must apply there too, or they could be walked around.
  const allowLists = options?.allowedIpRanges !== undefined || options?.allowedCountries !== undefined;
  const loginWebAcl = options && (options.protectLogin ?? allowLists) ? new ChatbotUserPoolWebAcl(scope, 'LoginWebAcl', withPropPath({
    userPool: auth.userPool,
    rateLimitPerIp: options.loginRateLimitPerIp,
    allowedIpRanges: options.allowedIpRanges,
    allowedCountries: options.allowedCountries,
    logsEncryptionKey: context.encryptionKey,
    logRetention: props.logRetention,
    removalPolicy: props.removalPolicy,
  }, '', { ...ingressPropNames(['allowedIpRanges', 'allowedCountries']), rateLimitPerIp: 'ingress.loginRateLimitPerIp' })) : undefined;
  createLoginOutputs(scope, context, auth, options?.identityProviders ?? []);
  return { auth, loginActions: auth, loginWebAcl };
}

/** The load balancer's login at an OpenID Connect provider, without Cognito. */
export function bindOidcLogin(scope: Construct, context: IngressContext, options: ChatbotCloudFrontIngressOptions,
  oidc: NonNullable<ChatbotCloudFrontIngressOptions['oidc']>): IngressLogin {
  const oidcAuth = new ChatbotOidcAuth(scope, 'OidcAuth', withPropPath({
    ...oidc,
    domainName: context.props.domainName,
    sessionTimeout: options.sessionTimeout,
  }, 'ingress.oidc.', { domainName: 'domainName', sessionTimeout: 'ingress.sessionTimeout' }));
  createLoginOutputs(scope, context, undefined, []);
  return { oidcAuth, loginActions: oidcAuth };
}

/** No login part: the API's JWT authorizer checks the tokens of the user's own provider. */
export function bindNoLogin(scope: Construct, context: IngressContext): IngressLogin {
  createLoginOutputs(scope, context, undefined, []);
  return {};
}

/**
 * What the deploy guide's next steps need: where to create the first user, where to go, and what
 * to enter on the identity providers' side (known only once the pool and its domain exist).
 */
function createLoginOutputs(scope: Construct, context: IngressContext, auth: ChatbotAuth | undefined, providers: ChatbotIdentityProvider[]): void {
  if (auth) {
    new CfnOutput(scope, 'UserPoolId', {
      description: `Cognito user pool of ${context.props.domainName}: create the first user here (aws cognito-idp admin-create-user)`,
      value: auth.userPool.userPoolId,
    });
  }
  new CfnOutput(scope, 'Url', { description: 'The app', value: context.url });
  if (!auth || providers.length === 0 || !auth.userPoolDomain) {
    return;
  }
  const host = auth.cognitoHostName;
  if (providers.some((p) => p.samlOptions)) {
    new CfnOutput(scope, 'SamlEntityId', {
      description: 'SAML providers: the entity id (audience, identifier) of the application',
      value: `urn:amazon:cognito:sp:${auth.userPool.userPoolId}`,
    });
    new CfnOutput(scope, 'SamlReplyUrl', { description: 'SAML providers: the reply (assertion consumer service) URL', value: `https://${host}/saml2/idpresponse` });
    new CfnOutput(scope, 'SamlSignOutUrl', { description: 'SAML providers: the single logout URL', value: `https://${host}/saml2/logout` });
  }
  if (providers.some((p) => p.oidcOptions)) {
    new CfnOutput(scope, 'OidcRedirectUri', { description: 'OpenID Connect providers: the redirect URI of the client', value: `https://${host}/oauth2/idpresponse` });
  }
}

/** The names of ingress options as the user wrote them: `ingress.<option>`. */
export function ingressPropNames(props: readonly string[]): { [prop: string]: string } {
  return Object.fromEntries(props.map((p) => [p, `ingress.${p}`]));
}
