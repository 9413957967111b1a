import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ChatbotIngress, ChatbotService, SecureContainerChatbot } from '../../src';
import { exampleTemplate } from '../support/example-assemblies';

describe('deployment timings', () => {
  test('defaults chosen for Streamlit (examples/basic)', () => {
    const t = exampleTemplate('basic', 'eu-west-1');
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 2, UnhealthyThresholdCount: 3,
    });
    t.hasResourceProperties('AWS::ECS::Service', {
      HealthCheckGracePeriodSeconds: 60,
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 100, MaximumPercent: 200 }),
    });
    t.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: [Match.objectLike({ StopTimeout: 30 })] });
  });

  describe('overridden, with ARM64 tasks and the interface endpoints in one AZ', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1' } });
    new SecureContainerChatbot(stack, 'Chat', {
      container: { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim'), cpuArchitecture: ecs.CpuArchitecture.ARM64 },
      domainName: 'chat.example.com',
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Z', { hostedZoneId: 'Z1', zoneName: 'example.com' }),
      interfaceEndpointsInOneAz: true,
      deployment: {
        healthCheckInterval: Duration.seconds(15),
        healthCheckTimeout: Duration.seconds(6),
        healthyThresholdCount: 3,
        unhealthyThresholdCount: 2,
        deregistrationDelay: Duration.seconds(10),
        healthCheckGracePeriod: Duration.seconds(30),
        stopTimeout: Duration.seconds(20),
        minHealthyPercent: 50,
        maxHealthyPercent: 150,
      },
    });
    const t = Template.fromStack(stack);

    test('every setting reaches the template', () => {
      t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        HealthCheckIntervalSeconds: 15,
        HealthCheckTimeoutSeconds: 6,
        HealthyThresholdCount: 3,
        UnhealthyThresholdCount: 2,
        TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '10' }]),
      });
      t.hasResourceProperties('AWS::ECS::Service', {
        HealthCheckGracePeriodSeconds: 30,
        DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 50, MaximumPercent: 150 }),
      });
      t.hasResourceProperties('AWS::ECS::TaskDefinition', {
        RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
        ContainerDefinitions: [Match.objectLike({ StopTimeout: 20 })],
      });
    });

    test('interface endpoints sit in one subnet, the S3 gateway still serves both route tables', () => {
      const interfaces = Object.values(t.findResources('AWS::EC2::VPCEndpoint')).filter((e) => e.Properties.VpcEndpointType === 'Interface');
      expect(interfaces.length).toBe(4);
      for (const e of interfaces) {
        expect(e.Properties.SubnetIds).toEqual([{ Ref: expect.stringMatching(/PrivateSubnet1/) }]);
      }
      const gateway = Object.values(t.findResources('AWS::EC2::VPCEndpoint')).find((e) => e.Properties.VpcEndpointType === 'Gateway');
      expect(gateway?.Properties.RouteTableIds).toHaveLength(2);
    });
  });
});

describe('rolling back on alarms', () => {
  const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');
  const deploymentOf = (t: Template) => Object.values(t.findResources('AWS::ECS::Service'))[0].Properties.DeploymentConfiguration;
  const logicalIdOf = (t: Template, pattern: RegExp) => Object.keys(t.findResources('AWS::CloudWatch::Alarm')).filter((id) => pattern.test(id));

  test('examples/basic stays rolling, rolled back by the circuit breaker alone', () => {
    const deployment = deploymentOf(exampleTemplate('basic', 'eu-west-1'));
    expect(deployment.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    // aws-cdk-lib writes deployment alarms off where the Region has them.
    expect(deployment.Alarms).toEqual({ AlarmNames: [], Enable: false, Rollback: false });
    expect(deployment.Strategy).toBeUndefined();
  });

  test('examples/storage rolls back on its 5xx-rate and unhealthy-task alarms, not on the healthy-task one', () => {
    const t = exampleTemplate('storage', 'us-west-2');
    const deployment = deploymentOf(t);
    expect(deployment.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    const [serverErrors] = logicalIdOf(t, /MonitoringServerErrorRate/);
    const [unhealthy] = logicalIdOf(t, /MonitoringUnhealthyHosts/);
    expect(deployment.Alarms).toEqual({ AlarmNames: [{ Ref: serverErrors }, { Ref: unhealthy }], Enable: true, Rollback: true });
    // Missing data counts as fine for both, so a new stack's first deployment is not rolled back.
    for (const id of [serverErrors, unhealthy]) {
      expect(t.toJSON().Resources[id].Properties.TreatMissingData).toBe('notBreaching');
    }
  });

  test('ChatbotService alone takes alarms of its own, in its Region', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const alarm = cloudwatch.Alarm.fromAlarmArn(stack, 'Mine', 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:release-errors');
    new ChatbotService(stack, 'Service', { vpc, image: IMAGE, deployment: { rollbackAlarms: [alarm] } });
    expect(deploymentOf(Template.fromStack(stack)).Alarms).toEqual({ AlarmNames: ['release-errors'], Enable: true, Rollback: true });
  });

  test.each([
    ['an empty list', () => ({ rollbackAlarms: [] }), /`deployment\.rollbackAlarms`: is an empty list\. Leave it out/],
    ['an alarm of another Region', (stack: Stack) => ({ rollbackAlarms: [cloudwatch.Alarm.fromAlarmArn(stack, 'Far', 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:far')] }),
      /`deployment\.rollbackAlarms`: holds an alarm in us-east-1, but the service runs in eu-west-1.*Create the alarm in the service's Region/],
    ['the chatbot\'s alarms on a service alone', () => ({ rollbackOnChatbotAlarms: true }),
      /`deployment\.rollbackOnChatbotAlarms`: is set outside SecureContainerChatbot, where there are no chatbot alarms\. Pass your alarms in `deployment\.rollbackAlarms`/],
  ])('ChatbotService refuses %s', (_what, deployment, message) => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    expect(() => new ChatbotService(stack, 'Service', { vpc, image: IMAGE, deployment: deployment(stack) })).toThrow(message);
  });

  test.each([
    ['the HTTP API ingress', { ingress: ChatbotIngress.httpApi() }],
    ['monitoring turned off', { ingress: ChatbotIngress.cloudFront({ monitoring: false }) }],
  ])('the chatbot refuses rollbackOnChatbotAlarms with %s, which has no alarms', (_what, props) => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    expect(() => new SecureContainerChatbot(stack, 'Chat', {
      container: { image: IMAGE },
      domainName: 'chat.example.com',
      hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Z', { hostedZoneId: 'Z1', zoneName: 'example.com' }),
      deployment: { rollbackOnChatbotAlarms: true },
      ...props,
    })).toThrow(/SecureContainerChatbot: `deployment\.rollbackOnChatbotAlarms`: is true, but this chatbot has no alarms.*Turn monitoring on/);
  });
});
