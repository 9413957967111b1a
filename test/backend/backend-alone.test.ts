import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ChatbotBackend } from '../../src';
import { backendContext } from '../support/own-parts';

// ChatbotBackend built alone, with the user's own VPC, cluster, client security group,
// certificate and KMS key: the parts the L3 would pass, all from the user.
const IMAGE = ecs.ContainerImage.fromRegistry('example/api:1');
const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';

function build(withBucket: boolean): { stack: Stack; backend: ChatbotBackend; key: kms.Key; client: ec2.ISecurityGroup } {
  const stack = new Stack(new App(), 'Alone', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const key = new kms.Key(stack, 'OwnKey', { enableKeyRotation: true });
  const { accessLogsBucket, ...context } = backendContext(stack, vpc);
  const backend = new ChatbotBackend(stack, 'Backend', {
    ...context,
    ...(withBucket ? { accessLogsBucket } : {}),
    image: IMAGE,
    port: 8080,
    logsEncryptionKey: key,
  });
  return { stack, backend, key, client: context.clientSecurityGroup };
}

describe('ChatbotBackend alone, with its access logs delivered to a log group', () => {
  const { stack, backend, key, client } = build(false);
  const template = Template.fromStack(stack);
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as any);

  test('one internal load balancer, HTTPS only with the user\'s certificate and a TLS 1.3 policy, forwarding to the tasks', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
      Certificates: [{ CertificateArn: CERTIFICATE }],
      DefaultActions: [Match.objectLike({ Type: 'forward', TargetGroupArn: { Ref: id(backend.targetGroup) } })],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080, Protocol: 'HTTP', TargetType: 'ip', HealthCheckPath: '/health',
    });
  });

  test('only the user\'s client security group reaches the load balancer, on 443', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [id(backend.securityGroup), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(client.node.defaultChild as any), 'GroupId'] },
      FromPort: 443,
      ToPort: 443,
    });
  });

  test('the access logs go through a vended delivery into a log group encrypted with the user\'s key', () => {
    expect(backend.accessLogGroup).toBeDefined();
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.absent(),
      KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Logs::DeliverySource', { LogType: 'ALB_ACCESS_LOGS', ResourceArn: { Ref: id(backend.applicationLoadBalancer) } });
    template.resourceCountIs('AWS::Logs::Delivery', 1);
    template.resourceCountIs('AWS::KMS::Key', 1);
  });
});

test('ChatbotBackend alone with the user\'s bucket writes the legacy access logs there and creates no log delivery', () => {
  const { stack } = build(true);
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
    LoadBalancerAttributes: Match.arrayWith([
      { Key: 'access_logs.s3.enabled', Value: 'true' },
      { Key: 'access_logs.s3.bucket', Value: 'logs' },
      { Key: 'access_logs.s3.prefix', Value: 'internal-alb' },
    ]),
  });
  template.resourceCountIs('AWS::Logs::Delivery', 0);
});

test('ChatbotBackend alone: containerPort and config (deprecated) give the template of port and environment', () => {
  const template = (options: object) => {
    const stack = new Stack(new App(), 'Names', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    new ChatbotBackend(stack, 'Backend', { ...backendContext(stack, vpc), image: IMAGE, ...options });
    return Template.fromStack(stack).toJSON();
  };
  const current = template({ port: 8080, environment: { APP_MODE: 'production' } });
  const [task] = Object.values(current.Resources).filter((r: any) => r.Type === 'AWS::ECS::TaskDefinition') as any[];
  expect(task.Properties.ContainerDefinitions[0].PortMappings).toEqual([expect.objectContaining({ ContainerPort: 8080 })]);
  expect(task.Properties.ContainerDefinitions[0].Environment).toEqual(expect.arrayContaining([{ Name: 'APP_MODE', Value: 'production' }]));
  expect(Object.values(current.Resources).filter((r: any) => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup' && r.Properties.Port === 8080))
    .toHaveLength(1);
  expect(template({ containerPort: 8080, config: { APP_MODE: 'production' } })).toEqual(current);
});
