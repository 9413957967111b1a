import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { addNagPacks } from '../../examples/nag-packs';
import { ChatbotInvocationLogging } from '../../src';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const handlerModule = require('../../src/shared/deploy-time-handlers/invocation-logging.js');

describe('the construct', () => {
  const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1', account: '123456789012' } });
  const logging = new ChatbotInvocationLogging(stack, 'Logging', { imageData: true });
  const template = Template.fromStack(stack);
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);

  test('one custom resource sets the account\'s logging to the encrypted log group through the logging role', () => {
    template.resourceCountIs('Custom::BedrockInvocationLogging', 1);
    template.hasResourceProperties('Custom::BedrockInvocationLogging', {
      ServiceToken: { 'Fn::GetAtt': [id(logging.handler), 'Arn'] },
      PreviousSettingParameter: { Ref: Match.stringLikeRegexp('PreviousSetting') },
      LoggingConfig: {
        cloudWatchConfig: { logGroupName: { Ref: id(logging.logGroup) }, roleArn: { 'Fn::GetAtt': [id(logging.loggingRole), 'Arn'] } },
        textDataDeliveryEnabled: true,
        imageDataDeliveryEnabled: true,
        embeddingDataDeliveryEnabled: false,
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
  });

  test('only Bedrock of this account and region may assume the logging role, which may only write to the log group', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'bedrock.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': '123456789012' },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:eu-west-1:123456789012:*']] } },
          },
        }],
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [{ Sid: 'WriteInvocationLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [id(logging.logGroup), 'Arn'] } }],
      },
    });
  });

  test('the handler may set the logging, pass only the logging role to Bedrock and keep the previous setting in its parameter', () => {
    const policies = template.findResources('AWS::IAM::ManagedPolicy');
    const handler = Object.entries(policies).find(([logicalId]) => /HandlerRole/.test(logicalId))![1];
    expect(handler.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Sid: 'LogsOfTheHandler' }),
      {
        Sid: 'SetInvocationLogging',
        Effect: 'Allow',
        Resource: '*',
        Action: ['bedrock:GetModelInvocationLoggingConfiguration', 'bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:DeleteModelInvocationLoggingConfiguration'],
      },
      {
        Sid: 'PassTheLoggingRoleToBedrock',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [id(logging.loggingRole), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
      },
      {
        Sid: 'KeepThePreviousSetting',
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:PutParameter'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:eu-west-1:123456789012:parameter/', { Ref: expect.stringMatching(/PreviousSetting/) }]] },
      },
    ]);
  });

  test('CloudFormation waits 3 minutes at most for the handler, which times out after 2', () => {
    const [setting] = Object.values(template.findResources('Custom::BedrockInvocationLogging'));
    expect(setting.Properties.ServiceTimeout).toBe('180');
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'invocation-logging.handler', Timeout: 120, Description: Match.stringLikeRegexp('invocation logging') });
  });

  test('the custom resource waits for both roles and their policies', () => {
    const setting = Object.values(template.findResources('Custom::BedrockInvocationLogging'))[0];
    const dependsOn: string[] = setting.DependsOn;
    expect(dependsOn.some((d) => /LoggingRole.*GrantsPolicy/.test(d))).toBe(true);
    expect(dependsOn.some((d) => /HandlerRole.*GrantsPolicy/.test(d))).toBe(true);
  });

  test('refuses a setting that logs nothing', () => {
    const other = new Stack(new App(), 'T', { env: { region: 'eu-west-1' } });
    expect(() => new ChatbotInvocationLogging(other, 'L', { textData: false })).toThrow(/`textData`: is false and so are imageData and embeddingData/);
  });
});

test('the four cdk-nag packs pass with only the acknowledgements the construct makes itself', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'invocation-logging-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Logging', { env: { region: 'eu-west-1' } });
  new ChatbotInvocationLogging(stack, 'Logging');
  addNagPacks(app);
  expect(() => app.synth()).not.toThrow();
  fs.rmSync(outdir, { recursive: true, force: true });
});

test('a second invocation logging for the same account and region draws a warning naming the first', () => {
  const app = new App();
  const env = { region: 'eu-west-1', account: '123456789012' };
  new ChatbotInvocationLogging(new Stack(app, 'A', { env }), 'Logging');
  const second = new Stack(app, 'B', { env });
  new ChatbotInvocationLogging(second, 'Logging');
  const elsewhere = new Stack(app, 'C', { env: { ...env, region: 'eu-central-1' } });
  new ChatbotInvocationLogging(elsewhere, 'Logging');
  expect(Annotations.fromStack(second).findWarning('*', Match.stringLikeRegexp('A/Logging already turns it on for the same account and region'))).toHaveLength(1);
  expect(Annotations.fromStack(elsewhere).findWarning('*', Match.anyValue())).toHaveLength(0);
});

describe('the handler', () => {
  const desired = {
    cloudWatchConfig: { logGroupName: 'ours', roleArn: 'arn:aws:iam::123456789012:role/ours' },
    textDataDeliveryEnabled: 'true',
    imageDataDeliveryEnabled: 'false',
    embeddingDataDeliveryEnabled: 'false',
  };
  const previous = { cloudWatchConfig: { logGroupName: 'theirs', roleArn: 'arn:aws:iam::123456789012:role/theirs' }, textDataDeliveryEnabled: true };

  /** A fake account: its logging setting and the parameter, changed by the commands the handler sends. */
  function account(setting: object | undefined, stored = 'none') {
    const state = { setting, stored, calls: [] as string[] };
    const cmd = {
      get: () => ({ name: 'get' }),
      put: (config: object) => ({ name: 'put', config }),
      remove: () => ({ name: 'remove' }),
      getParameter: () => ({ name: 'getParameter' }),
      putParameter: (_: string, value: string) => ({ name: 'putParameter', value }),
    };
    const send = async (c: any) => {
      state.calls.push(c.name);
      switch (c.name) {
        case 'get': return { loggingConfig: state.setting };
        case 'put': state.setting = c.config; return {};
        case 'remove': state.setting = undefined; return {};
        case 'getParameter': return { Parameter: { Value: state.stored } };
        case 'putParameter': state.stored = c.value; return {};
        default: throw new Error(c.name);
      }
    };
    const responses: Array<[string, string]> = [];
    const respond = async (_: unknown, status: string, physicalId: string) => {
      responses.push([status, physicalId]);
    };
    const waits: number[] = [];
    const deps = { api: { bedrock: { send }, ssm: { send } }, cmd, respond, sleep: async (ms: number) => { waits.push(ms); } };
    return { state, deps, responses, waits };
  }
  const event = (type: string, physicalId?: string) => ({
    RequestType: type,
    PhysicalResourceId: physicalId,
    RequestId: 'r1',
    ResponseURL: 'https://example.com/x',
    ResourceProperties: { LoggingConfig: desired, PreviousSettingParameter: 'param' },
  });
  const ours = { ...desired, textDataDeliveryEnabled: true, imageDataDeliveryEnabled: false, embeddingDataDeliveryEnabled: false };

  /** Bedrock refusing the first `failures` puts with `name`, as it does while the new role propagates. */
  function propagating(a: ReturnType<typeof account>, failures: number, name: string) {
    const send = a.deps.api.bedrock.send;
    let left = failures;
    a.deps.api.bedrock.send = async (c: any) => {
      if (c.name === 'put' && left > 0) {
        left--;
        a.state.calls.push('put refused');
        throw Object.assign(new Error('Failed to validate permissions for log group: ours, with role: ours'), { name });
      }
      return send(c);
    };
  }

  test.each(['ValidationException', 'AccessDeniedException'])('a create that Bedrock refuses with %s while the role propagates is retried with backoff and succeeds', async (name) => {
    const a = account(undefined);
    propagating(a, 3, name);
    await handlerModule.handler(event('Create'), {}, a.deps);
    expect(a.responses).toEqual([['SUCCESS', 'bedrock-invocation-logging:param']]);
    expect(a.state.setting).toEqual(ours);
    expect(a.waits).toEqual([2000, 4000, 8000]);
  });

  test('the retries stop after about a minute, and the failure reaches CloudFormation', async () => {
    const a = account(undefined);
    propagating(a, 100, 'ValidationException');
    await handlerModule.handler(event('Create'), {}, a.deps);
    expect(a.responses).toEqual([['FAILED', 'failed-r1']]);
    const waited = a.waits.reduce((x, y) => x + y, 0);
    expect(waited).toBeGreaterThanOrEqual(55_000);
    expect(waited).toBeLessThanOrEqual(75_000);
    expect(a.state.calls.filter((c) => c === 'put refused')).toHaveLength(handlerModule.PROPAGATION_RETRY_DELAYS_MS.length + 1);
  });

  test('other errors are not retried', async () => {
    const a = account(undefined);
    propagating(a, 1, 'ThrottlingException');
    await handlerModule.handler(event('Create'), {}, a.deps);
    expect(a.responses).toEqual([['FAILED', 'failed-r1']]);
    expect(a.waits).toEqual([]);
  });

  test('create stores the previous setting and puts ours (booleans as booleans); delete puts the previous one back', async () => {
    const a = account(previous);
    await handlerModule.handler(event('Create'), {}, a.deps);
    expect(a.state.setting).toEqual(ours);
    expect(JSON.parse(a.state.stored)).toEqual(previous);
    expect(a.responses).toEqual([['SUCCESS', 'bedrock-invocation-logging:param']]);
    await handlerModule.handler(event('Delete', 'bedrock-invocation-logging:param'), {}, a.deps);
    expect(a.state.setting).toEqual(previous);
  });

  test('with logging off before, delete turns it off again', async () => {
    const a = account(undefined);
    await handlerModule.handler(event('Create'), {}, a.deps);
    expect(a.state.stored).toBe('none');
    await handlerModule.handler(event('Delete', 'bedrock-invocation-logging:param'), {}, a.deps);
    expect(a.state.setting).toBeUndefined();
    expect(a.state.calls).toContain('remove');
  });

  test('a retried create keeps the previous setting it stored the first time', async () => {
    const a = account(previous);
    await handlerModule.handler(event('Create'), {}, a.deps);
    await handlerModule.handler(event('Create'), {}, a.deps);
    expect(JSON.parse(a.state.stored)).toEqual(previous);
  });

  test('a setting changed outside the stack is left alone on delete', async () => {
    const a = account(previous);
    await handlerModule.handler(event('Create'), {}, a.deps);
    const someoneElse = { cloudWatchConfig: { logGroupName: 'later', roleArn: 'x' } };
    a.state.setting = someoneElse;
    await handlerModule.handler(event('Delete', 'bedrock-invocation-logging:param'), {}, a.deps);
    expect(a.state.setting).toBe(someoneElse);
  });

  test('a failure is reported to CloudFormation, and the rollback\'s delete of a failed create changes nothing', async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const a = account(previous);
    a.deps.api.bedrock.send = async () => { throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }); };
    await handlerModule.handler(event('Create'), {}, a.deps);
    expect(a.responses).toEqual([['FAILED', 'failed-r1']]);
    const b = account(previous);
    await handlerModule.handler(event('Delete', 'failed-r1'), {}, b.deps);
    expect(b.state.setting).toBe(previous);
    expect(b.state.calls).toEqual(['get']);
    expect(b.responses).toEqual([['SUCCESS', 'failed-r1']]);
  });
});
