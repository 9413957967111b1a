/**
 * examples/two-tier, deployed and checked: public entry -> frontend -> internal HTTPS ALB ->
 * backend, images from ECR, Secrets Manager secrets, NAT egress.
 *
 * Not deployable in one command: before `integ:update -- test/integ/integ.two-tier.ts`, deploy
 * `IntegChatbotTwoTierImages` (or let the run fail once after creating it), push the backend image
 * as `<BackendRepositoryUri>:1.0.0`, and create the secret `chatbot/search-api-key` in eu-central-1
 * (see the README's "Two-tier: deploy the images first"). `integ:update` leaves it out otherwise.
 */
import {
  assertionStack, expectAlarmActionDelivered, expectDirectRequestsRefused, expectHealthyTargets, expectLoginRedirect,
  expectOriginVerifyRotation, expectRunningTasks, integApp, integOptions, integTest,
} from './support';
import { buildTwoTierExample } from '../../examples/two-tier/app';
import { SecureContainerChatbot } from '../../src';

const app = integApp();
const options = integOptions('two-tier', 'ChatbotTwoTier');
const stack = buildTwoTierExample(app, options);
const images = app.node.findChild('ChatbotTwoTierImages') as typeof stack;
const chatbot = stack.node.findChild('Chatbot') as SecureContainerChatbot;
const assertions = assertionStack(app, stack);
const integ = integTest(app, 'TwoTier', [images, stack, chatbot.ingressParts.edgeStack!], assertions);

const loadBalancer = chatbot.ingressParts.loadBalancer!;
const backend = chatbot.backend!;
expectLoginRedirect(integ, chatbot);
expectDirectRequestsRefused(integ, assertions, [
  `https://${loadBalancer.applicationLoadBalancer.loadBalancerDnsName}/`,
  `https://origin.${options.domainName}/`,
  // The backend's internal load balancer: private addresses, reached only from the frontend's tasks.
  `https://${backend.applicationLoadBalancer.loadBalancerDnsName}/`,
]);
expectRunningTasks(integ, chatbot.service.fargateService);
expectHealthyTargets(integ, loadBalancer.targetGroup);
expectRunningTasks(integ, backend.service.fargateService);
expectHealthyTargets(integ, backend.targetGroup);
expectAlarmActionDelivered(integ, chatbot);
expectOriginVerifyRotation(integ, chatbot);
