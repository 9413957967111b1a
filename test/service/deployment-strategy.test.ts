import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ChatbotBackend, ChatbotDeploymentStrategy, ChatbotIngress, ChatbotService, SecureContainerChatbot } from '../../src';
import { Resources, trafficShiftProblems } from '../support/deploy-lifecycle';
import { exampleTemplate } from '../support/example-assemblies';
import { backendContext } from '../support/own-parts';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');
const untyped = (value: object) => value as any;
const serviceOf = (t: Template, pattern: RegExp) => Object.entries(t.findResources('AWS::ECS::Service')).find(([id]) => pattern.test(id))![1];

describe('examples/two-tier: the backend rolls out as a canary, watched by its own 5xx alarm', () => {
  const t = exampleTemplate('two-tier', 'eu-central-1', 'ChatbotTwoTier');
  const backend = serviceOf(t, /Backend/);

  test('a tenth of the calls for ten minutes, then the rest, and ten minutes before the old tasks stop', () => {
    expect(backend.Properties.DeploymentConfiguration).toEqual(expect.objectContaining({
      Strategy: 'CANARY',
      CanaryConfiguration: { CanaryPercent: 10, CanaryBakeTimeInMinutes: 10 },
      BakeTimeInMinutes: 10,
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
    }));
  });

  test('its rollback alarm is the 5xx rate over both target groups, on the alarm topic', () => {
    const alarms = t.findResources('AWS::CloudWatch::Alarm');
    const [id] = Object.keys(alarms).filter((logicalId) => /BackendServerErrorRate/.test(logicalId));
    expect(backend.Properties.DeploymentConfiguration.Alarms).toEqual({ AlarmNames: [{ Ref: id }], Enable: true, Rollback: true });
    const metrics = alarms[id].Properties.Metrics;
    const targetGroups = new Set(metrics.flatMap((m: any) => m.MetricStat?.Metric.Dimensions ?? [])
      .filter((d: any) => d.Name === 'TargetGroup').map((d: any) => JSON.stringify(d.Value)));
    expect(targetGroups.size).toBe(2);
    expect(alarms[id].Properties.AlarmActions).toHaveLength(1);
    expect(alarms[id].Properties.TreatMissingData).toBe('notBreaching');
  });

  test('the front service stays rolling', () => {
    expect(serviceOf(t, /^ChatbotService/).Properties.DeploymentConfiguration.Strategy).toBeUndefined();
  });

  test('the invariant holds, and finds a production rule that no longer forwards to the alternate group', () => {
    const resources = t.toJSON().Resources as Resources;
    expect(trafficShiftProblems(resources)).toEqual([]);
    const [ruleId] = Object.keys(t.findResources('AWS::ElasticLoadBalancingV2::ListenerRule')).filter((id) => /BackendProductionRule/.test(id));
    const broken = JSON.parse(JSON.stringify(resources));
    broken[ruleId].Properties.Actions[0].ForwardConfig.TargetGroups.pop();
    expect(trafficShiftProblems(broken)).toEqual([expect.stringMatching(/production rule .* does not forward/)]);
  });
});

describe('ChatbotBackend alone with each traffic-shifting strategy', () => {
  test.each([
    ['blue/green', ChatbotDeploymentStrategy.blueGreen({ bakeTime: Duration.minutes(20) }), { Strategy: 'BLUE_GREEN', BakeTimeInMinutes: 20 }],
    ['linear', ChatbotDeploymentStrategy.linear(), { Strategy: 'LINEAR', LinearConfiguration: { StepPercent: 25, StepBakeTimeInMinutes: 5 }, BakeTimeInMinutes: 10 }],
    ['canary', ChatbotDeploymentStrategy.canary({ canaryPercent: 5.5 }),
      { Strategy: 'CANARY', CanaryConfiguration: { CanaryPercent: 5.5, CanaryBakeTimeInMinutes: 10 }, BakeTimeInMinutes: 10 }],
  ])('%s: two target groups, a weighted production rule, a scoped role', (_what, strategy, expected) => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1', account: '123456789012' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    new ChatbotBackend(stack, 'Backend', { ...backendContext(stack, vpc), image: IMAGE, port: 8080, deployment: { strategy } });
    const t = Template.fromStack(stack);
    const service = serviceOf(t, /Service/);
    expect(service.Properties.DeploymentConfiguration).toEqual(expect.objectContaining(expected));
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', { Priority: 1, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }] });
    t.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ecs.amazonaws.com' } })] } });
    expect(trafficShiftProblems(t.toJSON().Resources)).toEqual([]);
  });

  test('rolling (the default) keeps one target group and no rule', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1', account: '123456789012' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const backend = new ChatbotBackend(stack, 'Backend', { ...backendContext(stack, vpc), image: IMAGE, port: 8080 });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    expect(backend.alternateTargetGroup).toBeUndefined();
    expect(backend.productionRule).toBeUndefined();
  });
});

describe('ChatbotService alone', () => {
  const build = (strategy: ChatbotDeploymentStrategy) => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const service = new ChatbotService(stack, 'Service', { vpc, image: IMAGE, deployment: { strategy } });
    const lb = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc });
    const listener = lb.addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
    const groups = ['Blue', 'Green'].map((id) => new elbv2.ApplicationTargetGroup(stack, id, { vpc, port: 8501, protocol: elbv2.ApplicationProtocol.HTTP, targetType: elbv2.TargetType.IP }));
    const rule = new elbv2.ApplicationListenerRule(stack, 'Rule', {
      listener,
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
      action: elbv2.ListenerAction.weightedForward([{ targetGroup: groups[0], weight: 100 }, { targetGroup: groups[1], weight: 0 }]),
    });
    return { app, stack, service, groups, rule };
  };

  test('a traffic-shifting strategy without an alternate target group fails at synth, naming the strategy and the call', () => {
    const { app } = build(ChatbotDeploymentStrategy.linear());
    expect(() => app.synth()).toThrow(/`deployment\.strategy`: is LINEAR, which shifts traffic between two target groups, but the service was attached to none with an alternate\. Call attachWithAlternateTarget/);
  });

  test('attached with attachWithAlternateTarget, it synthesizes and the invariant holds', () => {
    const { app, stack, service, groups, rule } = build(ChatbotDeploymentStrategy.blueGreen());
    service.attachWithAlternateTarget(groups[0], groups[1], rule);
    app.synth();
    expect(trafficShiftProblems(Template.fromStack(stack).toJSON().Resources)).toEqual([]);
  });

  test('the rolling strategy refuses an alternate target group', () => {
    const { service, groups, rule } = build(ChatbotDeploymentStrategy.rolling());
    expect(() => service.attachWithAlternateTarget(groups[0], groups[1], rule)).toThrow(/`deployment\.strategy`: is rolling, which serves from one target group.*Set a traffic-shifting strategy/);
  });
});

describe('options ECS would refuse, refused at synth under deployment.strategy', () => {
  const refusal = (strategy: ChatbotDeploymentStrategy) => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    try {
      new ChatbotService(stack, 'Service', { vpc, image: IMAGE, deployment: { strategy } });
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  };
  test.each([
    ['a linear step under 3%', ChatbotDeploymentStrategy.linear({ stepPercent: 2 }), /`deployment\.strategy\.stepPercent`: must be from 3 to 100 in steps of 0\.1 \(got 2\)/],
    ['a canary share in hundredths', ChatbotDeploymentStrategy.canary({ canaryPercent: 0.25 }), /`deployment\.strategy\.canaryPercent`: must be from 0\.1 to 100 in steps of 0\.1/],
    ['a canary share over 100%', ChatbotDeploymentStrategy.canary({ canaryPercent: 150 }), /`deployment\.strategy\.canaryPercent`: must be from 0\.1 to 100/],
    ['a bake time in seconds', ChatbotDeploymentStrategy.blueGreen({ bakeTime: Duration.seconds(90) }), /`deployment\.strategy\.bakeTime`: must be whole minutes from 0 to 1440 \(got 90 s\)/],
    ['a step bake time over a day', ChatbotDeploymentStrategy.linear({ stepBakeTime: Duration.days(2) }), /`deployment\.strategy\.stepBakeTime`: must be whole minutes from 0 to 1440/],
    ['a linear option on a canary, from JavaScript', ChatbotDeploymentStrategy.canary(untyped({ stepPercent: 20 })),
      /`deployment\.strategy\.stepPercent`: is not taken here; it is an option of ChatbotDeploymentStrategy\.linear\(\)/],
    ['a misspelt option, from JavaScript', ChatbotDeploymentStrategy.blueGreen(untyped({ bakeTme: Duration.minutes(5) })), /did you mean `deployment\.strategy\.bakeTime`/],
  ])('%s', (_what, strategy, message) => {
    expect(refusal(strategy)).toMatch(message);
  });
});

describe('the chatbot\'s front service keeps rolling', () => {
  test.each([
    ['CloudFront, whose rules authenticate', ChatbotIngress.cloudFront(), /authenticate \(Cognito or OIDC\) before they forward/],
    ['the HTTP API', ChatbotIngress.httpApi(), /the HTTP API's Network Load Balancer is not wired for/],
  ])('a traffic-shifting strategy is refused with %s, with the way that works', (_what, ingress, why) => {
    const build = () => {
      const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
      return new SecureContainerChatbot(stack, 'Chat', {
        container: { image: IMAGE },
        domainName: 'chat.example.com',
        hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Z', { hostedZoneId: 'Z1', zoneName: 'example.com' }),
        ingress,
        deployment: { strategy: ChatbotDeploymentStrategy.canary() },
      });
    };
    expect(build).toThrow(why);
    expect(build).toThrow(/`deployment\.strategy`: is CANARY.*Keep the front service rolling.*`backend\.deployment\.strategy`/);
  });
});
