import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ChatbotImage, ChatbotIngress, SecureContainerChatbot } from '../../src';

/**
 * The basic architecture with a private origin: CloudFront + WAF -> a CloudFront VPC origin ->
 * an internal ALB with Cognito login in private subnets (their only way out is one NAT gateway,
 * for the login's calls to Cognito) -> Fargate tasks in subnets without any route out -> VPC
 * endpoints. Nothing on the internet can reach the load balancer, and no origin-verify secret is
 * needed. A VPC origin is in its load balancer's stack, so the distribution is too: in us-east-1
 * the whole chatbot is this one stack.
 */
export function buildPrivateOriginExample(app: App): Stack {
  const stack = new Stack(app, 'ChatbotPrivateOrigin', { env: { region: 'us-east-1' } });

  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  });

  new SecureContainerChatbot(stack, 'Chatbot', {
    container: { image: ChatbotImage.fromAsset(path.join(__dirname, '..', 'app')) },
    domainName: 'chat.example.com',
    hostedZone,
    ingress: ChatbotIngress.cloudFrontVpcOrigin(),
    bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'],
  });
  return stack;
}
