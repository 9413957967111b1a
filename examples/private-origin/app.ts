import { App, Stack } from 'aws-cdk-lib';
import { ChatbotIngress, SecureContainerChatbot } from '../../src';
import { ExampleOptions, exampleDomainName, exampleHostedZone, exampleImage } from '../example-options';

/**
 * The basic architecture with a private origin: CloudFront + WAF -> a CloudFront VPC origin ->
 * an internal ALB with Cognito login in private subnets (their only way out is one NAT gateway,
 * for the login's calls to Cognito) -> Fargate tasks in subnets without any route out -> VPC
 * endpoints. Nothing on the internet can reach the load balancer, and no origin-verify secret is
 * needed. A VPC origin is in its load balancer's stack, so the distribution is too: in us-east-1
 * the whole chatbot is this one stack.
 */
export function buildPrivateOriginExample(app: App, options: ExampleOptions = {}): Stack {
  const stack = new Stack(app, 'ChatbotPrivateOrigin', { env: { region: 'us-east-1' }, stackName: options.stackName });

  const hostedZone = exampleHostedZone(stack, options);

  new SecureContainerChatbot(stack, 'Chatbot', {
    container: { image: exampleImage(options) },
    domainName: exampleDomainName('chat', options),
    hostedZone,
    ingress: ChatbotIngress.cloudFrontVpcOrigin(),
    bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'],
    removalPolicy: options.removalPolicy,
  });
  return stack;
}
