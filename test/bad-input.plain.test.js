// Bad input as it arrives from plain JavaScript, and from Python through jsii: no compiler stands
// between the user and the library, so misspelt keys, values of the wrong kind and options of
// another variant reach the constructors as they were written. One table per class of mistake.
'use strict';
const { App, Duration, Stack } = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const ecs = require('aws-cdk-lib/aws-ecs');
const route53 = require('aws-cdk-lib/aws-route53');
const s3 = require('aws-cdk-lib/aws-s3');
const { ChatbotGuardrail, ChatbotIngress, SecureContainerChatbot } = require('../src');

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');
const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

/** The message of the error a chatbot with `props` (added to the minimal ones) throws, or ''. */
function refusal(props) {
  const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1', account: '123456789012' } });
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' });
  const extra = typeof props === 'function' ? props(stack) : props;
  try {
    new SecureContainerChatbot(stack, 'Chat', { container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone, ...extra });
  } catch (error) {
    return error.message;
  }
  return '';
}

/** A refusal names the prop in backticks, says what is wrong, then what to do. */
const namesProp = (prop) => new RegExp('`' + prop.replace(/[.[\]]/g, '\\$&') + '`: [^\\n]+\\. [A-Z][^\\n]+');

// Class 1: keys that nothing takes, or that the chosen ingress variant does not use.
const IGNORED_OPTIONS = [
  ['a web ACL on the HTTP API', { ingress: ChatbotIngress.httpApi({ webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/a/b' }) },
    'ingress.webAclArn', /ChatbotIngress\.cloudFront\(\)/],
  ['a rate limit on the HTTP API', { ingress: ChatbotIngress.httpApi({ rateLimitPerIp: 500 }) }, 'ingress.rateLimitPerIp', /ChatbotIngress\.cloudFront\(\)/],
  ['an upload size on the HTTP API', { ingress: ChatbotIngress.httpApi({ maxUploadBytes: 20_000_000 }) }, 'ingress.maxUploadBytes', /ChatbotIngress\.cloudFront\(\)/],
  ['identity providers on the HTTP API', { ingress: ChatbotIngress.httpApi({ identityProviders: [] }) }, 'ingress.identityProviders', /ChatbotIngress\.cloudFront\(\)/],
  ['a JWT issuer on CloudFront', { ingress: ChatbotIngress.cloudFront({ jwtIssuer: 'https://id.example.com' }) }, 'ingress.jwtIssuer', /ChatbotIngress\.httpApi\(\)/],
  ['a misspelt chatbot prop', { desiredCont: 3 }, 'desiredCont', /did you mean `desiredCount`/],
  ['a snake-case prop written by hand', { max_task_count: 4 }, 'max_task_count', /did you mean `maxTaskCount`/],
  ['a misspelt container member', { container: { image: IMAGE, prot: 8080 } }, 'container.prot', /did you mean `container\.port`/],
];

// Class 2: values that AWS rejects at deploy time, or that mean nothing.
const REJECTED_VALUES = [
  ['an empty environment value', { container: { image: IMAGE, environment: { MODE: '' } } }, 'container.environment.MODE'],
  ['an environment value over 4 KB', { container: { image: IMAGE, environment: { PROMPT: 'x'.repeat(4097) } } }, 'container.environment.PROMPT'],
  ['a writable directory listed twice', { container: { image: IMAGE, writableDirectories: ['/tmp', '/tmp'] } }, 'container.writableDirectories'],
  ['a fractional throttling burst', { ingress: ChatbotIngress.httpApi({ throttlingRateLimit: 10, throttlingBurstLimit: 2.5 }) }, 'ingress.throttlingBurstLimit'],
  ['an inference profile of an unknown geography', { bedrockModels: [`xx.${MODEL}`] }, 'bedrockModels'],
  ['a Bedrock ARN with a misspelt resource type', { bedrockModels: [`arn:aws:bedrock:eu-west-1::foundation-modle/${MODEL}`] }, 'bedrockModels'],
  ['a VPC in one Availability Zone', (stack) => ({ vpc: new ec2.Vpc(stack, 'OneAz', { maxAzs: 1 }) }), 'vpc'],
  ['a port given as a string', { container: { image: IMAGE, port: '8080' } }, 'container.port'],
  ['a task count given as a string', { desiredCount: '2' }, 'desiredCount'],
  ['a stickiness over 7 days', { ingress: ChatbotIngress.cloudFront({ stickinessDuration: Duration.days(8) }) }, 'ingress.stickinessDuration'],
  ['a storage bucket of another Region',
    (stack) => ({ storage: { bucket: s3.Bucket.fromBucketAttributes(stack, 'Far', { bucketName: 'my-files-bucket', region: 'us-west-2' }) } }), 'storage.bucket'],
  ['a guardrail filter strength outside the enum',
    { bedrockModels: [MODEL], bedrockGuardrail: ChatbotGuardrail.create({ contentFilters: [{ type: 'HATE', inputStrength: 'EXTREME' }] }) },
    'bedrockGuardrail.contentFilters[0].inputStrength'],
];

// Class 3: problems reported under the prop the user wrote, not under an internal one.
const OWN_PROP_PATHS = [
  ['a sign-out path without a slash', { ingress: ChatbotIngress.cloudFront({ signOutPath: 'bye' }) }, 'ingress.signOutPath', /cognitoLogoutPath/],
  ['a bad generated secret name', { container: { image: IMAGE, generatedSecrets: ['API_KEY', 'bad-name'] } }, 'container.generatedSecrets[1]', /container\.environment/],
  ['a negative throttling rate', { ingress: ChatbotIngress.httpApi({ throttlingRateLimit: -1, throttlingBurstLimit: 20 }) }, 'ingress.throttlingRateLimit', /throttlingBurstLimit`/],
  ['a log retention CloudWatch lacks', { logRetention: 12345 }, 'logRetention', /flowLogRetention/],
  ['a fractional maxTaskCount', { maxTaskCount: 3.5 }, 'maxTaskCount', /below desiredCount/],
];

describe('from plain JavaScript: keys the variant ignores are refused, naming the variant that has them', () => {
  test.each(IGNORED_OPTIONS)('%s', (_what, props, prop, explanation) => {
    const message = refusal(props);
    expect(message).toMatch(namesProp(prop));
    expect(message).toMatch(explanation);
  });
});

describe('from plain JavaScript: values AWS would reject are refused at synth, under the prop', () => {
  test.each(REJECTED_VALUES)('%s', (_what, props, prop) => {
    expect(refusal(props)).toMatch(namesProp(prop));
  });
});

describe('from plain JavaScript: each problem is reported once, under the path the user wrote', () => {
  test.each(OWN_PROP_PATHS)('%s', (_what, props, prop, notThis) => {
    const message = refusal(props);
    expect(message).toMatch(namesProp(prop));
    expect(message.split('`' + prop + '`').length - 1).toBe(1);
    expect(message).not.toMatch(notThis);
  });

  test('the valid minimal chatbot is not refused', () => {
    expect(refusal({})).toBe('');
  });
});
