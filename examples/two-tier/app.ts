import { App, CfnOutput, CrossStackReferences, ReferenceStrength, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ChatbotDeploymentStrategy, ChatbotEgress, ChatbotImage, ChatbotRepository, SecureContainerChatbot } from '../../src';
import { ExampleOptions, exampleDomainName, exampleHostedZone, exampleImage } from '../example-options';
import { userValue } from '../user-values';

/** The backend image tag the service runs: push it to the repository before deploying the service. */
const BACKEND_IMAGE_TAG = '1.0.0';

/**
 * Seed 003: public entry -> frontend service -> internal load balancer -> backend service, each hop
 * admitting only the one in front of it; images from ECR repositories; Secrets Manager secrets
 * injected into the containers; a NAT gateway for outbound calls to third-party APIs.
 *
 * Two stacks, deployed in this order, because a service cannot start from an empty repository:
 * 1. `cdk deploy ChatbotTwoTierImages`: the backend's ECR repository (its URI is an output);
 * 2. build the backend image for linux/amd64 and push it as `<BackendRepositoryUri>:1.0.0`;
 * 3. `cdk deploy --all`: the chatbot stack, which depends on the images stack. Deployed before the
 *    push, it fails in seconds with the `docker push` to run, and rolls back (`ChatbotImage.fromRepository`).
 * The frontend is built from source as an image asset during `cdk deploy`.
 */
export function buildTwoTierExample(app: App, options: ExampleOptions = {}): Stack {
  const env = { region: 'eu-central-1' };

  // Its own stack so that it exists, and holds the image, before the backend service is created.
  const images = new Stack(app, 'ChatbotTwoTierImages', { env, stackName: options.stackName && `${options.stackName}Images` });
  const backendImages = new ChatbotRepository(images, 'BackendImages');
  new CfnOutput(images, 'BackendRepositoryUri', {
    value: backendImages.ecrRepository.repositoryUri,
    description: `Push the backend image here as ${BACKEND_IMAGE_TAG} (built for linux/amd64) before deploying ChatbotTwoTier`,
  });

  const stack = new Stack(app, 'ChatbotTwoTier', { env, stackName: options.stackName });
  // Imports (Fn::ImportValue) of the repository: CloudFormation refuses to delete it while this
  // stack runs images from it. They also order the stacks; the explicit dependency says why.
  CrossStackReferences.of(stack).consume(ReferenceStrength.STRONG);
  stack.addStackDependency(images, 'the backend image must be pushed to the repository before the service starts');

  const hostedZone = exampleHostedZone(stack, options);

  // An API key that already lives in Secrets Manager, in this region, named by the team.
  const searchApiKey = secretsmanager.Secret.fromSecretNameV2(stack, 'SearchApiKey',
    userValue(app, 'two-tier:searchApiKeySecretName', 'the name of the Secrets Manager secret with the search API key, in this stack\'s region'));

  new SecureContainerChatbot(stack, 'Chatbot', {
    container: {
      image: exampleImage(options),
      generatedSecrets: ['SESSION_SIGNING_KEY'],
    },
    domainName: exampleDomainName('team-chat', options),
    hostedZone,
    egress: ChatbotEgress.NAT_GATEWAY,
    removalPolicy: options.removalPolicy,
    backend: {
      image: ChatbotImage.fromRepository(backendImages.ecrRepository, BACKEND_IMAGE_TAG),
      port: 8080,
      healthCheckPath: '/health',
      maxTaskCount: 4,
      secrets: { SEARCH_API_KEY: searchApiKey },
      bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'],
      // A new backend version gets a tenth of the calls for ten minutes, watched by its 5xx alarm.
      deployment: { strategy: ChatbotDeploymentStrategy.canary({ canaryPercent: 10 }), rollbackOnChatbotAlarms: true },
    },
  });
  return stack;
}
