import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { addNagPacks } from '../../examples/nag-packs';
import { ChatbotIngress, ChatbotOidcLoginOptions, SecureContainerChatbot } from '../../src';
import { expectContainerVariable } from '../support/environment';

const OKTA: ChatbotOidcLoginOptions = {
  issuer: 'https://example.okta.com',
  authorizationEndpoint: 'https://example.okta.com/oauth2/v1/authorize',
  tokenEndpoint: 'https://example.okta.com/oauth2/v1/token',
  userInfoEndpoint: 'https://example.okta.com/oauth2/v1/userinfo',
  endSessionEndpoint: 'https://example.okta.com/oauth2/v1/logout',
  clientId: '0oa0example0client0id',
  clientSecret: SecretValue.secretsManager('okta', { jsonField: 'clientSecret' }),
  scopes: ['openid', 'email', 'profile', 'groups'],
};

function build(oidc: ChatbotOidcLoginOptions, nag = false): { chatbot: SecureContainerChatbot; app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'Direct', { env: { region: 'us-east-1' } });
  const chatbot = new SecureContainerChatbot(stack, 'Chat', {
    container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim') },
    domainName: 'chat.example.com',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' }),
    ingress: ChatbotIngress.cloudFront({ oidc, allowedGroups: ['chat-users'], allowedCountries: ['DE'] }),
  });
  if (nag) {
    addNagPacks(app);
  }
  return { chatbot, app, stack };
}

describe('OpenID Connect without Cognito', () => {
  const { chatbot, stack } = build(OKTA);
  const template = Template.fromStack(stack);

  test('the load balancer signs in at the provider, with the client secret as a Secrets Manager reference', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Actions: Match.arrayWith([Match.objectLike({
        Type: 'authenticate-oidc',
        AuthenticateOidcConfig: {
          Issuer: 'https://example.okta.com',
          AuthorizationEndpoint: 'https://example.okta.com/oauth2/v1/authorize',
          TokenEndpoint: 'https://example.okta.com/oauth2/v1/token',
          UserInfoEndpoint: 'https://example.okta.com/oauth2/v1/userinfo',
          ClientId: '0oa0example0client0id',
          ClientSecret: '{{resolve:secretsmanager:okta:SecretString:clientSecret::}}',
          Scope: 'openid email profile groups',
          SessionTimeout: 28800,
          OnUnauthenticatedRequest: 'authenticate',
        },
      })]),
    });
  });

  test('sign-out goes to the provider\'s end-session endpoint with the client id and the return URL', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: Match.arrayWith([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/signout/cognito'] } }]),
      Actions: [{
        Type: 'redirect',
        RedirectConfig: {
          Protocol: 'HTTPS',
          Port: '443',
          Host: 'example.okta.com',
          Path: '/oauth2/v1/logout',
          Query: 'client_id=0oa0example0client0id&post_logout_redirect_uri=https%3A%2F%2Fchat.example.com%2F',
          StatusCode: 'HTTP_302',
        },
      }],
    });
  });

  test('no Cognito at all, the allow-list on the CloudFront web ACL, the groups in the container', () => {
    for (const type of ['UserPool', 'UserPoolClient', 'UserPoolDomain', 'UserPoolIdentityProvider', 'ManagedLoginBranding']) {
      template.resourceCountIs(`AWS::Cognito::${type}`, 0);
    }
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT', Rules: Match.arrayWith([Match.objectLike({ Name: 'BlockOutsideAllowedCountries' })]) });
    expectContainerVariable(template, 'ALLOWED_GROUPS', 'chat-users');
    expect(chatbot.oidcAuth?.callbackUrl).toBe('https://chat.example.com/oauth2/idpresponse');
    expect(() => chatbot.auth).toThrow(/`auth` \(Cognito\) does not exist .* Use `oidcAuth`/);
  });

  test('without an end-session endpoint, sign-out returns to the app', () => {
    const t = Template.fromStack(build({ ...OKTA, endSessionEndpoint: undefined }).stack);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Actions: [{ Type: 'redirect', RedirectConfig: Match.objectLike({ Host: 'chat.example.com', Path: '/', Query: Match.absent() }) }],
    });
  });

  test('clean under the four cdk-nag packs with no acknowledgement of its own', () => {
    const { app } = build(OKTA, true);
    expect(() => app.synth()).not.toThrow();
  });
});

describe('OpenID Connect without Cognito: bad input', () => {
  test.each([
    ['an issuer over http', { issuer: 'http://example.okta.com' }, 'ingress.oidc.issuer'],
    ['a token endpoint that is no URL', { tokenEndpoint: 'example.okta.com/token' }, 'ingress.oidc.tokenEndpoint'],
    ['a secret in plain text', { clientSecret: SecretValue.unsafePlainText('s3cret') }, 'ingress.oidc.clientSecret'],
    ['a secret from another region', { clientSecret: SecretValue.secretsManager('arn:aws:secretsmanager:eu-west-1:123456789012:secret:okta-AbCdEf') },
      'ingress.oidc.clientSecret'],
    ['scopes without openid', { scopes: ['email', 'profile'] }, 'ingress.oidc.scopes'],
    ['two scopes in one item', { scopes: ['openid email'] }, 'ingress.oidc.scopes'],
    ['a client id too long for the sign-out redirect', { clientId: 'c'.repeat(80) }, 'ingress.oidc.endSessionEndpoint'],
    ['a missing user info endpoint', { userInfoEndpoint: undefined }, 'ingress.oidc.userInfoEndpoint'],
  ])('refuses %s', (_what, change, prop) => {
    expect(() => build({ ...OKTA, ...change } as ChatbotOidcLoginOptions)).toThrow(new RegExp('`' + prop.replace(/\./g, '\\.') + '`: '));
  });

  test('refuses the Cognito props with it, each named', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { region: 'us-east-1' } });
    expect(() => new SecureContainerChatbot(stack, 'Chat', {
      container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim') },
      domainName: 'chat.example.com',
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' }),
      ingress: ChatbotIngress.cloudFront({ oidc: OKTA, cognitoDomainPrefix: 'my-chat', protectLogin: true }),
    })).toThrow(/`ingress\.cognitoDomainPrefix`: configures Cognito[\s\S]*`ingress\.protectLogin`: configures Cognito/);
  });
});

describe('HTTP API with the JWT access tokens of an OpenID Connect provider', () => {
  const api = (options: { jwtIssuer?: string; jwtAudience?: string[] }, extra: object = {}) => {
    const stack = new Stack(new App(), 'Api', { env: { region: 'eu-west-1' } });
    new SecureContainerChatbot(stack, 'Chat', {
      container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim') },
      domainName: 'api.example.com',
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' }),
      ingress: ChatbotIngress.httpApi(options),
      ...extra,
    });
    return stack;
  };

  test('the authorizer checks the provider\'s issuer and audience; no Cognito', () => {
    const template = Template.fromStack(api({ jwtIssuer: 'https://login.microsoftonline.com/tenant/v2.0', jwtAudience: ['api://chatbot'] }));
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://login.microsoftonline.com/tenant/v2.0', Audience: ['api://chatbot'] },
    });
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    expect(Object.keys(template.findOutputs('*')).some((id) => id.includes('UserPoolId'))).toBe(false);
  });

  test.each([
    ['an issuer over http', { jwtIssuer: 'http://idp.example.com', jwtAudience: ['a'] }, {}, 'ingress.jwtIssuer'],
    ['an issuer without audience', { jwtIssuer: 'https://idp.example.com' }, {}, 'ingress.jwtAudience'],
    ['an audience without issuer', { jwtAudience: ['a'] }, {}, 'ingress.jwtAudience'],
    ['MFA with the provider\'s tokens', { jwtIssuer: 'https://idp.example.com', jwtAudience: ['a'] }, { mfa: cognito.Mfa.OPTIONAL }, 'mfa'],
  ])('refuses %s', (_what, options, extra, prop) => {
    expect(() => api(options, extra)).toThrow(new RegExp('`' + prop.replace(/\./g, '\\.') + '`: '));
  });
});
