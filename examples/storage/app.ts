import { App, Stack } from 'aws-cdk-lib';
import {
  ChatbotGuardrail, ChatbotIngress, GuardrailContentFilterType, GuardrailFilterStrength, GuardrailPiiAction, SecureContainerChatbot,
} from '../../src';
import { ExampleOptions, exampleDomainName, exampleHostedZone, exampleImage } from '../example-options';

/**
 * Seed 002: the basic architecture plus an S3 bucket for files and a DynamoDB table for metadata,
 * encrypted at rest and reached through gateway endpoints, autoscaling between 2 and 6 tasks, and
 * WAF limits on the request rate per IP and on the upload size. A Bedrock guardrail created from
 * options checks every prompt and answer: content filters, a denied topic, PII masking. Bedrock model
 * invocation logging records the prompts and answers (a setting of the whole account and region,
 * put back as it was when the stack is deleted).
 */
export function buildStorageExample(app: App, options: ExampleOptions = {}): Stack {
  const stack = new Stack(app, 'ChatbotStorage', { env: { region: 'us-west-2' }, stackName: options.stackName });

  const hostedZone = exampleHostedZone(stack, options);

  new SecureContainerChatbot(stack, 'Chatbot', {
    container: { image: exampleImage(options) },
    domainName: exampleDomainName('docs-chat', options),
    hostedZone,
    bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    bedrockGuardrail: ChatbotGuardrail.create({
      contentFilters: [
        ...[GuardrailContentFilterType.HATE, GuardrailContentFilterType.INSULTS, GuardrailContentFilterType.SEXUAL, GuardrailContentFilterType.VIOLENCE]
          .map((type) => ({ type, inputStrength: GuardrailFilterStrength.HIGH })),
        { type: GuardrailContentFilterType.MISCONDUCT, inputStrength: GuardrailFilterStrength.MEDIUM },
        { type: GuardrailContentFilterType.PROMPT_ATTACK, inputStrength: GuardrailFilterStrength.HIGH },
      ],
      deniedTopics: [{
        name: 'Investment advice',
        definition: 'Recommendations about buying, selling or holding financial products.',
        examples: ['Which stock should I buy?'],
      }],
      blockProfanity: true,
      piiEntities: [
        { type: 'EMAIL', action: GuardrailPiiAction.ANONYMIZE },
        { type: 'CREDIT_DEBIT_CARD_NUMBER', action: GuardrailPiiAction.BLOCK },
      ],
    }),
    bedrockInvocationLogging: { textData: true },
    storage: {},
    removalPolicy: options.removalPolicy,
    desiredCount: 2,
    maxTaskCount: 6,
    // A release that answers with 5xx or whose tasks turn unhealthy is rolled back by its alarms.
    deployment: { rollbackOnChatbotAlarms: true },
    ingress: ChatbotIngress.cloudFront({
      rateLimitPerIp: 500,
      maxUploadBytes: 10 * 1024 * 1024,
      dashboard: true,
    }),
  });
  return stack;
}
