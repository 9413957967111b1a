import { Token } from 'aws-cdk-lib';
import type { ChatbotHttpApiIngressOptions } from './chatbot-http-api';
import { ChatbotCloudFrontIngressOptions } from './chatbot-ingress';
import { HTTP_API_OPTION_KEYS, LOAD_BALANCER_OPTION_KEYS } from './option-types';
import { COGNITO_LOGIN_OPTION_KEYS } from '../auth/option-types';
import { EDGE_REGION } from '../edge/edge-stack';
import { EDGE_OPTION_KEYS } from '../edge/option-types';
import { MONITORING_OPTION_KEYS } from '../monitoring/option-types';
import type { SecureContainerChatbotProps } from '../secure-container-chatbot';
import { NO_LEGACY_LOG_BUCKET_REGIONS } from '../shared/constants';
import {
  KnownKeys, PropsValidator, checkCertificateRegion, checkKnownKeys, isSignOutPath, isValidDomainName, tryZoneName,
} from '../shared/validation';

// The checks of the ingress options against the chatbot's props, each where its option enters:
// the variant that takes the option runs them (see ChatbotIngress's internal methods).

/** The options of `ChatbotIngress.cloudFront()` and `.cloudFrontVpcOrigin()` (held to the interface by a test). */
const CLOUDFRONT_INGRESS_OPTIONS: KnownKeys = [
  ...EDGE_OPTION_KEYS, ...COGNITO_LOGIN_OPTION_KEYS, ...LOAD_BALANCER_OPTION_KEYS, ...MONITORING_OPTION_KEYS,
  'edgeCertificate', 'edgeStack', 'originDomainName', 'signOutPath', 'originVerifyRotationInterval', 'monitoring', 'allowedGroups',
  'protectLogin', 'loginRateLimitPerIp', 'oidc',
];

/** The options of `ChatbotIngress.httpApi()` (held to the interface by a test). */
const HTTP_API_INGRESS_OPTIONS: KnownKeys = [...HTTP_API_OPTION_KEYS];

/** Refuses options the variant does not take, naming the factory that takes them. */
function checkIngressOptionNames(v: PropsValidator, options: object, factory: string, known: KnownKeys,
  otherFactory: string, otherKnown: KnownKeys): void {
  const elsewhere = Object.fromEntries(otherKnown.filter((k) => !known.includes(k)).map((k) => [k, `${otherFactory}, not of ${factory}`]));
  checkKnownKeys(v, options, known, 'ingress.', elsewhere);
}

/** Without a hosted zone, CloudFront's certificate must come validated from the user too. */
export function checkCloudFrontWithoutZone(v: PropsValidator, options: ChatbotCloudFrontIngressOptions): void {
  v.check(options.edgeCertificate !== undefined, 'hostedZone', 'is missing, and so is `ingress.edgeCertificate`: CloudFront\'s new certificate would be validated by a record in the hosted zone.',
    'Pass the Route 53 hosted zone, or a us-east-1 certificate for the domain validated at your DNS provider as `ingress.edgeCertificate`.');
}

/** The CloudFront ingress with a public origin (`ChatbotIngress.cloudFront()`). */
export function checkPublicOriginIngress(v: PropsValidator, props: SecureContainerChatbotProps, options: ChatbotCloudFrontIngressOptions,
  region: string): void {
  checkCloudFrontIngress(v, props, options, region, false);
  const own = props.vpc ? 'vpc' : props.cluster ? 'cluster' : undefined;
  const vpc = props.vpc ?? props.cluster?.vpc;
  if (own && vpc && Array.isArray(vpc.publicSubnets)) {
    // The internet-facing load balancer of a public origin lives in public subnets.
    v.check(vpc.publicSubnets.length > 0, own, 'has no public subnets, where the internet-facing load balancer of ChatbotIngress.cloudFront() lives.',
      'Pass a VPC with public subnets in two Availability Zones, or use ChatbotIngress.cloudFrontVpcOrigin(), whose internal load balancer needs none.');
  }
  if (props.networkOptions?.loadBalancerSubnets) {
    v.fail('networkOptions.loadBalancerSubnets', 'is for an internal load balancer behind ChatbotIngress.cloudFrontVpcOrigin(); this load balancer is internet-facing.',
      'Remove it (it would add an unused NAT gateway), or use ChatbotIngress.cloudFrontVpcOrigin().');
  }
}

/** The HTTP API ingress (`ChatbotIngress.httpApi()`). */
export function checkHttpApiIngress(v: PropsValidator, props: SecureContainerChatbotProps, options: ChatbotHttpApiIngressOptions): void {
  checkIngressOptionNames(v, options, 'ChatbotIngress.httpApi()', HTTP_API_INGRESS_OPTIONS, 'ChatbotIngress.cloudFront()', CLOUDFRONT_INGRESS_OPTIONS);
  // API Gateway: the stage's burst limit is an integer (the rate limit, requests per second, may be fractional).
  const burst = options.throttlingBurstLimit;
  if (typeof burst === 'number' && !Token.isUnresolved(burst)) {
    v.check(Number.isInteger(burst), 'ingress.throttlingBurstLimit', `must be a whole number of requests (got ${burst}).`, `Use ${Math.round(burst)}.`);
  }
  const rate = options.throttlingRateLimit;
  if (typeof rate === 'number' && !Token.isUnresolved(rate)) {
    v.check(rate > 0, 'ingress.throttlingRateLimit', `must be above 0 requests per second (got ${rate}).`, 'Use a rate such as 50.');
  }
  if (props.networkOptions?.loadBalancerSubnets) {
    v.fail('networkOptions.loadBalancerSubnets', 'is for an internal load balancer behind ChatbotIngress.cloudFrontVpcOrigin(); the HTTP API has none.',
      'Remove it, or use ChatbotIngress.cloudFrontVpcOrigin().');
  }
  if (options.jwtIssuer !== undefined) {
    for (const [prop, value] of [['userPool', props.userPool], ['mfa', props.mfa], ['featurePlan', props.featurePlan]] as const) {
      v.check(value === undefined, prop, 'configures Cognito, but `ingress.jwtIssuer` accepts the tokens of an OpenID Connect provider without Cognito.',
        'Remove it, or remove ingress.jwtIssuer and ingress.jwtAudience to use Cognito.');
    }
  }
  v.check(props.container?.healthCheckPath === undefined, 'container.healthCheckPath', 'is unused with `ingress: ChatbotIngress.httpApi()`, whose Network Load Balancer checks the port over TCP.',
    'Remove it, or use ChatbotIngress.cloudFront(), whose load balancer checks the path.');
}

function checkCloudFrontIngress(v: PropsValidator, props: SecureContainerChatbotProps, options: ChatbotCloudFrontIngressOptions, region: string,
  vpcOrigin: boolean): void {
  checkIngressOptionNames(v, options, vpcOrigin ? 'ChatbotIngress.cloudFrontVpcOrigin()' : 'ChatbotIngress.cloudFront()', CLOUDFRONT_INGRESS_OPTIONS,
    'ChatbotIngress.httpApi()', HTTP_API_INGRESS_OPTIONS);
  const domainName = props.domainName;
  if (options.originDomainName !== undefined && !Token.isUnresolved(options.originDomainName)) {
    v.check(isValidDomainName(options.originDomainName) && options.originDomainName !== domainName, 'ingress.originDomainName',
      `'${options.originDomainName}' must be a valid domain name other than \`domainName\`.`, 'Leave it out to use origin.<domainName>.');
  }
  const singleStack = vpcOrigin || (options.edgeStack === undefined && options.edgeCertificate && options.webAclArn);
  if (singleStack && !Token.isUnresolved(region) && NO_LEGACY_LOG_BUCKET_REGIONS.includes(region)) {
    // The distribution would live in this stack and log to a bucket here, which CloudFront cannot do.
    if (vpcOrigin) {
      v.fail('ingress', `is ChatbotIngress.cloudFrontVpcOrigin(), whose distribution lives in the load balancer's stack, in ${region}, where CloudFront cannot deliver its logs to a bucket.`,
        'Use ChatbotIngress.cloudFront() (its distribution goes to a us-east-1 stack), or deploy the chatbot in another region.');
    } else {
      v.fail('ingress.edgeCertificate', `and \`ingress.webAclArn\` without \`ingress.edgeStack\` put the distribution in this stack, in ${region}, where CloudFront cannot deliver its logs to a bucket.`,
        'Also pass `ingress.edgeStack` (a us-east-1 stack), or leave out edgeCertificate and webAclArn to get a us-east-1 edge stack.');
    }
  }
  if (props.hostedZone && !Token.isUnresolved(region) && region !== EDGE_REGION && !singleStack) {
    v.check(!Token.isUnresolved(props.hostedZone.hostedZoneId) && tryZoneName(props.hostedZone) !== undefined, 'hostedZone',
      'must have an ID and a name known at synth time, because the CloudFront parts live in a us-east-1 companion stack.',
      'Import the zone with route53.HostedZone.fromHostedZoneAttributes(this, \'Zone\', { hostedZoneId, zoneName }) or HostedZone.fromLookup.');
  }
  if (options.edgeStack && Token.isUnresolved(options.edgeStack.region)) {
    v.fail('ingress.edgeStack', 'has no Region known at synth time, so the CloudFront parts could not be checked to be in us-east-1.',
      'Create the stack with env: { region: \'us-east-1\' } (and the account), or leave the prop out to get one.');
  }
  if (options.signOutPath !== undefined && !Token.isUnresolved(options.signOutPath)) {
    // The load balancer's rule path and the edge function's match are built from it.
    v.check(isSignOutPath(options.signOutPath), 'ingress.signOutPath',
      `must be an absolute path other than / (got '${options.signOutPath}').`, 'Use a path such as /signout.');
  }
  const stickiness = options.stickinessDuration;
  if (stickiness !== undefined && !Token.isUnresolved(stickiness.toSeconds())) {
    // Elastic Load Balancing: the stickiness cookie lasts 1 second to 7 days (604,800 seconds).
    v.check(stickiness.toSeconds() >= 1 && stickiness.toSeconds() <= 604_800, 'ingress.stickinessDuration',
      `must be from 1 second to 7 days (got ${stickiness.toHumanString()}).`, 'Use Duration.hours(8) or another value within 7 days.');
  }
  if (options.edgeStack && !Token.isUnresolved(options.edgeStack.region)) {
    v.check(options.edgeStack.region === 'us-east-1', 'ingress.edgeStack', `is in ${options.edgeStack.region}, but CloudFront's certificate and web ACL must be in us-east-1.`,
      'Pass a stack whose env.region is us-east-1, or leave the prop out.');
  }
  checkCertificateRegion(v, 'ingress.edgeCertificate', options.edgeCertificate, EDGE_REGION, (r) => `is in ${r}; CloudFront only uses certificates from us-east-1.`,
    'Issue the certificate in us-east-1, or leave the prop out to get one.');
  const rotation = options.originVerifyRotationInterval;
  if (rotation && !rotation.isUnresolved()) {
    const days = rotation.toSeconds() / 86400;
    v.check(Number.isInteger(days) && days >= 1 && days <= 1000, 'ingress.originVerifyRotationInterval',
      `must be a whole number of days from 1 to 1000 (got ${rotation.toHumanString()}).`, 'Secrets Manager rotates at most daily; use Duration.days(30) for example.');
  }
  v.check(!(options.userPoolDomain && options.cognitoDomainPrefix !== undefined), 'ingress.cognitoDomainPrefix',
    'is unused because `ingress.userPoolDomain` was given.', 'Give either an existing domain or a prefix for a new one, not both.');
  for (const prop of ['userPoolClient', 'userPoolDomain'] as const) {
    v.check(options[prop] === undefined || props.userPool !== undefined, `ingress.${prop}`, 'was given without `userPool`, the pool it belongs to.',
      'Pass that pool as `userPool`, or remove the prop to get a new pool.');
  }
  v.check(options.uploadPath === undefined || options.maxUploadBytes !== undefined, 'ingress.uploadPath', 'is unused without `ingress.maxUploadBytes`.',
    'Set ingress.maxUploadBytes to limit uploads on that path, or remove ingress.uploadPath.');
  checkLoginOptions(v, options);
  if (options.oidc !== undefined) {
    const cognitoOnly: Array<[string, unknown]> = [
      ['userPool', props.userPool], ['mfa', props.mfa], ['featurePlan', props.featurePlan],
      ...(['userPoolClient', 'userPoolDomain', 'cognitoDomainPrefix', 'identityProviders', 'cognitoUsers', 'protectLogin', 'loginRateLimitPerIp'] as const)
        .map((prop): [string, unknown] => [`ingress.${prop}`, options[prop]]),
    ];
    for (const [prop, value] of cognitoOnly) {
      v.check(value === undefined, prop, 'configures Cognito, but `ingress.oidc` signs users in at the OpenID Connect provider without Cognito.',
        'Remove it, or remove ingress.oidc to sign in through Cognito (which can federate the same provider with identityProviders).');
    }
  }
  if (options.monitoring === false) {
    for (const prop of MONITORING_OPTION_KEYS) {
      v.check(options[prop] === undefined, `ingress.${prop}`, 'is unused because `ingress.monitoring` is false.', 'Remove it, or turn monitoring on.');
    }
  }
}

/** The CloudFront ingress with an internal load balancer behind a VPC origin (`ChatbotIngress.cloudFrontVpcOrigin()`). */
export function checkVpcOriginIngress(v: PropsValidator, props: SecureContainerChatbotProps, options: ChatbotCloudFrontIngressOptions,
  region: string): void {
  checkCloudFrontIngress(v, props, options, region, true);
  const reasons: { [prop: string]: string } = {
    edgeStack: 'a VPC origin is in the load balancer\'s stack, and so is the distribution',
    originDomainName: 'CloudFront reaches the internal load balancer through the VPC origin, not by a DNS name',
    originVerifyRotationInterval: 'only CloudFront\'s VPC origin reaches the internal load balancer, so there is no origin-verify secret',
  };
  for (const prop of ['edgeStack', 'originDomainName', 'originVerifyRotationInterval'] as const) {
    v.check(options[prop] === undefined, `ingress.${prop}`, `is unused with ChatbotIngress.cloudFrontVpcOrigin(): ${reasons[prop]}.`,
      'Remove it, or use ChatbotIngress.cloudFront() for a public origin.');
  }
  if (!Token.isUnresolved(region) && region !== EDGE_REGION) {
    for (const prop of ['edgeCertificate', 'webAclArn'] as const) {
      v.check(options[prop] !== undefined, `ingress.${prop}`,
        `is missing: with ChatbotIngress.cloudFrontVpcOrigin() the distribution is in this stack (${region}, the load balancer's), but CloudFront's certificate and web ACL must be in us-east-1.`,
        'Create them in us-east-1 first and pass the certificate and the CLOUDFRONT-scope web ACL ARN (nothing is then deployed to us-east-1), or put the stack in us-east-1.');
    }
  }
  // The login on the load balancer calls Cognito's token endpoint, which has no private endpoint.
  if (props.networkOptions?.loadBalancerSubnets === false) {
    v.fail('networkOptions.loadBalancerSubnets', 'is false, but the internal load balancer\'s login needs its subnets\' route to the internet (a NAT gateway) to reach Cognito\'s token endpoint.',
      'Remove it: ChatbotIngress.cloudFrontVpcOrigin() adds those subnets and one NAT gateway.');
  }
  const own = props.vpc ?? props.cluster?.vpc;
  if (own && own.privateSubnets.length === 0) {
    v.fail(props.vpc ? 'vpc' : 'cluster', 'has no private subnets with a route out (PRIVATE_WITH_EGRESS), where the internal load balancer goes: its login could not reach Cognito\'s token endpoint, which has no private endpoint.',
      'Give the VPC private subnets that route to a NAT gateway, or let the construct create the VPC.');
  }
}

function checkLoginOptions(v: PropsValidator, options: ChatbotCloudFrontIngressOptions): void {
  const allowList = options.allowedIpRanges !== undefined ? 'ingress.allowedIpRanges' : options.allowedCountries !== undefined ? 'ingress.allowedCountries' : undefined;
  v.check(!(allowList && options.protectLogin === false), 'ingress.protectLogin',
    `is false, but \`${allowList}\` must apply to the user pool's login too, or it could be walked around (Cognito's login does not pass through CloudFront).`,
    'Remove protectLogin (the allow-list turns the login protection on).');
  v.check(!(allowList && options.webAclArn !== undefined), allowList ?? '',
    'only applies to the web ACL the construct creates, but `ingress.webAclArn` was given.', 'Add the allow-list to your own web ACL and give it here only for the login, or remove webAclArn.');
  v.check(options.loginRateLimitPerIp === undefined || (options.protectLogin ?? allowList !== undefined), 'ingress.loginRateLimitPerIp',
    'is unused without the login protection.', 'Set ingress.protectLogin to true, or remove loginRateLimitPerIp.');
  const groups = options.allowedGroups;
  if (groups !== undefined) {
    if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string')) {
      v.fail('ingress.allowedGroups', 'must be a list of group names.', 'Pass strings such as [\'chat-users\'].');
    } else {
      v.check(groups.length > 0, 'ingress.allowedGroups', 'is an empty list, which would refuse everyone.', 'Remove it to let every signed-in user in, or name the groups.');
      for (const group of groups.filter((g) => !Token.isUnresolved(g))) {
        v.check(group.trim() === group && group.length >= 1 && group.length <= 256 && !/[,\[\]"]/.test(group), 'ingress.allowedGroups',
          `has '${group}', which cannot be matched: names are 1 to 256 characters without commas, brackets, quotes or surrounding spaces.`,
          'Use the group name (or id, for Entra ID object ids) exactly as the provider sends it.');
      }
    }
  }
}
