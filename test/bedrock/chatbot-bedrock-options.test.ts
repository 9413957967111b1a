import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ChatbotGuardrail, SecureContainerChatbot } from '../../src';
import { expectContainerVariable } from '../support/environment';
import { exampleTemplate } from '../support/example-assemblies';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');

describe('the chatbot with every Bedrock option', () => {
  const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1', account: '123456789012' } });
  const chatbot = new SecureContainerChatbot(stack, 'Chat', {
    container: { image: IMAGE },
    domainName: 'chat.example.com',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Z', { hostedZoneId: 'Z1', zoneName: 'example.com' }),
    bedrockModels: ['eu.anthropic.claude-3-haiku-20240307-v1:0'],
    bedrockGuardrail: ChatbotGuardrail.create(),
    bedrockKnowledgeBases: ['ABCDEFGHIJ'],
    bedrockInvocationLogging: {},
    backend: { image: IMAGE, port: 8080, bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'] },
  });
  const template = Template.fromStack(stack);
  const guardrailId = Object.keys(template.findResources('AWS::Bedrock::Guardrail'))[0];

  test('one guardrail, shared by the frontend and the backend, each only invoking with it', () => {
    template.resourceCountIs('AWS::Bedrock::Guardrail', 1);
    template.resourceCountIs('AWS::Bedrock::GuardrailVersion', 1);
    const taskPolicies = Object.entries(template.findResources('AWS::IAM::ManagedPolicy')).filter(([id]) => /TaskRole/.test(id));
    expect(taskPolicies).toHaveLength(2);
    for (const [, policy] of taskPolicies) {
      const statements: any[] = policy.Properties.PolicyDocument.Statement;
      const invokes = statements.filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes('bedrock:InvokeModel'));
      expect(invokes.length).toBeGreaterThan(0);
      for (const s of invokes) {
        expect(s.Condition.StringEquals['bedrock:GuardrailIdentifier']).toEqual({
          'Fn::Join': ['', [{ 'Fn::GetAtt': [guardrailId, 'GuardrailArn'] }, ':', { 'Fn::GetAtt': [expect.stringMatching(/Version/), 'Version'] }]],
        });
      }
      expect(statements.some((s) => s.Sid === 'OnlyWithTheGuardrail' && s.Effect === 'Deny')).toBe(true);
    }
  });

  test('knowledge bases bring the bedrock-agent-runtime endpoint', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.eu-west-1.bedrock-agent-runtime' });
  });

  test('invocation logging uses the chatbot\'s key', () => {
    template.resourceCountIs('Custom::BedrockInvocationLogging', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.absent(),
      KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(chatbot.encryptionKey.node.defaultChild as never), 'Arn'] },
      RetentionInDays: 365,
    });
    expect(chatbot.invocationLogging).toBeDefined();
    expect(template.findResources('AWS::KMS::Key', { Properties: { Description: 'Encrypts the Bedrock model invocation logs' } })).toEqual({});
  });
});

test('the basic example has no guardrail, no agent-runtime endpoint and no invocation logging (all opt-in)', () => {
  const basic = exampleTemplate('basic', 'eu-west-1');
  basic.resourceCountIs('AWS::Bedrock::Guardrail', 0);
  basic.resourceCountIs('Custom::BedrockInvocationLogging', 0);
  expect(Object.values(basic.findResources('AWS::EC2::VPCEndpoint')).map((e) => e.Properties.ServiceName)).not.toContain('com.amazonaws.eu-west-1.bedrock-agent-runtime');
});

test('the storage example\'s guardrail comes from its options and reaches the container', () => {
  const storage = exampleTemplate('storage', 'us-west-2');
  storage.hasResourceProperties('AWS::Bedrock::Guardrail', {
    TopicPolicyConfig: { TopicsConfig: [Match.objectLike({ Name: 'Investment advice', Type: 'DENY' })] },
    SensitiveInformationPolicyConfig: { PiiEntitiesConfig: [{ Type: 'EMAIL', Action: 'ANONYMIZE' }, { Type: 'CREDIT_DEBIT_CARD_NUMBER', Action: 'BLOCK' }] },
  });
  expectContainerVariable(storage, 'BEDROCK_GUARDRAIL_ID', { 'Fn::GetAtt': [Match.anyValue(), 'GuardrailId'] });
  expectContainerVariable(storage, 'BEDROCK_GUARDRAIL_VERSION', { 'Fn::GetAtt': [Match.anyValue(), 'Version'] });
});
