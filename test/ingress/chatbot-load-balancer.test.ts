import { App, SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ChatbotDeploymentStrategy, ChatbotLoadBalancer, ChatbotService } from '../../src';
import { exampleTemplate } from '../support/example-assemblies';
import { ownFargateService, stubAuth } from '../support/own-parts';
import { allIngressRules, ingressRules, securityGroupId } from '../support/security-groups';

const regional = exampleTemplate('basic', 'eu-west-1');


describe('load balancer', () => {
  test('is internet-facing in the public subnets of both AZs, drops invalid headers and suits streamed answers', () => {
    regional.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Type: 'application',
      Subnets: [{ Ref: Match.stringLikeRegexp('PublicSubnet1') }, { Ref: Match.stringLikeRegexp('PublicSubnet2') }],
    });
    const attributes = Object.values(regional.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0].Properties.LoadBalancerAttributes;
    expect(attributes).toEqual(expect.arrayContaining([
      { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      { Key: 'idle_timeout.timeout_seconds', Value: '300' },
      // An explicit production opt-in (deletionProtection): off, a failed first deployment rolls back.
      { Key: 'deletion_protection.enabled', Value: 'false' },
      { Key: 'routing.http.desync_mitigation_mode', Value: 'strictest' },
    ]));
  });

  test('listens on HTTPS 443 only, with an explicit TLS 1.2/1.3 policy and a 403 for anything unmatched', () => {
    regional.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    regional.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '403', ContentType: 'text/plain', MessageBody: 'Forbidden' } }],
    });
  });

  test('checks the origin-verify header before the Cognito login and the forward', () => {
    regional.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 20,
      Conditions: [{
        Field: 'http-header',
        HttpHeaderConfig: {
          HttpHeaderName: 'X-Origin-Verify',
          Values: [{ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: Match.stringLikeRegexp('OriginVerifySecret') }, ':SecretString:value::}}']] }],
        },
      }],
      Actions: [
        Match.objectLike({ Type: 'authenticate-cognito', Order: 1, AuthenticateCognitoConfig: Match.objectLike({ OnUnauthenticatedRequest: 'authenticate', SessionTimeout: 28800 }) }),
        Match.objectLike({ Type: 'forward', Order: 2 }),
      ],
    });
  });

  test('sends /signout/cognito (from CloudFront only) to Cognito\'s logout endpoint without logging in first', () => {
    regional.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 10,
      Conditions: Match.arrayWith([
        Match.objectLike({ Field: 'http-header', HttpHeaderConfig: Match.objectLike({ HttpHeaderName: 'X-Origin-Verify' }) }),
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/signout/cognito'] } },
      ]),
      Actions: [Match.objectLike({
        Type: 'redirect',
        RedirectConfig: Match.objectLike({
          Protocol: 'HTTPS',
          Path: '/logout',
          StatusCode: 'HTTP_302',
          Host: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('AuthDomain') }, '.auth.eu-west-1.amazoncognito.com']] },
          Query: { 'Fn::Join': ['', ['client_id=', { Ref: Match.stringLikeRegexp('AuthAppClient') }, '&logout_uri=https%3A%2F%2Fchat.example.com%2F']] },
        }),
      })],
    });
  });

  test('security group admits only the CloudFront origin-facing prefix list, on 443, and may call Cognito on 443', () => {
    const albSg = securityGroupId(regional, /LoadBalancerSecurityGroup/);
    const inline = regional.findResources('AWS::EC2::SecurityGroup')[albSg].Properties;
    expect(ingressRules(regional, albSg)).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourcePrefixListId: 'pl-4fa04526' })]);
    expect(inline.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })]);
    // No security group of the stack is open to the whole internet.
    const openToWorld = allIngressRules(regional).filter((rule) => rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0');
    expect(openToWorld).toEqual([]);
  });

  test('target group checks /_stcore/health, keeps sessions sticky and drains within 60 seconds', () => {
    regional.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8501,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: '/_stcore/health',
      Matcher: { HttpCode: '200' },
    });
    const attributes = Object.values(regional.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'))[0].Properties.TargetGroupAttributes;
    expect(attributes).toEqual(expect.arrayContaining([
      { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
      { Key: 'stickiness.enabled', Value: 'true' },
      { Key: 'stickiness.type', Value: 'lb_cookie' },
      { Key: 'stickiness.lb_cookie.duration_seconds', Value: '3600' },
    ]));
  });

  test('origin name is an alias of the load balancer, and its certificate covers the public domain and the origin name', () => {
    regional.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: 'origin.chat.example.com.',
      Type: 'A',
      AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
    });
    regional.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'chat.example.com',
      SubjectAlternativeNames: ['origin.chat.example.com'],
      ValidationMethod: 'DNS',
    });
  });

  test('access logs go into a log group encrypted with the stack\'s key, through vended delivery; no log bucket and no legacy attribute', () => {
    const [[albId, alb]] = Object.entries<any>(regional.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
    expect(alb.Properties.LoadBalancerAttributes.map((a: { Key: string }) => a.Key)).not.toContain('access_logs.s3.enabled');
    const [[sourceId, source]] = Object.entries<any>(regional.findResources('AWS::Logs::DeliverySource'));
    expect(source.Properties).toEqual(expect.objectContaining({ LogType: 'ALB_ACCESS_LOGS', ResourceArn: { Ref: albId } }));
    const [[groupId, group]] = Object.entries<any>(regional.findResources('AWS::Logs::LogGroup')).filter(([id]) => /^ChatbotLoadBalancerAccessLogs/.test(id));
    expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ChatbotEncryptionKey/), 'Arn'] });
    regional.hasResourceProperties('AWS::Logs::DeliveryDestination', { DestinationResourceArn: { 'Fn::GetAtt': [groupId, 'Arn'] }, OutputFormat: 'json' });
    const [delivery] = Object.values<any>(regional.findResources('AWS::Logs::Delivery'));
    expect(delivery.DependsOn).toEqual(expect.arrayContaining([sourceId]));
    regional.resourceCountIs('AWS::S3::Bucket', 0);
  });
});

describe('ChatbotLoadBalancer alone, with a user\'s own Fargate service and login', () => {
  const stack = new Stack(new App(), 'Own', { env: { region: 'eu-west-1', account: '123456789012' } });
  const { vpc, service } = ownFargateService(stack);
  const originSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'OriginSecret', 'my/origin-verify');
  const lb = new ChatbotLoadBalancer(stack, 'Lb', {
    vpc,
    targets: [service],
    targetConnections: service,
    containerPort: 3000,
    healthCheckPath: '/healthz',
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'),
    auth: stubAuth(stack),
    originVerifyHeaderValue: originSecret.secretValueFromJson('value'),
  });
  const t = Template.fromStack(stack);

  test('forwards to the user\'s service on its port and checks its health path', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 3000, TargetType: 'ip', HealthCheckPath: '/healthz',
    });
    t.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: [{ ContainerName: 'Web', ContainerPort: 3000, TargetGroupArn: { Ref: Match.stringLikeRegexp('LbTargetGroup') } }],
    });
  });

  test('the service\'s own security group admits the load balancer on the container port', () => {
    const serviceGroup = securityGroupId(t, /OwnServiceSecurityGroup/);
    expect(ingressRules(t, serviceGroup)).toEqual([expect.objectContaining({
      FromPort: 3000, ToPort: 3000, SourceSecurityGroupId: { 'Fn::GetAtt': [securityGroupId(t, /^LbSecurityGroup/), 'GroupId'] },
    })]);
  });

  test('the login\'s actions are used as given, behind the origin-verify check against the user\'s secret', () => {
    const [appRule] = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::ListenerRule', { Properties: { Priority: 20 } }));
    expect(appRule.Properties.Conditions).toHaveLength(1);
    expect(appRule.Properties.Conditions[0].HttpHeaderConfig.HttpHeaderName).toBe('X-Origin-Verify');
    expect(JSON.stringify(appRule.Properties.Conditions[0])).toMatch(/\{\{resolve:secretsmanager:.*my\/origin-verify.*:SecretString:value::\}\}/);
    expect(appRule.Properties.Actions).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: expect.stringMatching(/^LbTargetGroup/) } }]);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 10, Actions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Host: 'login.example.com', Path: '/logout' }) })],
    });
    expect(lb.originVerifyRules).toHaveLength(2);
    expect(lb.applicationLoadBalancer.loadBalancerArn).toBeDefined();
  });

  test('refuses an origin-verify value written into the template in plain text', () => {
    expect(() => new ChatbotLoadBalancer(stack, 'Plain', {
      vpc,
      targets: [service],
      targetConnections: service,
      containerPort: 3000,
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert2', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'),
      auth: stubAuth(new Stack()),
      originVerifyHeaderValue: SecretValue.unsafePlainText('letmein'),
    })).toThrow(/ChatbotLoadBalancer: `originVerifyHeaderValue`: is not a reference to a secret/);
  });
});

describe('ChatbotLoadBalancer internal, behind a CloudFront VPC origin', () => {
  const stack = new Stack(new App(), 'Internal', { env: { region: 'eu-west-1', account: '123456789012' } });
  // A user's VPC: public subnets (NAT gateway), private subnets with egress, isolated ones for the tasks.
  const vpc = new ec2.Vpc(stack, 'OwnVpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Egress', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'OwnTask');
  taskDefinition.addContainer('Web', { image: ecs.ContainerImage.fromRegistry('example/web:1'), portMappings: [{ containerPort: 3000 }] });
  const service = new ecs.FargateService(stack, 'OwnService', {
    cluster: new ecs.Cluster(stack, 'OwnCluster', { vpc }), taskDefinition, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  const egressSubnets = vpc.selectSubnets({ subnetGroupName: 'Egress' }).subnets;
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc');
  const lb = new ChatbotLoadBalancer(stack, 'Lb', {
    vpc,
    targets: [service],
    targetConnections: service,
    containerPort: 3000,
    certificate,
    auth: stubAuth(stack),
    internal: true,
    subnets: { subnets: egressSubnets },
  });
  const t = Template.fromStack(stack);

  test('is internal, in the given subnets, and is created after the internet gateway is attached', () => {
    const [[, alb]] = Object.entries<any>(t.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
    expect(alb.Properties.Scheme).toBe('internal');
    expect(alb.Properties.Subnets).toEqual([{ Ref: expect.stringMatching(/^OwnVpcEgressSubnet1/) }, { Ref: expect.stringMatching(/^OwnVpcEgressSubnet2/) }]);
    expect(alb.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^OwnVpcVPCGW/)]));
  });

  test('no origin-verify rule: the default action is the login and the forward, the logout path has its own rule', () => {
    expect(lb.originVerifyRules).toEqual([]);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^LbTargetGroup') } }],
    });
    const rules = Object.values<any>(t.findResources('AWS::ElasticLoadBalancingV2::ListenerRule'));
    expect(rules).toHaveLength(1);
    expect(rules[0].Properties.Conditions).toEqual([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/signout/cognito'] } }]);
    expect(JSON.stringify(t.toJSON())).not.toContain('X-Origin-Verify');
  });

  test('admits only the CloudFront origin-facing prefix list on 443', () => {
    expect(ingressRules(t, securityGroupId(t, /^LbSecurityGroup/))).toEqual([expect.objectContaining({ SourcePrefixListId: 'pl-4fa04526', FromPort: 443, ToPort: 443 })]);
  });

  test('refuses an origin-verify value, and an internet-facing load balancer without one', () => {
    const props = { vpc, targets: [service], targetConnections: service, containerPort: 3000, certificate, auth: stubAuth(new Stack()) };
    expect(() => new ChatbotLoadBalancer(stack, 'WithSecret', {
      ...props, internal: true, subnets: { subnets: egressSubnets }, originVerifyHeaderValue: SecretValue.secretsManager('x', { jsonField: 'value' }),
    })).toThrow(/`originVerifyHeaderValue`: is unused with `internal: true`/);
    expect(() => new ChatbotLoadBalancer(stack, 'NoSecret', props)).toThrow(/`originVerifyHeaderValue`: is missing: an internet-facing load balancer/);
  });

  test('refuses a VPC whose private subnets have no route out, where the login could not reach Cognito', () => {
    const isolated = ownFargateService(new Stack(new App(), 'Isolated', { env: { region: 'eu-west-1', account: '123456789012' } }));
    expect(() => new ChatbotLoadBalancer(isolated.vpc.stack, 'NoEgress', {
      vpc: isolated.vpc,
      targets: [isolated.service],
      targetConnections: isolated.service,
      containerPort: 3000,
      certificate: acm.Certificate.fromCertificateArn(isolated.vpc.stack, 'C', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'),
      auth: stubAuth(new Stack()),
      internal: true,
    })).toThrow(/`vpc`: has no private subnets with a route out \(PRIVATE_WITH_EGRESS\)/);
  });

  test('in a VPC with private subnets that route out, defaults to them', () => {
    const s2 = new Stack(new App(), 'Default', { env: { region: 'eu-west-1', account: '123456789012' } });
    const v2 = new ec2.Vpc(s2, 'V', { maxAzs: 2, natGateways: 1 });
    const svc = new ChatbotService(s2, 'Svc', { vpc: v2, image: ecs.ContainerImage.fromRegistry('example/web:1') }).fargateService;
    new ChatbotLoadBalancer(s2, 'Lb', {
      vpc: v2,
      targets: [svc],
      targetConnections: svc,
      containerPort: 8501,
      internal: true,
      auth: stubAuth(s2),
      certificate: acm.Certificate.fromCertificateArn(s2, 'C', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'),
    });
    Template.fromStack(s2).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal', Subnets: [{ Ref: Match.stringLikeRegexp('^VPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VPrivateSubnet2') }],
    });
  });
});

describe('deployment settings that act on the service', () => {
  test.each(['strategy', 'rollbackAlarms', 'rollbackOnChatbotAlarms'])('ChatbotLoadBalancer refuses deployment.%s instead of ignoring it', (setting) => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const service = new ChatbotService(stack, 'Svc', { vpc, image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim') });
    const value = setting === 'strategy' ? ChatbotDeploymentStrategy.rolling() : setting === 'rollbackAlarms' ? [] : true;
    expect(() => new ChatbotLoadBalancer(stack, 'Lb', {
      vpc,
      targets: [service.fargateService],
      targetConnections: service.fargateService,
      containerPort: 8501,
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'),
      auth: stubAuth(stack),
      deployment: { [setting]: value },
    })).toThrow(new RegExp(`\`deployment\\.${setting}\`: acts on the ECS service, not on the load balancer\\. Pass it in the deployment settings of ChatbotService`));
  });
});
