import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
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
    const ruleArns = JSON.stringify(fn.Properties.Environment.Variables.RULE_ARNS);
    for (const [ruleId] of headerRules) {
      expect(ruleArns).toContain(`{"Ref":"${ruleId}"}`);
    }
    expect(fn.Properties.Environment.Variables.DOMAIN_NAME).toBe('chat.example.com');
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
    expect(bySid('ReadRulesAndFindTheDistribution').Action.sort()).toEqual(['cloudfront:ListDistributions', 'elasticloadbalancing:DescribeRules']);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      for (const action of [statement.Action].flat()) {
        expect(action).not.toContain('*');
      }
    }
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
  const listenerRule = (stack: Stack) => {
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const lb = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc });
    const listener = lb.addListener('L', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(403) });
    return new elbv2.ApplicationListenerRule(stack, 'Rule', {
      listener, priority: 1, conditions: [elbv2.ListenerCondition.httpHeader(HEADER, ['x'])], action: elbv2.ListenerAction.fixedResponse(200),
    });
  };

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
