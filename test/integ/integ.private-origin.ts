/**
 * examples/private-origin, deployed and checked: CloudFront + WAF -> a CloudFront VPC origin -> an
 * internal ALB with Cognito login -> Fargate tasks without any route out. One stack, in us-east-1.
 * See test/integ/README.md to run it.
 */
import {
  assertionStack, expectAlarmActionDelivered, expectDirectRequestsRefused, expectHealthyTargets, expectLoginRedirect,
  expectRunningTasks, integApp, integOptions, integTest,
} from './support';
import { buildPrivateOriginExample } from '../../examples/private-origin/app';
import { SecureContainerChatbot } from '../../src';

const app = integApp();
const stack = buildPrivateOriginExample(app, integOptions('private-origin', 'ChatbotPrivateOrigin'));
const chatbot = stack.node.findChild('Chatbot') as SecureContainerChatbot;
const assertions = assertionStack(app, stack);
const integ = integTest(app, 'PrivateOrigin', [stack], assertions);

const loadBalancer = chatbot.ingressParts.loadBalancer!;
expectLoginRedirect(integ, chatbot);
// The internal load balancer's name resolves to private addresses: nothing on the internet connects.
expectDirectRequestsRefused(integ, assertions, [`https://${loadBalancer.applicationLoadBalancer.loadBalancerDnsName}/`]);
expectRunningTasks(integ, chatbot.service.fargateService);
expectHealthyTargets(integ, loadBalancer.targetGroup);
expectAlarmActionDelivered(integ, chatbot);
