/**
 * examples/enterprise-sso, deployed and checked: the basic architecture with company sign-in (SAML
 * and OIDC providers federated into Cognito), allowed groups, and address and country allow-lists.
 *
 * Not deployable as shipped: the example's identity providers are sample values (a SAML metadata
 * URL of tenant 0000..., an Okta issuer at example.okta.com whose client secret must exist in
 * Secrets Manager), so `integ:update` leaves this test out unless asked for by name. With real
 * provider values it deploys, and the assertions run from AWS's addresses, which are outside
 * `allowedIpRanges`: there the public URL must be refused by the web ACL (403), not redirected to
 * the login. The snapshot is checked offline like every other.
 */
import {
  assertionStack, expectAlarmActionDelivered, expectDirectRequestsRefused, expectHealthyTargets, expectRefusedByWebAcl,
  expectRunningTasks, integApp, integOptions, integTest,
} from './support';
import { buildEnterpriseSsoExample } from '../../examples/enterprise-sso/app';
import { SecureContainerChatbot } from '../../src';

const app = integApp();
const options = integOptions('enterprise-sso', 'ChatbotEnterpriseSso');
const stack = buildEnterpriseSsoExample(app, options);
const chatbot = stack.node.findChild('Chatbot') as SecureContainerChatbot;
const assertions = assertionStack(app, stack);
const integ = integTest(app, 'EnterpriseSso', [stack, chatbot.ingressParts.edgeStack!], assertions);

const loadBalancer = chatbot.ingressParts.loadBalancer!;
expectRefusedByWebAcl(integ, chatbot.url);
expectDirectRequestsRefused(integ, assertions, [
  `https://${loadBalancer.applicationLoadBalancer.loadBalancerDnsName}/`,
  `https://origin.${options.domainName}/`,
]);
expectRunningTasks(integ, chatbot.service.fargateService);
expectHealthyTargets(integ, loadBalancer.targetGroup);
expectAlarmActionDelivered(integ, chatbot);
