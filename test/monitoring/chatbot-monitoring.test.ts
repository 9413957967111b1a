import { Match } from 'aws-cdk-lib/assertions';
import { exampleTemplate } from '../support/example-assemblies';

const regional = exampleTemplate('storage', 'us-west-2');

describe('autoscaling (examples/storage)', () => {
  test('between 2 and 6 tasks, tracking CPU and memory, scaling in slowly', () => {
    regional.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 6, ScalableDimension: 'ecs:service:DesiredCount' });
    for (const [metric, target] of [['ECSServiceAverageCPUUtilization', 60], ['ECSServiceAverageMemoryUtilization', 70]] as const) {
      regional.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          PredefinedMetricSpecification: { PredefinedMetricType: metric },
          TargetValue: target,
          ScaleInCooldown: 300,
          ScaleOutCooldown: 60,
        },
      });
    }
  });
});

describe('monitoring', () => {
  test('alarms on the 5xx rate, unhealthy hosts and running tasks notify an encrypted, TLS-only topic', () => {
    regional.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    const alarms = Object.values(regional.findResources('AWS::CloudWatch::Alarm'));
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/AlarmTopic/) }]);
    }
    expect(alarms.map((a) => a.Properties.ComparisonOperator).sort()).toEqual(['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold']);
    regional.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: '100 * errors / MAX([requests, 1])' })]),
      Threshold: 5,
    });
    regional.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RunningTaskCount', Namespace: 'ECS/ContainerInsights', Threshold: 2, TreatMissingData: 'breaching' });
    regional.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    regional.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('dashboard graphs the load balancer, the tasks and the WAF (from us-east-1)', () => {
    const body = JSON.stringify(Object.values(regional.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    for (const metric of ['RequestCount', 'HTTPCode_Target_5XX_Count', 'TargetResponseTime', 'HealthyHostCount', 'CPUUtilization', 'MemoryUtilization', 'AllowedRequests', 'BlockedRequests']) {
      expect(body).toContain(metric);
    }
    expect(body).toContain('us-east-1');
  });
});
