import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Fn, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ChatbotOriginVerify } from '../../src';
import { exampleAssembly, exampleStack } from '../support/example-assemblies';

const HEADER = 'X-Origin-Verify';

describe('the origin-verify secret of examples/basic', () => {
  const regional = exampleStack('basic', 'eu-west-1');
  const edge = exampleStack('basic', 'us-east-1');
  const resources = Object.entries<any>(regional.template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const [secretId, secret] = ofType('AWS::SecretsManager::Secret').find(([, r]) => /origin-verify/.test(r.Properties.Name))!;
  const headerRules = ofType('AWS::ElasticLoadBalancingV2::ListenerRule')
    .filter(([, r]) => r.Properties.Conditions.some((c: any) => c.HttpHeaderConfig?.HttpHeaderName === HEADER));
  const [fnId, fn] = ofType('AWS::Lambda::Function').find(([, r]) => r.Properties.Environment?.Variables?.HEADER_NAME === HEADER)!;

  test('every listener rule checks the header against the secret, and the rotation updates exactly those rules', () => {
    expect(headerRules.length).toBe(2);
    for (const [, rule] of headerRules) {
      const condition = rule.Properties.Conditions.find((c: any) => c.HttpHeaderConfig?.HttpHeaderName === HEADER);
      expect(JSON.stringify(condition.HttpHeaderConfig.Values)).toContain(`{"Ref":"${secretId}"}`);
      expect(JSON.stringify(condition.HttpHeaderConfig.Values)).toContain(':SecretString:value::');
    }
    // RULES is a JSON list joined from the rules' ARNs: resolve the Refs with placeholders to read it.
    const joined = fn.Properties.Environment.Variables.RULES['Fn::Join'];
    expect(joined[0]).toBe('');
    const rules = JSON.parse(joined[1].map((part: any) => (typeof part === 'string' ? part : `<${part.Ref}>`)).join(''));
    // Each rule with its other conditions exactly as the template gives them, in the API's form;
    // never the header condition, whose values are the secret.
    expect(rules).toEqual(headerRules.map(([ruleId, rule]) => ({
      RuleArn: `<${ruleId}>`,
      OtherConditions: rule.Properties.Conditions.filter((c: any) => c.Field !== 'http-header'),
    })));
    expect(rules.find((r: any) => r.OtherConditions.length > 0).OtherConditions)
      .toEqual([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/signout/cognito'] } }]);
    expect(JSON.stringify(fn.Properties.Environment)).not.toContain('resolve:secretsmanager');
    expect(fn.Properties.Environment.Variables).toMatchObject({
      HEADER_NAME: HEADER,
      DOMAIN_NAME: 'chat.example.com',
      DISTRIBUTION_ID_PARAMETER: '/secure-container-chatbot/chat.example.com/distribution-id',
      DISTRIBUTION_ID_PARAMETER_REGION: 'us-east-1',
    });
    expect(Object.keys(fn.Properties.Environment.Variables).sort())
      .toEqual(['DISTRIBUTION_ID_PARAMETER', 'DISTRIBUTION_ID_PARAMETER_REGION', 'DOMAIN_NAME', 'HEADER_NAME', 'RULES']);
  });

  test('the us-east-1 edge stack writes the distribution ID into the Standard SSM parameter the function reads', () => {
    const parameters = Object.values<any>(edge.template.Resources).filter((r) => r.Type === 'AWS::SSM::Parameter');
    expect(parameters.length).toBe(1);
    const distributionId = Object.entries<any>(edge.template.Resources).find(([, r]) => r.Type === 'AWS::CloudFront::Distribution')![0];
    expect(parameters[0].Properties).toEqual({
      Name: '/secure-container-chatbot/chat.example.com/distribution-id',
      Type: 'String',
      Tier: 'Standard',
      Value: { Ref: distributionId },
      Description: 'ID of the CloudFront distribution of chat.example.com, read by the rotation of its origin-verify value',
    });
    // Deleted with the edge stack, so the name is free again for the next deployment.
    expect(parameters[0].DeletionPolicy).toBeUndefined();
  });

  test('a schedule rotates it with that function every 30 days, not during the first deployment', () => {
    const schedules = ofType('AWS::SecretsManager::RotationSchedule').map(([, r]) => r.Properties);
    expect(schedules).toEqual([{
      SecretId: { Ref: secretId },
      RotationLambdaARN: { 'Fn::GetAtt': [fnId, 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotateImmediatelyOnUpdate: false,
    }]);
  });

  test('the function may change only those rules, and the secret only through its own version stages', () => {
    const policy = ofType('AWS::IAM::ManagedPolicy').map(([, r]) => r.Properties)
      .find((p) => p.Roles.some((role: any) => role.Ref === fn.Properties.Role['Fn::GetAtt'][0]))!;
    const statements = policy.PolicyDocument.Statement;
    const bySid = (sid: string) => statements.find((s: any) => s.Sid === sid);
    expect(bySid('AcceptBothValuesOnTheLoadBalancer').Action).toBe('elasticloadbalancing:ModifyRule');
    expect(bySid('AcceptBothValuesOnTheLoadBalancer').Resource.map((r: any) => r.Ref).sort()).toEqual(headerRules.map(([id]) => id).sort());
    expect(bySid('RotateTheSecret').Resource).toEqual({ Ref: secretId });
    expect(bySid('FindTheDistribution')).toEqual({
      Sid: 'FindTheDistribution',
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:us-east-1:', { Ref: 'AWS::AccountId' },
          ':parameter/secure-container-chatbot/chat.example.com/distribution-id']],
      },
    });
    // Every statement, and nothing else: no resource is `*` (no DescribeRules, ListDistributions or
    // GetRandomPassword), and no distribution: the edge stack grants that one (next test).
    expect(statements.map((st: any) => st.Sid)).toEqual(['LogsOfTheRotation', 'RotateTheSecret', 'UseTheSecretKey', 'AcceptBothValuesOnTheLoadBalancer',
      'FindTheDistribution']);
    expect(statements.flatMap((st: any) => [st.Resource].flat())).not.toContain('*');
    // The key policy names the role nowhere: its own policy's kms:Decrypt and kms:GenerateDataKey are all it has.
    const keyPolicies = ofType('AWS::KMS::Key').map(([, r]) => JSON.stringify(r.Properties.KeyPolicy));
    expect(keyPolicies.some((text) => text.includes(fn.Properties.Role['Fn::GetAtt'][0]))).toBe(false);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      for (const action of [statement.Action].flat()) {
        expect(action).not.toContain('*');
      }
    }
  });

  test('a failed rotation raises an alarm on the alarm topic: any error of the function within 5 minutes', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.MetricName === 'Errors');
    expect(alarms.length).toBe(1);
    const [, alarm] = alarms[0];
    expect(alarm.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: expect.stringMatching(/AlarmTopic/) }],
    });
    // Long enough to wait for CloudFront to deploy the new header to every edge.
    expect(fn.Properties.Timeout).toBe(600);
  });

  test('the edge stack lets the role, by its name, read and update that one distribution, before it publishes the ID', () => {
    const role = resources.find(([id]) => id === fn.Properties.Role['Fn::GetAtt'][0])![1];
    expect(role.Properties.RoleName).toMatch(/^ChatbotBasic-ov-rotation-[0-9a-f]{16}$/);
    const edgeResources = Object.entries<any>(edge.template.Resources);
    const distributionId = edgeResources.find(([, r]) => r.Type === 'AWS::CloudFront::Distribution')![0];
    const policies = edgeResources.filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(r).includes('cloudfront:'));
    expect(policies.length).toBe(1);
    const [policyId, policy] = policies[0];
    expect(policy.Properties.Roles).toEqual([role.Properties.RoleName]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{
      Sid: 'SwitchTheOriginHeader',
      Effect: 'Allow',
      Action: ['cloudfront:GetDistribution', 'cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: distributionId }]] },
    }]);
    const [, parameter] = edgeResources.find(([, r]) => r.Type === 'AWS::SSM::Parameter')!;
    expect(parameter.DependsOn).toEqual([policyId]);
  });

  test('CloudFront reads the same secret by name from its us-east-1 replica', () => {
    expect(secret.Properties.ReplicaRegions).toEqual([{ Region: 'us-east-1' }]);
    const text = JSON.stringify(edge.template);
    expect(text).toContain(`{{resolve:secretsmanager:${secret.Properties.Name}:SecretString:value::}}`);
  });

  test('the function\'s code asset is the JavaScript handler, so the function can run as deployed', () => {
    const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
    const assetDir = path.join(exampleAssembly('basic').outdir, `asset.${hash}`);
    expect(fs.readdirSync(assetDir)).toEqual(['index.js']);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(typeof require(path.join(assetDir, 'index.js')).handler).toBe('function');
    expect(fn.Properties.Handler).toBe('index.handler');
  });
});

describe('ChatbotOriginVerify alone', () => {
  /** The stack's one listener, made on first use. */
  const listenerOf = (stack: Stack): elbv2.ApplicationListener => {
    const existing = stack.node.tryFindChild('Lb') as elbv2.ApplicationLoadBalancer | undefined;
    if (existing) {
      return existing.listeners[0];
    }
    const lb = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc: new ec2.Vpc(stack, 'Vpc') });
    return lb.addListener('L', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(403) });
  };
  const listenerRule = (stack: Stack, id = 'Rule', priority = 1, conditions = [elbv2.ListenerCondition.httpHeader(HEADER, ['x'])]) =>
    new elbv2.ApplicationListenerRule(stack, id, {
      listener: listenerOf(stack), priority, conditions, action: elbv2.ListenerAction.fixedResponse(200),
    });

  test('refuses a rotation interval Secrets Manager does not accept, and a second rotation', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    expect(() => new ChatbotOriginVerify(stack, 'A', { domainName: 'chat.example.com', rotationInterval: Duration.hours(5) }))
      .toThrow(/`rotationInterval`: must be a whole number of days from 1 to 1000/);
    expect(() => new ChatbotOriginVerify(stack, 'B', { domainName: 'chat.example.com', rotationInterval: Duration.days(1001) }))
      .toThrow(/`rotationInterval`/);
    const ok = new ChatbotOriginVerify(stack, 'C', { domainName: 'chat.example.com', rotationInterval: Duration.days(7) });
    const rule = listenerRule(stack);
    expect(() => ok.rotateWith({ listenerRules: [] })).toThrow(/`listenerRules`: is empty/);
    ok.rotateWith({ listenerRules: [rule] });
    expect(ok.rotationFunction).toBeDefined();
    expect(() => ok.rotateWith({ listenerRules: [rule] })).toThrow(/already called/);
  });

  test('refuses a rule without the header condition, and one whose other conditions are only known at deploy time', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const rule = listenerRule(stack);
    const noHeader = listenerRule(stack, 'NoHeader', 2, [elbv2.ListenerCondition.pathPatterns(['/a'])]);
    new ChatbotOriginVerify(stack, 'A', { domainName: 'chat.example.com' }).rotateWith({ listenerRules: [rule, noHeader] });
    expect(() => Template.fromStack(stack)).toThrow(/listener rule S\/NoHeader must have exactly one X-Origin-Verify http-header condition/);

    const stack2 = new Stack(new App(), 'S2', { env: { region: 'eu-west-1' } });
    const rule2 = listenerRule(stack2);
    rule2.addCondition(elbv2.ListenerCondition.hostHeaders([Fn.importValue('Host')]));
    new ChatbotOriginVerify(stack2, 'A', { domainName: 'chat.example.com' }).rotateWith({ listenerRules: [rule2] });
    expect(() => Template.fromStack(stack2)).toThrow(/has a condition with a deploy-time value/);
  });

  test('publishes the distribution ID once, after rotateWith, in the Region the function reads', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { region: 'eu-west-1' } });
    const edgeStack = new Stack(app, 'E', { env: { region: 'us-east-1' } });
    const distribution = cloudfront.Distribution.fromDistributionAttributes(edgeStack, 'D', { distributionId: 'E123', domainName: 'd.cloudfront.net' });
    const verify = new ChatbotOriginVerify(stack, 'A', { domainName: 'chat.example.com' });
    expect(() => verify.publishDistributionId(edgeStack, distribution)).toThrow(/call `rotateWith` before `publishDistributionId`/);
    verify.rotateWith({ listenerRules: [listenerRule(stack)] });
    // Without distributionRegion, the function reads the parameter in its own Region.
    expect(() => verify.publishDistributionId(edgeStack, distribution)).toThrow(/`distributionRegion`: is eu-west-1, but publishDistributionId writes the parameter in us-east-1/);

    // A refused call leaves the tree unsynthesizable; a fresh app for the accepted one.
    const app2 = new App();
    const stack2 = new Stack(app2, 'S', { env: { region: 'eu-west-1' } });
    const edgeStack2 = new Stack(app2, 'E', { env: { region: 'us-east-1' } });
    const other = new ChatbotOriginVerify(stack2, 'B', { domainName: 'other.example.com' });
    other.rotateWith({ listenerRules: [listenerRule(stack2)], distributionRegion: 'us-east-1' });
    other.publishDistributionId(edgeStack2, distribution);
    Template.fromStack(edgeStack2).hasResourceProperties('AWS::SSM::Parameter', { Name: '/secure-container-chatbot/other.example.com/distribution-id', Value: 'E123' });
    expect(() => other.publishDistributionId(edgeStack2, distribution)).toThrow(/already called/);

    // A distribution in the role's own stack: the statement joins the role's policy, naming the distribution.
    const app3 = new App();
    const stack3 = new Stack(app3, 'S', { env: { region: 'eu-west-1' } });
    const same = new ChatbotOriginVerify(stack3, 'C', { domainName: 'chat.example.com' });
    same.rotateWith({ listenerRules: [listenerRule(stack3)] });
    same.publishDistributionId(stack3, cloudfront.Distribution.fromDistributionAttributes(stack3, 'D', { distributionId: 'E456', domainName: 'd.cloudfront.net' }));
    const template = Template.fromStack(stack3);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'SwitchTheOriginHeader',
          Effect: 'Allow',
          Action: ['cloudfront:GetDistribution', 'cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/E456']] },
        }]),
      },
    });
  });

  test('a rotation whose distribution ID is never published is refused at synth: every rotation would fail', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    new ChatbotOriginVerify(stack, 'A', { domainName: 'chat.example.com' }).rotateWith({ listenerRules: [listenerRule(stack)] });
    expect(() => Template.fromStack(stack)).toThrow(/`rotateWith` was called, but `publishDistributionId` never was.*Call `publishDistributionId\(scope, distribution\)`/s);
  });

  test('names the rotation role apart for two chatbots of one stack and for stacks of one name in two Regions', () => {
    const names: string[] = [];
    for (const region of ['eu-west-1', 'eu-central-1']) {
      const stack = new Stack(new App(), 'A-stack-name-that-is-rather-long-for-an-iam-role-name', { env: { region } });
      const first = listenerRule(stack);
      const second = listenerRule(stack, 'Second', 2);
      for (const [id, rule] of [['One', first], ['Two', second]] as const) {
        const verify = new ChatbotOriginVerify(stack, id, { domainName: `${id.toLowerCase()}.example.com` });
        verify.rotateWith({ listenerRules: [rule] });
        names.push(stack.resolve((verify.rotationFunction!.role!.node.defaultChild as any).roleName));
      }
    }
    expect(names.length).toBe(4);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(64);
      expect(name).toMatch(/^[\w+=,.@-]+$/);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  test('keeps the function description within Lambda\'s 256 characters for the longest domain', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const domainName = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example`;
    const verify = new ChatbotOriginVerify(stack, 'Long', { domainName });
    verify.rotateWith({ listenerRules: [listenerRule(stack)] });
    const fn = verify.rotationFunction!.node.defaultChild as any;
    expect(domainName.length).toBeGreaterThan(240);
    expect(stack.resolve(fn.description).length).toBeLessThanOrEqual(256);
  });
});
