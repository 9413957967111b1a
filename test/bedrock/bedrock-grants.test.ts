import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ChatbotGuardrail, ChatbotService, ChatbotServiceProps, GuardrailContentFilterType, GuardrailFilterStrength, GuardrailPiiAction } from '../../src';
import { INFERENCE_PROFILE_GEOGRAPHIES } from '../../src/bedrock/inference-profile-regions';
import { expectContainerVariable } from '../support/environment';

const ACCOUNT = '123456789012';
const INVOKE = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

/** The task role's statements for these service props, in a stack with a literal account and region. */
function taskStatements(region: string, props: Partial<ChatbotServiceProps>): { template: Template; statements: any[] } {
  const stack = new Stack(new App(), 'S', { env: { region, account: ACCOUNT } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: [`${region}a`, `${region}b`] });
  new ChatbotService(stack, 'Service', { vpc, image: ecs.ContainerImage.fromRegistry('nginx'), ...props });
  const template = Template.fromStack(stack);
  const policies = template.findResources('AWS::IAM::ManagedPolicy');
  const taskPolicy = Object.entries(policies).find(([id]) => /TaskRole/.test(id));
  return { template, statements: stack.resolve(taskPolicy?.[1].Properties.PolicyDocument.Statement ?? []) };
}

/** An ARN as the template writes it: the partition as a reference, the rest literal. */
function arn(rest: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] };
}

describe('the task role gets exactly what each id form needs', () => {
  test('a foundation-model id: that model in the stack\'s region', () => {
    const { statements } = taskStatements('eu-west-1', { bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'] });
    expect(statements).toEqual([{
      Sid: 'InvokeModel0',
      Effect: 'Allow',
      Action: INVOKE,
      Resource: arn(':bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0'),
    }]);
  });

  test('a us. profile id from us-east-2: the profile there, the model in the four US regions through that profile only', () => {
    const { statements } = taskStatements('us-east-2', { bedrockModels: ['us.anthropic.claude-sonnet-4-5-20250929-v1:0'] });
    const profile = arn(`:bedrock:us-east-2:${ACCOUNT}:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0`);
    expect(statements).toEqual([
      { Sid: 'InvokeProfile0', Effect: 'Allow', Action: INVOKE, Resource: profile },
      {
        Sid: 'InvokeModelThroughProfile0',
        Effect: 'Allow',
        Action: INVOKE,
        Resource: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'].map((r) => arn(`:bedrock:${r}::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0`)),
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profile } },
      },
    ]);
  });

  test('a global. profile id: the profile, the model in the stack\'s region and the model ARN without a region, through that profile only', () => {
    const { statements } = taskStatements('eu-central-1', { bedrockModels: ['global.anthropic.claude-sonnet-4-5-20250929-v1:0'] });
    const profile = arn(`:bedrock:eu-central-1:${ACCOUNT}:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0`);
    expect(statements).toEqual([
      { Sid: 'InvokeProfile0', Effect: 'Allow', Action: INVOKE, Resource: profile },
      {
        Sid: 'InvokeModelThroughProfile0',
        Effect: 'Allow',
        Action: INVOKE,
        Resource: [
          arn(':bedrock:eu-central-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0'),
          arn(':bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0'),
        ],
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profile } },
      },
    ]);
  });

  test('a profile ARN: the ARN as given, the destinations of its geography', () => {
    const profile = `arn:aws:bedrock:ap-northeast-3:${ACCOUNT}:inference-profile/jp.anthropic.claude-sonnet-4-5-20250929-v1:0`;
    const { statements } = taskStatements('ap-northeast-3', { bedrockModels: [profile] });
    expect(statements).toEqual([
      { Sid: 'InvokeProfile0', Effect: 'Allow', Action: INVOKE, Resource: profile },
      {
        Sid: 'InvokeModelThroughProfile0',
        Effect: 'Allow',
        Action: INVOKE,
        Resource: ['ap-northeast-1', 'ap-northeast-3'].map((r) => arn(`:bedrock:${r}::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0`)),
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profile } },
      },
    ]);
  });

  test('an application inference profile ARN: the profile, and foundation models only through it', () => {
    const profile = `arn:aws:bedrock:eu-west-1:${ACCOUNT}:application-inference-profile/a1b2c3d4e5f6`;
    const { statements } = taskStatements('eu-west-1', { bedrockModels: [profile] });
    expect(statements).toEqual([
      { Sid: 'InvokeProfile0', Effect: 'Allow', Action: INVOKE, Resource: profile },
      {
        Sid: 'InvokeModelsThroughProfile0',
        Effect: 'Allow',
        Action: INVOKE,
        Resource: arn(':bedrock:*::foundation-model/*'),
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profile } },
      },
    ]);
  });

  test('a foundation-model or provisioned-model ARN: that ARN only', () => {
    const models = [
      'arn:aws:bedrock:eu-central-1::foundation-model/amazon.titan-embed-text-v2:0',
      `arn:aws:bedrock:eu-west-1:${ACCOUNT}:provisioned-model/abcdef123456`,
    ];
    const { statements } = taskStatements('eu-west-1', { bedrockModels: models });
    expect(statements).toEqual(models.map((m, i) => ({ Sid: `InvokeModel${i}`, Effect: 'Allow', Action: INVOKE, Resource: m })));
  });

  test('the container gets the first entry as BEDROCK_MODEL_ID and all of them as BEDROCK_ALLOWED_MODELS, as written', () => {
    const models = ['eu.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-3-haiku-20240307-v1:0'];
    const { template } = taskStatements('eu-west-1', { bedrockModels: models });
    expectContainerVariable(template, 'BEDROCK_MODEL_ID', models[0]);
    expectContainerVariable(template, 'BEDROCK_ALLOWED_MODELS', models.join(','));
  });
});

describe('guardrails', () => {
  test('an existing guardrail: every invoke needs it (allow with the condition, deny without), ApplyGuardrail on it, id and version to the container', () => {
    const guardrailArn = `arn:aws:bedrock:eu-west-1:${ACCOUNT}:guardrail/abc123def456`;
    const { template, statements } = taskStatements('eu-west-1', {
      bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'],
      bedrockGuardrail: ChatbotGuardrail.fromArn(guardrailArn, '3'),
    });
    const model = arn(':bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0');
    expect(statements).toEqual([
      { Sid: 'InvokeModel0', Effect: 'Allow', Action: INVOKE, Resource: model, Condition: { StringEquals: { 'bedrock:GuardrailIdentifier': `${guardrailArn}:3` } } },
      { Sid: 'OnlyWithTheGuardrail', Effect: 'Deny', Action: INVOKE, Resource: model, Condition: { StringNotEquals: { 'bedrock:GuardrailIdentifier': `${guardrailArn}:3` } } },
      { Sid: 'ApplyTheGuardrail', Effect: 'Allow', Action: 'bedrock:ApplyGuardrail', Resource: guardrailArn },
    ]);
    expectContainerVariable(template, 'BEDROCK_GUARDRAIL_ID', 'abc123def456');
    expectContainerVariable(template, 'BEDROCK_GUARDRAIL_VERSION', '3');
    template.resourceCountIs('AWS::Bedrock::Guardrail', 0);
    // Models and guardrail version are variables of the task definition itself: a change of either
    // makes a new revision, so ECS replaces the tasks rather than leaving them with stale values.
    expectContainerVariable(template, 'BEDROCK_ALLOWED_MODELS', 'anthropic.claude-3-haiku-20240307-v1:0');
  });

  test('with a profile, both the profile and the routed models carry the guardrail and the profile conditions', () => {
    const guardrailArn = `arn:aws:bedrock:eu-west-1:${ACCOUNT}:guardrail/abc123def456`;
    const { statements } = taskStatements('eu-west-1', {
      bedrockModels: ['eu.anthropic.claude-3-haiku-20240307-v1:0'],
      bedrockGuardrail: ChatbotGuardrail.fromArn(guardrailArn, '1'),
    });
    expect(statements[1].Condition).toEqual({
      StringEquals: {
        'bedrock:InferenceProfileArn': arn(`:bedrock:eu-west-1:${ACCOUNT}:inference-profile/eu.anthropic.claude-3-haiku-20240307-v1:0`),
        'bedrock:GuardrailIdentifier': `${guardrailArn}:1`,
      },
    });
    expect(statements[2]).toMatchObject({ Sid: 'OnlyWithTheGuardrail', Effect: 'Deny' });
    expect(statements[2].Resource).toHaveLength(1 + INFERENCE_PROFILE_GEOGRAPHIES.eu.destinationRegions!.length);
  });

  test('a created guardrail: the options as CloudFormation, a numbered version, and the condition on that version', () => {
    const { template, statements } = taskStatements('eu-west-1', {
      bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'],
      bedrockGuardrail: ChatbotGuardrail.create({
        contentFilters: [
          { type: GuardrailContentFilterType.HATE, inputStrength: GuardrailFilterStrength.HIGH, outputStrength: GuardrailFilterStrength.MEDIUM },
          { type: GuardrailContentFilterType.PROMPT_ATTACK, inputStrength: GuardrailFilterStrength.HIGH },
        ],
        deniedTopics: [{ name: 'Investment advice', definition: 'Recommendations about financial products.' }],
        blockedWords: ['competitor'],
        blockProfanity: true,
        piiEntities: [{ type: 'EMAIL', action: GuardrailPiiAction.ANONYMIZE }],
        groundingThreshold: 0.7,
      }),
    });
    template.hasResourceProperties('AWS::Bedrock::Guardrail', {
      Name: Match.anyValue(),
      BlockedInputMessaging: 'Sorry, this request is not allowed here.',
      ContentPolicyConfig: {
        FiltersConfig: [
          { Type: 'HATE', InputStrength: 'HIGH', OutputStrength: 'MEDIUM' },
          { Type: 'PROMPT_ATTACK', InputStrength: 'HIGH', OutputStrength: 'NONE' },
        ],
      },
      TopicPolicyConfig: { TopicsConfig: [{ Name: 'Investment advice', Definition: 'Recommendations about financial products.', Type: 'DENY' }] },
      WordPolicyConfig: { WordsConfig: [{ Text: 'competitor' }], ManagedWordListsConfig: [{ Type: 'PROFANITY' }] },
      SensitiveInformationPolicyConfig: { PiiEntitiesConfig: [{ Type: 'EMAIL', Action: 'ANONYMIZE' }] },
      ContextualGroundingPolicyConfig: { FiltersConfig: [{ Type: 'GROUNDING', Threshold: 0.7 }] },
    });
    template.hasResourceProperties('AWS::Bedrock::GuardrailVersion', {
      GuardrailIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('Guardrail'), 'GuardrailId'] },
      Description: Match.stringLikeRegexp('^Options [0-9a-f]{16}$'),
    });
    const guardrailId = Object.keys(template.findResources('AWS::Bedrock::Guardrail'))[0];
    const versionId = Object.keys(template.findResources('AWS::Bedrock::GuardrailVersion'))[0];
    expect(statements[0].Condition).toEqual({
      StringEquals: { 'bedrock:GuardrailIdentifier': { 'Fn::Join': ['', [{ 'Fn::GetAtt': [guardrailId, 'GuardrailArn'] }, ':', { 'Fn::GetAtt': [versionId, 'Version'] }]] } },
    });
    expect(statements.find((s) => s.Sid === 'ApplyTheGuardrail')).toEqual({
      Sid: 'ApplyTheGuardrail', Effect: 'Allow', Action: 'bedrock:ApplyGuardrail', Resource: { 'Fn::GetAtt': [guardrailId, 'GuardrailArn'] },
    });
  });

  test('default options filter every category at HIGH, prompt attacks on prompts only', () => {
    const { template } = taskStatements('eu-west-1', { bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'], bedrockGuardrail: ChatbotGuardrail.create() });
    template.hasResourceProperties('AWS::Bedrock::Guardrail', {
      ContentPolicyConfig: {
        FiltersConfig: ['HATE', 'INSULTS', 'SEXUAL', 'VIOLENCE', 'MISCONDUCT'].map((t) => ({ Type: t, InputStrength: 'HIGH', OutputStrength: 'HIGH' }))
          .concat([{ Type: 'PROMPT_ATTACK', InputStrength: 'HIGH', OutputStrength: 'NONE' }]),
      },
      TopicPolicyConfig: Match.absent(),
    });
  });

  test('changing an option publishes a new version (a new description replaces it)', () => {
    const description = (threshold: number) => {
      const { template } = taskStatements('eu-west-1', {
        bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'], bedrockGuardrail: ChatbotGuardrail.create({ relevanceThreshold: threshold }),
      });
      return Object.values(template.findResources('AWS::Bedrock::GuardrailVersion'))[0].Properties.Description;
    };
    expect(description(0.5)).toBe(description(0.5));
    expect(description(0.5)).not.toBe(description(0.6));
  });
});

describe('refusals name the prop and the fix', () => {
  test('a geography that does not serve the region points to the profiles that do', () => {
    expect(() => taskStatements('eu-west-1', { bedrockModels: ['us.anthropic.claude-3-haiku-20240307-v1:0'] })).toThrow(
      /`bedrockModels`: 'us\.anthropic\.claude-3-haiku-20240307-v1:0' is a us\. inference profile, which cannot be called from the stack's region eu-west-1 .*Use the eu\. or global\. profile of the model \(eu\.anthropic\.claude-3-haiku-20240307-v1:0, global\.anthropic/);
  });

  test('a region no profile serves points to the foundation model', () => {
    expect(() => taskStatements('af-south-1', { bedrockModels: ['eu.anthropic.claude-3-haiku-20240307-v1:0'] })).toThrow(
      /No inference profile serves af-south-1: use the foundation-model id anthropic\.claude-3-haiku-20240307-v1:0/);
  });
});

describe('knowledge bases', () => {
  test('Retrieve and RetrieveAndGenerate on the named knowledge bases only', () => {
    const { statements } = taskStatements('eu-west-1', {
      bedrockKnowledgeBases: ['ABCDEFGHIJ', `arn:aws:bedrock:eu-west-1:${ACCOUNT}:knowledge-base/KLMNOPQRST`],
    });
    expect(statements).toEqual([{
      Sid: 'QueryKnowledgeBases',
      Effect: 'Allow',
      Action: ['bedrock:Retrieve', 'bedrock:RetrieveAndGenerate'],
      Resource: [arn(`:bedrock:eu-west-1:${ACCOUNT}:knowledge-base/ABCDEFGHIJ`), `arn:aws:bedrock:eu-west-1:${ACCOUNT}:knowledge-base/KLMNOPQRST`],
    }]);
  });
});

describe('the region table', () => {
  test('every geography lists regions of its partition, and its sources are among its destinations', () => {
    for (const [prefix, g] of Object.entries(INFERENCE_PROFILE_GEOGRAPHIES)) {
      expect(g.sourceRegions.length).toBeGreaterThan(0);
      for (const r of [...g.sourceRegions, ...(g.destinationRegions ?? [])]) {
        expect(r).toMatch(/^[a-z]{2}(-gov)?-[a-z]+-\d$/);
      }
      if (g.destinationRegions) {
        // A request may stay in its source region, so each source is a destination.
        expect(g.destinationRegions).toEqual(expect.arrayContaining([...g.sourceRegions]));
      }
      expect(prefix === 'us-gov' ? g.partition : 'aws').toBe(g.partition);
    }
  });
});
