import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ChatbotImage, SecureContainerChatbot } from '../../src';

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

/**
 * Seeds 000/001: CloudFront + WAF -> CloudFront-only ALB with Cognito login -> Fargate tasks on
 * 8501 in private subnets of two AZs -> VPC endpoints, no NAT gateway. The main stack is in
 * eu-west-1; the library puts the CloudFront parts in a us-east-1 companion stack.
 */
export function buildBasicExample(app: App, variant: BasicExampleVariant = {}): Stack {
  const stack = new Stack(app, 'ChatbotBasic', { env: { region: 'eu-west-1' } });

  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  });

  new SecureContainerChatbot(stack, 'Chatbot', {
    container: {
      image: ChatbotImage.fromAsset(path.join(__dirname, '..', 'app'), { cpuArchitecture: variant.cpuArchitecture }),
      cpu: variant.cpu,
      memoryLimitMiB: variant.memoryLimitMiB,
      cpuArchitecture: variant.cpuArchitecture,
    },
    domainName: 'chat.example.com',
    hostedZone,
    // A geographic inference profile id as the Bedrock console shows it: EU regions only.
    bedrockModels: ['eu.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    interfaceEndpointsInOneAz: variant.interfaceEndpointsInOneAz,
  });
  return stack;
}
