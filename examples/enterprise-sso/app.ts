import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { ChatbotIdentityProvider, ChatbotIngress, SecureContainerChatbot } from '../../src';
import { ExampleOptions, exampleDomainName, exampleHostedZone, exampleImage } from '../example-options';
import { userValue } from '../user-values';

/**
 * Company sign-in: employees sign in with Microsoft Entra ID (SAML 2.0) or Okta (OpenID
 * Connect), federated into the Cognito user pool; only members of the `chat-users` group may use
 * the app; the app and its login are reachable only from the company's address ranges (IPv4 and
 * IPv6) in two countries, on the CloudFront web ACL and on a regional web ACL on the user pool.
 *
 * The company's own values come from CDK context (see sample-context.json for the keys): Entra
 * ID's federation metadata URL, Okta's issuer and client id, and the name of the Secrets Manager
 * secret in eu-west-1 that holds Okta's client secret in the JSON field `clientSecret` (create it
 * before deploying). Without them, synth fails naming the missing key.
 */
export function buildEnterpriseSsoExample(app: App, options: ExampleOptions = {}): Stack {
  const stack = new Stack(app, 'ChatbotEnterpriseSso', { env: { region: 'eu-west-1' }, stackName: options.stackName });

  const hostedZone = exampleHostedZone(stack, options);

  new SecureContainerChatbot(stack, 'Chatbot', {
    container: { image: exampleImage(options) },
    domainName: exampleDomainName('chat', options),
    hostedZone,
    bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'],
    removalPolicy: options.removalPolicy,
    ingress: ChatbotIngress.cloudFront({
      identityProviders: [
        ChatbotIdentityProvider.saml({
          name: 'EntraID',
          metadataUrl: userValue(app, 'enterprise-sso:entraIdMetadataUrl', 'the federation metadata URL of your Entra ID enterprise application'),
          groupsAttribute: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
        }),
        ChatbotIdentityProvider.oidc({
          name: 'Okta',
          issuerUrl: userValue(app, 'enterprise-sso:oktaIssuerUrl', 'the issuer URL of your Okta org (https://<org>.okta.com)'),
          clientId: userValue(app, 'enterprise-sso:oktaClientId', 'the client id of your Okta OIDC app'),
          clientSecret: SecretValue.secretsManager(
            userValue(app, 'enterprise-sso:oktaClientSecretName', 'the name of the Secrets Manager secret with Okta\'s client secret (JSON field clientSecret)'),
            { jsonField: 'clientSecret' }),
          scopes: ['openid', 'email', 'profile', 'groups'],
          groupsClaim: 'groups',
        }),
      ],
      allowedGroups: ['chat-users'],
      allowedIpRanges: ['203.0.113.0/24', '2001:db8:1234::/48'],
      allowedCountries: ['DE', 'FR'],
    }),
  });
  return stack;
}
