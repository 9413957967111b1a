import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ChatbotAuth, ChatbotAuthProps, ChatbotIdentityProvider, ChatbotUserPoolWebAcl } from '../../src';
import { expectContainerVariable } from '../support/environment';
import { exampleTemplate } from '../support/example-assemblies';
import { WafRequest, evaluateWebAcl } from '../support/waf-evaluator';

const SAML_METADATA = 'https://login.example.com/federationmetadata.xml';
const saml = ChatbotIdentityProvider.saml({ name: 'EntraID', metadataUrl: SAML_METADATA, groupsAttribute: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups' });
const oidc = ChatbotIdentityProvider.oidc({
  name: 'Okta',
  issuerUrl: 'https://example.okta.com',
  clientId: 'client-id',
  clientSecret: SecretValue.secretsManager('okta', { jsonField: 'clientSecret' }),
});

function authTemplate(props: Partial<ChatbotAuthProps>): { readonly template: Template; auth: ChatbotAuth; stack: Stack } {
  const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
  const auth = new ChatbotAuth(stack, 'Auth', { domainName: 'chat.example.com', ...props });
  // Synthesized on first use, so that a test can add constructs before.
  return { get template() { return Template.fromStack(stack); }, auth, stack };
}

// The ALB's authenticate-cognito action as the listener renders it.
function authenticateAction(auth: ChatbotAuth, stack: Stack): any {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc });
  alb.addListener('L', { port: 80, defaultAction: auth.authenticateThen(elbv2.ListenerAction.fixedResponse(200)) });
  const listener = Object.values(Template.fromStack(stack).findResources('AWS::ElasticLoadBalancingV2::Listener'))[0];
  return listener.Properties.DefaultActions.find((a: any) => a.Type === 'authenticate-cognito').AuthenticateCognitoConfig;
}

describe('identity providers federated into the user pool', () => {
  test('SAML: metadata URL, email/name/groups mapping, single logout, and a groups attribute on the pool', () => {
    const { template } = authTemplate({ identityProviders: [saml] });
    template.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'EntraID',
      ProviderType: 'SAML',
      ProviderDetails: { MetadataURL: SAML_METADATA, IDPSignout: true },
      AttributeMapping: {
        'email': 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
        'name': 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
        'custom:groups': 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
      },
    });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([Match.objectLike({ Name: 'groups', AttributeDataType: 'String', Mutable: true })]),
    });
  });

  test('SAML from a metadata document', () => {
    const xml = '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"></md:EntityDescriptor>';
    const { template } = authTemplate({ identityProviders: [ChatbotIdentityProvider.saml({ name: 'Keycloak', metadataDocument: xml, signOut: false })] });
    template.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'Keycloak',
      ProviderDetails: { MetadataFile: xml, IDPSignout: false },
    });
  });

  test('OIDC: issuer, client id, the secret as a Secrets Manager dynamic reference, default scopes; no groups attribute', () => {
    const { template } = authTemplate({ identityProviders: [oidc] });
    template.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'Okta',
      ProviderType: 'OIDC',
      ProviderDetails: {
        client_id: 'client-id',
        client_secret: '{{resolve:secretsmanager:okta:SecretString:clientSecret::}}',
        oidc_issuer: 'https://example.okta.com',
        authorize_scopes: 'openid email profile',
        attributes_request_method: 'GET',
      },
      AttributeMapping: { email: 'email', name: 'name' },
    });
    const pool = template.findResources('AWS::Cognito::UserPool');
    expect(JSON.stringify(pool)).not.toContain('"groups"');
  });

  test('the app client supports exactly the providers, depends on them, and Cognito users only when asked', () => {
    const only = authTemplate({ identityProviders: [saml, oidc] }).template;
    only.hasResourceProperties('AWS::Cognito::UserPoolClient', { SupportedIdentityProviders: ['EntraID', 'Okta'] });
    const client = Object.values(only.findResources('AWS::Cognito::UserPoolClient'))[0];
    const providerIds = Object.keys(only.findResources('AWS::Cognito::UserPoolIdentityProvider'));
    expect(providerIds).toHaveLength(2);
    expect(client.DependsOn).toEqual(expect.arrayContaining(providerIds));

    const withUsers = authTemplate({ identityProviders: [saml], cognitoUsers: true }).template;
    withUsers.hasResourceProperties('AWS::Cognito::UserPoolClient', { SupportedIdentityProviders: ['COGNITO', 'EntraID'] });
  });

  test('one provider without Cognito users: the load balancer sends the browser straight to it', () => {
    const { auth, stack } = authTemplate({ identityProviders: [saml] });
    expect(authenticateAction(auth, stack).AuthenticationRequestExtraParams).toEqual({ identity_provider: 'EntraID' });
  });

  test('several providers, or one beside Cognito users: Cognito shows its chooser', () => {
    for (const props of [{ identityProviders: [saml, oidc] }, { identityProviders: [saml], cognitoUsers: true }, {}]) {
      const { auth, stack } = authTemplate(props);
      expect(authenticateAction(auth, stack).AuthenticationRequestExtraParams).toBeUndefined();
    }
  });

  test('managed login version 2 on the new domain, with a style for the app client', () => {
    const { template } = authTemplate({});
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { ManagedLoginVersion: 2 });
    template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      UserPoolId: { Ref: Match.stringLikeRegexp('UserPool') },
      ClientId: { Ref: Match.stringLikeRegexp('AppClient') },
      UseCognitoProvidedValues: true,
    });
  });

  test('no style for an app client the construct did not create', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const userPool = new cognito.UserPool(stack, 'P');
    const auth = new ChatbotAuth(stack, 'Auth', {
      domainName: 'chat.example.com',
      userPool,
      userPoolClient: userPool.addClient('C', { generateSecret: true }),
      userPoolDomain: userPool.addDomain('D', { cognitoDomain: { domainPrefix: 'mine-x1' } }),
    });
    expect(auth.managedLoginBranding).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::Cognito::ManagedLoginBranding', 0);
  });
});

describe('the regional web ACL on the user pool', () => {
  function webAcl(props: { allowedIpRanges?: string[]; allowedCountries?: string[]; rateLimitPerIp?: number }): Template {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    new ChatbotUserPoolWebAcl(stack, 'Acl', { userPool: new cognito.UserPool(stack, 'P'), logsEncryptionKey: new kms.Key(stack, 'K'), ...props });
    return Template.fromStack(stack);
  }

  test('REGIONAL, associated with the user pool, rate limit then IP reputation, common and known-bad-inputs rules; logged', () => {
    const template = webAcl({});
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({ Name: 'RateLimitSignInPerIp', Priority: 0, Statement: { RateBasedStatement: Match.objectLike({ Limit: 300, AggregateKeyType: 'IP' }) } }),
        Match.objectLike({ Name: 'AWSManagedRulesAmazonIpReputationList', Priority: 1 }),
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          Priority: 2,
          Statement: { ManagedRuleGroupStatement: Match.objectLike({ RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }] }) },
        }),
        Match.objectLike({ Name: 'AWSManagedRulesKnownBadInputsRuleSet', Priority: 3 }),
      ],
    });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^P'), 'Arn'] },
      WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AclWebAcl'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
    });
    expect(JSON.stringify(template.findResources('AWS::Logs::LogGroup'))).toContain('"aws-waf-logs-');
    template.resourceCountIs('AWS::WAFv2::IPSet', 0);
  });

  test('allow-lists: one IP set per IP version, blocked outside them and outside the countries, before every other rule', () => {
    const template = webAcl({ allowedIpRanges: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7/32'], allowedCountries: ['DE', 'FR'] });
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: 'REGIONAL', IPAddressVersion: 'IPV4', Addresses: ['203.0.113.0/24', '198.51.100.7/32'] });
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: 'REGIONAL', IPAddressVersion: 'IPV6', Addresses: ['2001:db8::/32'] });
    const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0].Properties;
    expect(acl.Rules.map((r: any) => [r.Priority, r.Name])).toEqual([
      [0, 'BlockOutsideAllowedIpRanges'], [1, 'BlockOutsideAllowedCountries'], [2, 'RateLimitSignInPerIp'],
      [3, 'AWSManagedRulesAmazonIpReputationList'], [4, 'AWSManagedRulesCommonRuleSet'], [5, 'AWSManagedRulesKnownBadInputsRuleSet'],
    ]);
    const ipRule = acl.Rules[0];
    expect(ipRule.Action).toEqual({ Block: {} });
    const [outsideRanges] = ipRule.Statement.AndStatement.Statements;
    expect(outsideRanges.NotStatement.Statement.OrStatement.Statements).toHaveLength(2);
    const [outsideCountries] = acl.Rules[1].Statement.AndStatement.Statements;
    expect(outsideCountries).toEqual({ NotStatement: { Statement: { GeoMatchStatement: { CountryCodes: ['DE', 'FR'] } } } });
  });

  test('a single IP version needs no OR statement', () => {
    const acl = Object.values(webAcl({ allowedIpRanges: ['2001:db8::/32'] }).findResources('AWS::WAFv2::WebACL'))[0].Properties;
    const [outsideRanges] = acl.Rules[0].Statement.AndStatement.Statements;
    expect(outsideRanges.NotStatement.Statement).toEqual({ IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/AllowedIpv6/), 'Arn'] } } });
  });

  describe('what the ACL lets through (evaluated, not read)', () => {
    const template = webAcl({ allowedIpRanges: ['203.0.113.0/24', '2001:db8::/32'], allowedCountries: ['DE', 'FR'], rateLimitPerIp: 300 });
    const resources = template.toJSON().Resources;
    const aclId = Object.keys(template.findResources('AWS::WAFv2::WebACL'))[0];
    const verdict = (request: WafRequest) => evaluateWebAcl(resources, aclId, request);
    const outside = { ip: '192.0.2.10', country: 'US' };
    const inside = { ip: '203.0.113.5', country: 'DE' };

    test.each(['/oauth2/token', '/oauth2/userInfo', '/oauth2/userinfo'])(
      'the load balancer\'s own call to %s, from outside every list and thousands of times, is allowed', (path) => {
        expect(verdict({ ...outside, path, requestsFromIpInWindow: 50_000 })).toEqual({ action: 'ALLOW' });
      });

    test.each(['/login', '/oauth2/authorize', '/saml2/idpresponse', '/logout', '/', '/oauth2/token/x', '/oauth2/tokens'])(
      'a browser request to %s from outside the lists is blocked', (path) => {
        expect(verdict({ ...outside, path }).action).toBe('BLOCK');
        expect(verdict({ ip: inside.ip, country: 'US', path })).toEqual({ action: 'BLOCK', rule: 'BlockOutsideAllowedCountries' });
        expect(verdict({ ip: '2001:db9::1', country: 'DE', path })).toEqual({ action: 'BLOCK', rule: 'BlockOutsideAllowedIpRanges' });
      });

    test('inside the lists, sign-in is allowed up to the rate limit, then blocked', () => {
      expect(verdict({ ...inside, path: '/login', requestsFromIpInWindow: 300 })).toEqual({ action: 'ALLOW' });
      expect(verdict({ ip: '2001:db8::7', country: 'FR', path: '/oauth2/authorize' })).toEqual({ action: 'ALLOW' });
      expect(verdict({ ...inside, path: '/login', requestsFromIpInWindow: 301 })).toEqual({ action: 'BLOCK', rule: 'RateLimitSignInPerIp' });
    });
  });
});

describe('examples/enterprise-sso', () => {
  const regional = exampleTemplate('enterprise-sso', 'eu-west-1');
  const edge = exampleTemplate('enterprise-sso', 'us-east-1');

  test('a SAML and an OIDC provider, and only they on the app client', () => {
    regional.resourceCountIs('AWS::Cognito::UserPoolIdentityProvider', 2);
    regional.hasResourceProperties('AWS::Cognito::UserPoolClient', { SupportedIdentityProviders: ['EntraID', 'Okta'] });
    regional.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'Okta',
      ProviderDetails: Match.objectLike({ client_secret: '{{resolve:secretsmanager:enterprise-sso/okta:SecretString:clientSecret::}}' }),
    });
  });

  test('the same allow-lists on the CloudFront web ACL and on the user pool\'s', () => {
    for (const [template, scope] of [[edge, 'CLOUDFRONT'], [regional, 'REGIONAL']] as const) {
      template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: scope, IPAddressVersion: 'IPV4', Addresses: ['203.0.113.0/24'] });
      template.hasResourceProperties('AWS::WAFv2::IPSet', { Scope: scope, IPAddressVersion: 'IPV6', Addresses: ['2001:db8:1234::/48'] });
    }
    edge.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      Rules: Match.arrayWith([Match.objectLike({
        Name: 'BlockOutsideAllowedCountries',
        Priority: 1,
        Statement: { NotStatement: { Statement: { GeoMatchStatement: { CountryCodes: ['DE', 'FR'] } } } },
      })]),
    });
    regional.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  test('sign-in works behind the login firewall: the load balancer\'s token and userInfo calls pass, the browser pages stay behind the lists', () => {
    const resources = regional.toJSON().Resources;
    const aclId = Object.keys(regional.findResources('AWS::WAFv2::WebACL'))[0];
    const loadBalancer = { ip: '198.51.100.20', country: 'IE' };
    for (const path of ['/oauth2/token', '/oauth2/userInfo']) {
      expect(evaluateWebAcl(resources, aclId, { ...loadBalancer, path, requestsFromIpInWindow: 10_000 })).toEqual({ action: 'ALLOW' });
    }
    for (const path of ['/login', '/oauth2/authorize', '/saml2/idpresponse', '/oauth2/idpresponse']) {
      expect(evaluateWebAcl(resources, aclId, { ...loadBalancer, path }).action).toBe('BLOCK');
      expect(evaluateWebAcl(resources, aclId, { ip: '203.0.113.9', country: 'FR', path })).toEqual({ action: 'ALLOW' });
    }
    // The CloudFront web ACL in front of the app has no such exemption: every app path stays behind the lists.
    const edgeAcl = Object.keys(edge.findResources('AWS::WAFv2::WebACL'))[0];
    expect(evaluateWebAcl(edge.toJSON().Resources, edgeAcl, { ...loadBalancer, path: '/oauth2/token' }).action).toBe('BLOCK');
  });

  test('the allowed groups reach the container', () => {
    expectContainerVariable(regional, 'ALLOWED_GROUPS', 'chat-users');
  });
});

describe('what to enter on the provider\'s side', () => {
  const outputs = exampleTemplate('enterprise-sso', 'eu-west-1').findOutputs('*');
  const value = (prefix: string) => {
    const found = Object.entries(outputs).filter(([id]) => id.startsWith(`Chatbot${prefix}`));
    expect(found).toHaveLength(1);
    return JSON.stringify(found[0][1].Value);
  };

  test('SAML: entity id from the user pool id, reply and logout URLs on the Cognito domain', () => {
    expect(value('SamlEntityId')).toMatch(/^\{"Fn::Join":\["",\["urn:amazon:cognito:sp:",\{"Ref":"ChatbotAuthUserPool[0-9A-F]+"\}\]\]\}$/);
    expect(value('SamlReplyUrl')).toMatch(/"https:\/\/",\{"Ref":"ChatbotAuthDomain[0-9A-F]+"\},".auth.eu-west-1.amazoncognito.com\/saml2\/idpresponse"/);
    expect(value('SamlSignOutUrl')).toContain('.auth.eu-west-1.amazoncognito.com/saml2/logout');
  });

  test('OIDC: the redirect URI on the Cognito domain', () => {
    expect(value('OidcRedirectUri')).toMatch(/"https:\/\/",\{"Ref":"ChatbotAuthDomain[0-9A-F]+"\},".auth.eu-west-1.amazoncognito.com\/oauth2\/idpresponse"/);
  });

  test('none without providers', () => {
    expect(Object.keys(exampleTemplate('basic', 'eu-west-1').findOutputs('*')).filter((id) => /Saml|Oidc/.test(id))).toEqual([]);
  });
});
