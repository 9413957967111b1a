import { App, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { SecureContainerChatbot } from '../../src';
import { ExampleOptions, exampleDomainName, exampleHostedZone, exampleImage } from '../example-options';

/**
 * Settings that `npm run cost` varies to measure other configurations of this architecture on
 * real templates. The example itself uses none of them.
 */
export interface BasicExampleVariant {
  /** Task vCPU units (256 = 0.25 vCPU). */
  readonly cpu?: number;
  /** Task memory in MiB. */
  readonly memoryLimitMiB?: number;
  /** Task CPU architecture; the image is built for it. */
  readonly cpuArchitecture?: ecs.CpuArchitecture;
  /** Interface endpoints in one Availability Zone. */
  readonly interfaceEndpointsInOneAz?: boolean;
}

/** The variant settings and what another app may change (see `ExampleOptions`). */
export interface BasicExampleOptions extends BasicExampleVariant, ExampleOptions {}

/**
 * Seeds 000/001: CloudFront + WAF -> CloudFront-only ALB with Cognito login -> Fargate tasks on
 * 8501 in private subnets of two AZs -> VPC endpoints, no NAT gateway. The main stack is in
 * eu-west-1; the library puts the CloudFront parts in a us-east-1 companion stack.
 */
export function buildBasicExample(app: App, options: BasicExampleOptions = {}): Stack {
  const variant = options;
  const stack = new Stack(app, 'ChatbotBasic', { env: { region: 'eu-west-1' }, stackName: options.stackName });

  const hostedZone = exampleHostedZone(stack, options);

  new SecureContainerChatbot(stack, 'Chatbot', {
    container: {
      image: exampleImage(options, { cpuArchitecture: variant.cpuArchitecture }),
      cpu: variant.cpu,
      memoryLimitMiB: variant.memoryLimitMiB,
      cpuArchitecture: variant.cpuArchitecture,
    },
    domainName: exampleDomainName('chat', options),
    hostedZone,
    // A geographic inference profile id as the Bedrock console shows it: EU regions only.
    bedrockModels: ['eu.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    interfaceEndpointsInOneAz: variant.interfaceEndpointsInOneAz,
    removalPolicy: options.removalPolicy,
  });
  return stack;
}
