import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ChatbotEgress, ChatbotImage, ChatbotRepository, SecureContainerChatbot } from '../../src';

/**
 * Seed 003: public entry -> frontend service -> internal load balancer -> backend service, each hop
 * admitting only the one in front of it; images from ECR repositories; Secrets Manager secrets
 * injected into the containers; a NAT gateway for outbound calls to third-party APIs.
 */
export function buildTwoTierExample(app: App): Stack {
  const stack = new Stack(app, 'ChatbotTwoTier', { env: { region: 'eu-central-1' } });

  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789EXAMPLE',
    zoneName: 'example.com',
  });

  // The backend's images come from a repository the pipeline pushes to; the frontend is built
  // from source as an asset.
  const backendImages = new ChatbotRepository(stack, 'BackendImages');
  // An API key that already lives in Secrets Manager, in this region.
  const searchApiKey = secretsmanager.Secret.fromSecretNameV2(stack, 'SearchApiKey', 'chatbot/search-api-key');

  new SecureContainerChatbot(stack, 'Chatbot', {
    image: ChatbotImage.fromAsset(path.join(__dirname, '..', 'app')),
    domainName: 'team-chat.example.com',
    hostedZone,
    egress: ChatbotEgress.NAT_GATEWAY,
    generatedSecrets: ['SESSION_SIGNING_KEY'],
    backend: {
      image: ecs.ContainerImage.fromEcrRepository(backendImages.repository, '1.0.0'),
      containerPort: 8080,
      healthCheckPath: '/health',
      maxTaskCount: 4,
      secrets: { SEARCH_API_KEY: searchApiKey },
      bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'],
    },
  });
  return stack;
}
