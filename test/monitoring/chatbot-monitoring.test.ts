import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ChatbotMonitoring, ChatbotMonitoringProps } from '../../src';
import { exampleTemplate } from '../support/example-assemblies';

const regional = exampleTemplate('storage', 'us-west-2');

/** A load balancer, target group and service of the user's, imported by ARN into `stack` (eu-west-1). */
function importedParts(stack: Stack) {
  const albArn = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188';
  return {
    loadBalancer: elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, 'Alb', { loadBalancerArn: albArn, securityGroupId: 'sg-0123456789abcdef0' }),
    targetGroup: elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'Tg', {
      targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/my-tg/73e2d6bc24d8a067',
      loadBalancerArns: albArn,
    }),
    service: ecs.FargateService.fromServiceArnWithCluster(stack, 'Svc', 'arn:aws:ecs:eu-west-1:123456789012:service/my-cluster/my-service'),
  };
}

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
  test('alarms on the 5xx rate, unhealthy hosts, running tasks and rotation errors notify an encrypted, TLS-only topic', () => {
    regional.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    const alarms = Object.values(regional.findResources('AWS::CloudWatch::Alarm'));
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/AlarmTopic/) }]);
    }
    expect(alarms.map((a) => a.Properties.ComparisonOperator).sort()).toEqual(['GreaterThanOrEqualToThreshold', 'GreaterThanOrEqualToThreshold',
      'GreaterThanThreshold', 'LessThanThreshold']);
    regional.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: '100 * errors / MAX([requests, 1])' })]),
      Threshold: 5,
    });
    regional.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HealthyHostCount',
      Namespace: 'AWS/ApplicationELB',
      Statistic: 'Minimum',
      Threshold: 2,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    // Every alarm reads a metric that exists without Container Insights.
    expect(JSON.stringify(alarms)).not.toContain('ECS/ContainerInsights');
    regional.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    regional.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('the topic shares the chatbot\'s key, whose policy lets this account\'s alarms use it: no key of its own', () => {
    const topic = Object.values(regional.findResources('AWS::SNS::Topic'))[0];
    const keyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
    expect(keyId).toMatch(/^ChatbotEncryptionKey/);
    // The storage example has one more key, for the bucket and table.
    expect(Object.keys(regional.findResources('AWS::KMS::Key')).filter((id) => !id.startsWith('ChatbotStorage'))).toEqual([keyId]);
    const statements = regional.toJSON().Resources[keyId].Properties.KeyPolicy.Statement;
    expect(statements).toContainEqual(expect.objectContaining({
      Sid: 'AllowCloudWatchAlarms',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': expect.anything() } }),
    }));
  });

  test('no dashboard unless asked for: examples/basic has the alarms only', () => {
    const basic = exampleTemplate('basic', 'eu-west-1');
    basic.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    basic.resourceCountIs('AWS::CloudWatch::Alarm', 4);
  });

  test('dashboard graphs the load balancer, the tasks and the WAF (from us-east-1)', () => {
    const body = JSON.stringify(Object.values(regional.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    for (const metric of ['RequestCount', 'HTTPCode_Target_5XX_Count', 'TargetResponseTime', 'HealthyHostCount', 'CPUUtilization', 'MemoryUtilization', 'AllowedRequests', 'BlockedRequests']) {
      expect(body).toContain(metric);
    }
    expect(body).toContain('us-east-1');
  });
});

describe('ChatbotMonitoring alone, on an imported load balancer, target group and service', () => {
  const stack = new Stack(new App(), 'Own', { env: { region: 'eu-west-1', account: '123456789012' } });
  new ChatbotMonitoring(stack, 'Monitoring', {
    ...importedParts(stack),
    minRunningTasks: 3,
    alarmTopic: sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:eu-west-1:123456789012:ops'),
    dashboard: true,
  });
  const own = Template.fromStack(stack);

  test('alarms read the imported resources\' metrics and notify the user\'s topic', () => {
    own.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    own.resourceCountIs('AWS::SNS::Topic', 0);
    own.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HealthyHostCount',
      Dimensions: [{ Name: 'LoadBalancer', Value: 'app/my-alb/50dc6c495c0c9188' }, { Name: 'TargetGroup', Value: 'targetgroup/my-tg/73e2d6bc24d8a067' }],
      Threshold: 3,
      AlarmActions: ['arn:aws:sns:eu-west-1:123456789012:ops'],
    });
    own.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'UnHealthyHostCount',
      Dimensions: [{ Name: 'LoadBalancer', Value: 'app/my-alb/50dc6c495c0c9188' }, { Name: 'TargetGroup', Value: 'targetgroup/my-tg/73e2d6bc24d8a067' }],
    });
  });

  test('the dashboard graphs the imported service\'s CPU and memory', () => {
    const body = JSON.stringify(Object.values(own.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    expect(body).toMatch(/AWS\/ECS.*CPUUtilization.*ClusterName.*my-cluster.*ServiceName.*my-service/);
    expect(body).toContain('MemoryUtilization');
    expect(body).not.toContain('AWS/WAFV2');
  });
});

describe('ChatbotMonitoring refuses a topic key it cannot use', () => {
  const monitoring = (extra: (stack: Stack) => Partial<ChatbotMonitoringProps>) => () => {
    const stack = new Stack(new App(), 'Own', { env: { region: 'eu-west-1', account: '123456789012' } });
    new ChatbotMonitoring(stack, 'Monitoring', {
      ...importedParts(stack),
      minRunningTasks: 2,
      ...extra(stack),
    });
  };
  const importedKey = (stack: Stack) => kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');

  test('an imported key, whose policy it cannot extend for CloudWatch', () => {
    expect(monitoring((s) => ({ topicEncryptionKey: importedKey(s) }))).toThrow(/topicEncryptionKey.*imported key.*Pass a kms.Key defined in this app/s);
  });

  test('a key next to the user\'s own topic', () => {
    expect(monitoring((s) => ({ topicEncryptionKey: new kms.Key(s, 'K'), alarmTopic: sns.Topic.fromTopicArn(s, 'T', 'arn:aws:sns:eu-west-1:123456789012:ops') })))
      .toThrow(/topicEncryptionKey.*`alarmTopic` was given/s);
  });

  test('a removal policy for a key it does not create', () => {
    expect(monitoring((s) => ({ topicEncryptionKey: new kms.Key(s, 'K'), removalPolicy: RemovalPolicy.DESTROY })))
      .toThrow(/removalPolicy.*`topicEncryptionKey` was given/s);
  });

  test('a key of the app is accepted and no second key is created', () => {
    const stack = new Stack(new App(), 'Ok', { env: { region: 'eu-west-1', account: '123456789012' } });
    const key = new kms.Key(stack, 'AppKey');
    new ChatbotMonitoring(stack, 'Monitoring', {
      ...importedParts(stack),
      minRunningTasks: 2,
      topicEncryptionKey: key,
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] } });
  });
});
