/**
 * examples/storage, deployed and checked: the basic architecture with the S3 bucket and DynamoDB
 * table, autoscaling from 2 tasks, WAF limits, the dashboard and alarms, a Bedrock guardrail and
 * model invocation logging. See test/integ/README.md to run it.
 */
import {
  assertionStack, expectAlarmActionDelivered, expectDirectRequestsRefused, expectHealthyTargets, expectLoginRedirect,
  expectOriginVerifyRotation, expectRunningTasks, integApp, integOptions, integTest,
} from './support';
import { buildStorageExample } from '../../examples/storage/app';
import { SecureContainerChatbot } from '../../src';

const app = integApp();
const options = integOptions('storage', 'ChatbotStorage');
const stack = buildStorageExample(app, options);
const chatbot = stack.node.findChild('Chatbot') as SecureContainerChatbot;
const assertions = assertionStack(app, stack);
const integ = integTest(app, 'Storage', [stack, chatbot.ingressParts.edgeStack!], assertions);

const loadBalancer = chatbot.ingressParts.loadBalancer!;
expectLoginRedirect(integ, chatbot);
expectDirectRequestsRefused(integ, assertions, [
  `https://${loadBalancer.applicationLoadBalancer.loadBalancerDnsName}/`,
  `https://origin.${options.domainName}/`,
]);
expectRunningTasks(integ, chatbot.service.fargateService);
expectHealthyTargets(integ, loadBalancer.targetGroup);
expectAlarmActionDelivered(integ, chatbot);
expectOriginVerifyRotation(integ, chatbot);
