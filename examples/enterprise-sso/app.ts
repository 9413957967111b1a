import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { ChatbotIdentityProvider, ChatbotIngress, SecureContainerChatbot } from '../../src';
import { ExampleOptions, exampleDomainName, exampleHostedZone, exampleImage } from '../example-options';

/**
 * Company sign-in: employees sign in with Microsoft Entra ID (SAML 2.0) or Okta (OpenID
 * Connect), federated into the Cognito user pool; only members of the `chat-users` group may use
 * the app; the app and its login are reachable only from the company's address ranges (IPv4 and
 * IPv6) in two countries, on the CloudFront web ACL and on a regional web ACL on the user pool.
 *
 * Before deploying, store Okta's client secret in Secrets Manager in eu-west-1 under
 * `enterprise-sso/okta` with the JSON field `clientSecret`.
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
          metadataUrl: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/federationmetadata/2007-06/federationmetadata.xml',
          groupsAttribute: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
        }),
        ChatbotIdentityProvider.oidc({
          name: 'Okta',
          issuerUrl: 'https://example.okta.com',
          clientId: '0oa0example0client0id',
          clientSecret: SecretValue.secretsManager('enterprise-sso/okta', { jsonField: 'clientSecret' }),
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
