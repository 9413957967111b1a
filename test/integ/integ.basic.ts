/**
 * examples/basic, deployed and checked: CloudFront + WAF -> CloudFront-only ALB with Cognito login
 * -> Fargate tasks in private subnets -> VPC endpoints. See test/integ/README.md to run it.
 */
import {
  assertionStack, expectAlarmActionDelivered, expectDirectRequestsRefused, expectHealthyTargets, expectLoginRedirect,
  expectOriginVerifyRotation, expectRunningTasks, integApp, integOptions, integTest,
} from './support';
import { buildBasicExample } from '../../examples/basic/app';
import { SecureContainerChatbot } from '../../src';

const app = integApp();
const options = integOptions('basic', 'ChatbotBasic');
const stack = buildBasicExample(app, options);
const chatbot = stack.node.findChild('Chatbot') as SecureContainerChatbot;
const edgeStack = chatbot.ingressParts.edgeStack!;
const assertions = assertionStack(app, stack);
const integ = integTest(app, 'Basic', [stack, edgeStack], assertions);

const loadBalancer = chatbot.ingressParts.loadBalancer!;
expectLoginRedirect(integ, chatbot);
expectDirectRequestsRefused(integ, assertions, [
  `https://${loadBalancer.applicationLoadBalancer.loadBalancerDnsName}/`,
  // The origin record CloudFront uses: the certificate covers it.
  `https://origin.${options.domainName}/`,
]);
expectRunningTasks(integ, chatbot.service.fargateService);
expectHealthyTargets(integ, loadBalancer.targetGroup);
expectAlarmActionDelivered(integ, chatbot);
expectOriginVerifyRotation(integ, chatbot);
