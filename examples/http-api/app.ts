import { App, Stack } from 'aws-cdk-lib';
import { ChatbotEgress, ChatbotIngress, SecureContainerChatbot } from '../../src';
import { ExampleOptions, exampleDomainName, exampleHostedZone, exampleImage } from '../example-options';

/**
 * Seed 004: an API Gateway HTTP API with a Cognito JWT authorizer -> VPC link -> internal Network
 * Load Balancer -> Fargate tasks in subnets carved from a secondary VPC CIDR (172.10.0.0/16) with no
 * route to the internet; app subnets in 10.0.0.0/16 whose default route is a NAT gateway in their
 * AZ; ECR and S3 endpoints for the image pulls.
 */
export function buildHttpApiExample(app: App, options: ExampleOptions = {}): Stack {
  const stack = new Stack(app, 'ChatbotHttpApi', { env: { region: 'ap-southeast-2' }, stackName: options.stackName });

  const hostedZone = exampleHostedZone(stack, options);

  new SecureContainerChatbot(stack, 'Chatbot', {
    container: { image: exampleImage(options) },
    domainName: exampleDomainName('chat-api', options),
    hostedZone,
    ingress: ChatbotIngress.httpApi(),
    egress: ChatbotEgress.NAT_GATEWAY_PER_AZ,
    networkOptions: {
      cidr: '10.0.0.0/16',
      publicSubnetCidrs: ['10.0.10.0/24', '10.0.20.0/24'],
      privateSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24'],
      secondaryCidr: '172.10.0.0/16',
      taskSubnetCidrs: ['172.10.1.0/24', '172.10.2.0/24'],
    },
    bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'],
    removalPolicy: options.removalPolicy,
  });
  return stack;
}
