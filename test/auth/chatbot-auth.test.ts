import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ChatbotAuth, ChatbotAuthProps } from '../../src';
import { exampleTemplate } from '../support/example-assemblies';

const regional = exampleTemplate('basic', 'eu-west-1');

describe('Cognito', () => {
  test('user pool: administrators create users, strong passwords, TOTP MFA required, deletion protection', () => {
    regional.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      DeletionProtection: 'ACTIVE',
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: 3,
        },
      },
    });
    regional.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
  });

  test('app client: a secret, the code flow, the load balancer callback on the public domain, user-existence errors hidden', () => {
    regional.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: ['https://chat.example.com/oauth2/idpresponse'],
      LogoutURLs: ['https://chat.example.com/'],
      PreventUserExistenceErrors: 'ENABLED',
      SupportedIdentityProviders: ['COGNITO'],
    });
  });

  test('the default Cognito domain prefix: unique per stack instance and per construct, valid for Cognito', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const prefixes = ['One', 'Two'].map((id) => {
      const auth = new ChatbotAuth(stack, id, { domainName: 'chat.example.com' });
      return stack.resolve((auth.userPoolDomain!.node.defaultChild as cognito.CfnUserPoolDomain).domain);
    });
    expect(prefixes[0]).not.toEqual(prefixes[1]);
    for (const prefix of prefixes) {
      expect(JSON.stringify(prefix)).toContain('AWS::StackId');
      // As CloudFormation resolves it, with the last group of a stack id's UUID.
      const resolved = (prefix['Fn::Join'][1] as any[]).map((part) => (typeof part === 'string' ? part : '50e2416294e0')).join('');
      expect(resolved).toMatch(/^chatbot-[0-9a-f]{8}-50e2416294e0$/);
      expect(resolved.length).toBeLessThanOrEqual(63);
    }
  });

  test('a given prefix is used as it is', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    new ChatbotAuth(stack, 'Auth', { domainName: 'chat.example.com', cognitoDomainPrefix: 'team-chat-login' });
    Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'team-chat-login' });
  });
});

describe('ChatbotAuth bad input', () => {
  const make = (props: Partial<ChatbotAuthProps>) => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    return () => new ChatbotAuth(stack, 'Auth', { domainName: 'chat.example.com', ...props });
  };

  test('refuses an invalid domain name', () => {
    expect(make({ domainName: 'https://chat.example.com/' })).toThrow(/`domainName`: 'https:\/\/chat.example.com\/' is not a valid lower-case domain name/);
  });

  test('refuses a client without its user pool and domain', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const pool = new cognito.UserPool(stack, 'P');
    const client = pool.addClient('C');
    expect(() => new ChatbotAuth(stack, 'Auth', { domainName: 'chat.example.com', userPoolClient: client }))
      .toThrow(/2 problems.*\n- `userPoolClient`: was given without `userPool`.*\n- `userPoolClient`: was given without `userPoolDomain`/);
  });

  test('refuses a Cognito domain prefix Cognito would reject', () => {
    expect(make({ cognitoDomainPrefix: 'my-aws-chat' })).toThrow(/`cognitoDomainPrefix`: 'my-aws-chat' is not a valid Cognito domain prefix/);
  });

  test('refuses MFA settings for a user pool it does not create', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const pool = new cognito.UserPool(stack, 'P');
    expect(() => new ChatbotAuth(stack, 'Auth', { domainName: 'chat.example.com', userPool: pool, mfa: cognito.Mfa.OPTIONAL }))
      .toThrow(/`mfa`: and `featurePlan` only apply to a user pool this construct creates/);
  });
});

describe('ChatbotAuth alone, with the user\'s own user pool, app client and domain', () => {
  const stack = new Stack(new App(), 'OwnLogin', { env: { region: 'eu-west-1' } });
  const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_AbCdEf123');
  const userPoolClient = cognito.UserPoolClient.fromUserPoolClientId(stack, 'Client', 'client123');
  const userPoolDomain = cognito.UserPoolDomain.fromDomainName(stack, 'Domain', 'team-login');
  const auth = new ChatbotAuth(stack, 'Auth', { domainName: 'chat.example.com', userPool, userPoolClient, userPoolDomain, sessionTimeout: Duration.hours(2) });
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
  new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc }).addListener('Https', {
    port: 443,
    certificates: [elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:123456789012:certificate/abc')],
    defaultAction: auth.authenticateThen(elbv2.ListenerAction.fixedResponse(200)),
  });
  const own = Template.fromStack(stack);

  test('creates no user pool, app client or domain, and exposes the given ones', () => {
    own.resourceCountIs('AWS::Cognito::UserPool', 0);
    own.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    own.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    expect(auth.userPool).toBe(userPool);
    expect(auth.userPoolClient).toBe(userPoolClient);
  });

  test('the load balancer signs users in with the given client and domain, for the given session length', () => {
    const [listener] = Object.values(own.findResources('AWS::ElasticLoadBalancingV2::Listener'));
    const [login] = listener.Properties.DefaultActions;
    expect(login.Type).toBe('authenticate-cognito');
    expect(login.AuthenticateCognitoConfig).toEqual(expect.objectContaining({
      UserPoolClientId: 'client123',
      UserPoolDomain: 'team-login',
      SessionTimeout: String(Duration.hours(2).toSeconds()),
    }));
    expect(JSON.stringify(login.AuthenticateCognitoConfig.UserPoolArn)).toContain('eu-west-1_AbCdEf123');
  });
});
