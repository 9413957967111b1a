/**
 * examples/http-api, deployed and checked: an HTTP API with a Cognito JWT authorizer -> VPC link
 * -> internal NLB -> Fargate tasks in subnets of a secondary CIDR. See test/integ/README.md to run it.
 */
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import {
  assertionStack, expectDirectRequestsRefused, expectHealthyTargets, expectRunningTasks, expectUnauthorized, integApp,
  integOptions, integTest,
} from './support';
import { buildHttpApiExample } from '../../examples/http-api/app';
import { SecureContainerChatbot } from '../../src';

const app = integApp();
const stack = buildHttpApiExample(app, integOptions('http-api', 'ChatbotHttpApi'));
const chatbot = stack.node.findChild('Chatbot') as SecureContainerChatbot;
const assertions = assertionStack(app, stack);
const integ = integTest(app, 'HttpApi', [stack], assertions);

const httpApi = chatbot.ingressParts.httpApi!;
const targetGroup = httpApi.node.findAll().find((c): c is elbv2.NetworkTargetGroup => c instanceof elbv2.NetworkTargetGroup);
if (!targetGroup) {
  throw new Error('The HTTP API ingress has no target group');
}
expectUnauthorized(integ, httpApi.url);
// The internal Network Load Balancer resolves to private addresses: only the VPC link reaches it.
expectDirectRequestsRefused(integ, assertions, [`https://${httpApi.networkLoadBalancer.loadBalancerDnsName}/`]);
expectRunningTasks(integ, chatbot.service.fargateService);
expectHealthyTargets(integ, targetGroup);
