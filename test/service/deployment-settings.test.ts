import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { SecureContainerChatbot } from '../../src';
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
