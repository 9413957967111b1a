import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { validateBackendOptions } from '../backend/validate-backend';
import { validateConversationHistory } from '../conversations/validate-conversations';
import { EDGE_REGION } from '../edge/edge-stack';
import { ChatbotIngress } from '../ingress/chatbot-ingress';
import { ChatbotEgress } from '../network/chatbot-network';
import type { SecureContainerChatbotProps } from '../secure-container-chatbot';
import { ChatbotContainerOptions } from '../service/chatbot-container-options';
import { TASK_CONTAINER_OPTION_KEYS } from '../service/option-types';
import { logRetentionType } from '../shared/aws-limits';
import { BEDROCK_VARIABLES, DEFAULT_DESIRED_COUNT, setsBedrockVariable } from '../shared/constants';
import { checkDeletionProtection, checkRemovalPolicy } from '../shared/removal-policy';
import {
  ENVIRONMENT_VARIABLE_NAME, KnownKeys, PropsValidator, checkCertificateRegion, checkKnownKeys, isInZone, isKnown, checkDomainName, tryZoneName,
} from '../shared/validation';

// Variables the construct sets in the container, and the prop each one comes from.
const RESERVED_VARIABLES: ReadonlyArray<readonly [string, string, (props: SecureContainerChatbotProps) => boolean]> = [
  ...BEDROCK_VARIABLES.map(([name, prop]) => [name, prop, (p: SecureContainerChatbotProps) => setsBedrockVariable(p, prop)] as const),
  ['SIGNOUT_PATH', 'ingress', () => true],
  ['FILES_BUCKET', 'storage', (p) => p.storage !== undefined],
  ['METADATA_TABLE', 'storage', (p) => p.storage !== undefined],
  ['BACKEND_URL', 'backend', (p) => p.backend !== undefined],
  ['CONVERSATIONS_TABLE', 'conversationHistory', (p) => p.conversationHistory?.enabled !== false],
  ['CONVERSATIONS_RETENTION_DAYS', 'conversationHistory', (p) => p.conversationHistory?.enabled !== false],
  ['IDENTITY_SOURCE', 'ingress', () => true],
  ['ALLOWED_GROUPS', 'ingress.allowedGroups', (p) => p.ingress?.cloudFrontOptions?.allowedGroups !== undefined],
];

/** The props of `SecureContainerChatbot` (held to the interface by a test). */
const CHATBOT_PROPS: KnownKeys = [
  'container', 'domainName', 'hostedZone', 'ingress', 'bedrockModels', 'bedrockGuardrail', 'bedrockKnowledgeBases', 'bedrockInvocationLogging',
  'desiredCount', 'maxTaskCount', 'cpuTargetPercent', 'memoryTargetPercent', 'storage', 'conversationHistory', 'networkOptions', 'egress',
  'backend', 'vpc', 'deployment', 'interfaceEndpointsInOneAz', 'vpcEndpoints', 'cluster', 'userPool', 'mfa', 'featurePlan', 'certificate',
  'logRetention', 'removalPolicy', 'deletionProtection',
];

/** The members of `container` (`ChatbotContainerOptions`, held to the interface by a test). */
const CONTAINER_OPTIONS: KnownKeys = [...TASK_CONTAINER_OPTION_KEYS, 'healthCheckPath'];

/**
 * Refuses bad props of `SecureContainerChatbot`, every problem at once with its prop path and fix.
 * Each rule is checked here, where its prop enters; the ingress variant checks its own options.
 */
export function validateChatbotProps(scope: Construct, stack: Stack, props: SecureContainerChatbotProps, ingress: ChatbotIngress): void {
  const v = new PropsValidator('SecureContainerChatbot', scope);
  const region = stack.region;
  // JavaScript callers are not held to the types: refuse the old shapes with a pointer to the new.
  if (props.ingress !== undefined && !(props.ingress instanceof ChatbotIngress)) {
    v.fail('ingress', `is ${JSON.stringify(props.ingress)}, not a ChatbotIngress.`, 'Pass ChatbotIngress.cloudFront({ ... }) or ChatbotIngress.httpApi({ ... }).');
  }
  const legacy = props as unknown as { [prop: string]: unknown };
  const moved = [['image', 'container.image'], ['containerPort', 'container.port'], ['config', 'container.environment'], ['cpu', 'container.cpu'],
    ['memoryLimitMiB', 'container.memoryLimitMiB'], ['secrets', 'container.secrets'], ['generatedSecrets', 'container.generatedSecrets']];
  for (const [old, now] of moved) {
    v.check(legacy[old] === undefined, old, `is not a prop of SecureContainerChatbot; it moved to \`${now}\`.`, `Pass it as \`${now}\`.`);
  }
  checkKnownKeys(v, props, [...CHATBOT_PROPS, ...moved.map(([old]) => old)]);
  const container = props.container;
  if (container === undefined || container === null || typeof container !== 'object') {
    v.fail('container', 'is missing.', 'Pass the chat app\'s container, at least { image: ChatbotImage.fromAsset(\'./app\') }.');
  } else {
    v.check(!!container.image, 'container.image', 'is missing.', 'Pass the chat app\'s container image, for example ChatbotImage.fromAsset(\'./app\').');
    checkKnownKeys(v, container, CONTAINER_OPTIONS, 'container.');
    checkContainer(v, props, container);
  }
  v.throwIfInvalid();

  const logging = props.bedrockInvocationLogging as unknown;
  v.check(logging === undefined || (typeof logging === 'object' && logging !== null && !Array.isArray(logging)), 'bedrockInvocationLogging',
    `is ${JSON.stringify(logging)}, not an object.`, 'Pass { } to turn invocation logging on with the defaults, or leave it out.');
  if (!props.hostedZone) {
    // DNS outside Route 53: every certificate must come validated from the user.
    v.check(props.certificate !== undefined, 'hostedZone', 'is missing, and so is `certificate`: a new certificate is validated by a record in the hosted zone.',
      'Pass the Route 53 hosted zone (HostedZone.fromHostedZoneAttributes), or bring the certificates validated at your DNS provider: `certificate` and, with a CloudFront ingress, `ingress.edgeCertificate`.');
    ingress._checkWithoutZone(v);
  }
  v.check(!Token.isUnresolved(region), 'env.region', 'of the stack is not known at synth time.',
    'Set env.region on the stack: the library places the CloudFront parts in us-east-1 and needs to know whether the stack is already there.');
  const domainName = props.domainName;
  if (domainName === undefined || domainName === '') {
    v.fail('domainName', 'is missing.', 'Pass the public host name of the app, such as chat.example.com: the Cognito login on the load balancer needs HTTPS on a custom domain.');
  } else if (!Token.isUnresolved(domainName)) {
    const valid = checkDomainName(v, 'domainName', domainName);
    const zoneName = props.hostedZone ? tryZoneName(props.hostedZone) : undefined;
    if (zoneName !== undefined && valid) {
      v.check(isInZone(domainName, zoneName), 'hostedZone', `is ${zoneName}, which does not contain ${domainName}.`, 'Pass the hosted zone that holds the domain name.');
    }
  } else if (region !== EDGE_REGION) {
    v.fail('domainName', 'is a token, but it must be known at synth time when the stack is outside us-east-1.',
      'Pass the domain as a string: the us-east-1 edge stack receives it without cross-region references.');
  }
  checkCertificateRegion(v, 'certificate', props.certificate, region, (r) => `is in ${r} but the load balancer is in ${region}.`,
    'Pass a certificate from the stack\'s own region, or pass the us-east-1 one as the CloudFront ingress\'s edgeCertificate.');
  ingress._checkProps(v, props, region);
  validateConversationHistory(scope, props.conversationHistory);
  if (props.backend) {
    validateBackendOptions(scope, 'SecureContainerChatbot', 'backend.', props.backend);
  }
  checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
  checkDeletionProtection(v, props.deletionProtection, props.removalPolicy);
  if (props.logRetention !== undefined) {
    // Checked here, where it enters, rather than by each part that receives it.
    const retention = logRetentionType();
    v.check(retention.test(props.logRetention), 'logRetention', `must be a logs.RetentionDays value (got ${JSON.stringify(props.logRetention)}); ${retention.accepted}.`,
      retention.fix!);
  }
  checkNetwork(v, props);
  checkScaling(v, props);
  checkFrontStrategy(v, props, ingress);
  v.throwIfInvalid();
}

/**
 * The front service rolls. ECS shifts traffic by rewriting the forward action of the production
 * rule, and the front rules authenticate first: ECS's guide to load balancer resources for
 * blue/green lists rules that mix authenticate and forward actions as unsupported (the deployment
 * fails). The HTTP API's Network Load Balancer would take it, but is not wired for it here.
 */
function checkFrontStrategy(v: PropsValidator, props: SecureContainerChatbotProps, ingress: ChatbotIngress): void {
  const strategy = props.deployment?.strategy;
  if (!strategy?.shiftsTraffic) {
    return;
  }
  const why = ingress.variant === 'httpApi'
    ? 'which the HTTP API\'s Network Load Balancer is not wired for in this release'
    : 'and ECS rewrites the forward action of the production listener rule, while the front rules authenticate (Cognito or OIDC) before they forward, a combination ECS documents as unsupported';
  v.fail('deployment.strategy', `is ${strategy.name}, which shifts traffic between two target groups, ${why}.`,
    'Keep the front service rolling and roll back a bad release on alarms (`deployment.rollbackOnChatbotAlarms`); '
    + 'a backend service (`backend.deployment.strategy`) takes blue/green, linear and canary.');
}

function checkContainer(v: PropsValidator, props: SecureContainerChatbotProps, container: ChatbotContainerOptions): void {
  if (container.healthCheckPath !== undefined && !Token.isUnresolved(container.healthCheckPath)) {
    v.check(/^\/[A-Za-z0-9._~\-/?=&%]*$/.test(container.healthCheckPath) && container.healthCheckPath.length <= 1024, 'container.healthCheckPath',
      `must be an absolute URL path of at most 1024 characters (got '${container.healthCheckPath}').`, 'Use the path your app answers 200 on without a login, such as /health (/ for Gradio).');
  }
  for (const [prop, value] of [['container.environment', container.environment], ['container.secrets', container.secrets]] as const) {
    if (value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
      v.fail(prop, 'must map environment variable names to values.', 'Pass an object such as { LOG_LEVEL: \'info\' }.');
    }
  }
  checkEnvironmentValues(v, container);
  checkVariableNames(v, container);
  checkGeneratedSecretNames(v, container);
  const writable = container.writableDirectories;
  if (Array.isArray(writable)) {
    const repeated = writable.filter((dir, i) => writable.indexOf(dir) !== i);
    v.check(repeated.length === 0, 'container.writableDirectories', `lists ${[...new Set(repeated)].join(', ')} more than once, which would mount two volumes on one path.`,
      'List each directory once.');
  }
  const names = [...Object.keys(container.environment ?? {}), ...Object.keys(container.secrets ?? {}), ...(container.generatedSecrets ?? [])];
  for (const [name, source, applies] of RESERVED_VARIABLES) {
    if (!names.includes(name) || !applies(props)) {
      continue;
    }
    const prop = Object.keys(container.environment ?? {}).includes(name) ? 'container.environment'
      : Object.keys(container.secrets ?? {}).includes(name) ? 'container.secrets' : 'container.generatedSecrets';
    v.fail(prop, `sets ${name}, which the construct sets itself from \`${source}\`.`, `Remove ${name} from \`${prop}\`, or change \`${source}\`, which sets it.`);
  }
}

// The library's documented bound on one configuration value (README, "Bad input fails at synth
// time"): the whole container definition counts against ECS's 64 KiB task definition limit, and a
// value above 4 KB belongs in a file, the storage bucket or a secret.
const MAX_ENVIRONMENT_VALUE_BYTES = 4096;

function checkEnvironmentValues(v: PropsValidator, container: ChatbotContainerOptions): void {
  const environment = container.environment;
  if (environment === undefined || typeof environment !== 'object' || Array.isArray(environment)) {
    return;
  }
  for (const [name, value] of Object.entries(environment)) {
    if (typeof value !== 'string' || Token.isUnresolved(value)) {
      continue;
    }
    v.check(value !== '', `container.environment.${name}`, 'is empty, and ECS passes an empty value as no variable at all in some runtimes.',
      `Give ${name} a value, or remove it.`);
    const bytes = Buffer.byteLength(value, 'utf8');
    v.check(bytes <= MAX_ENVIRONMENT_VALUE_BYTES, `container.environment.${name}`, `is ${bytes} bytes, above the 4 KB a configuration value may have.`,
      'Put long values in a file in the image or the storage bucket, or in a secret (`container.secrets`).');
  }
}

/** Variable names of `environment` and `secrets`, each under the prop it was written in. */
function checkVariableNames(v: PropsValidator, container: ChatbotContainerOptions): void {
  for (const prop of ['environment', 'secrets'] as const) {
    const value = container[prop];
    if (value === undefined || typeof value !== 'object' || Array.isArray(value)) {
      continue;
    }
    for (const name of Object.keys(value).filter((n) => !Token.isUnresolved(n))) {
      v.check(ENVIRONMENT_VARIABLE_NAME.test(name), `container.${prop}`, `has '${name}', which is not a valid environment variable name.`,
        'Use letters, digits and underscores, not starting with a digit, such as API_KEY.');
    }
  }
}

/** Generated secret names, each reported once at its index (`container.generatedSecrets[2]`). */
function checkGeneratedSecretNames(v: PropsValidator, container: ChatbotContainerOptions): void {
  const generated = container.generatedSecrets;
  if (!Array.isArray(generated)) {
    return;
  }
  generated.forEach((name, i) => {
    if (typeof name !== 'string' || Token.isUnresolved(name)) {
      return;
    }
    v.check(ENVIRONMENT_VARIABLE_NAME.test(name), `container.generatedSecrets[${i}]`, `'${name}' is not a valid environment variable name.`,
      'Use letters, digits and underscores, not starting with a digit, such as API_KEY.');
    v.check(generated.indexOf(name) === i, `container.generatedSecrets[${i}]`, `'${name}' is listed a second time (first at [${generated.indexOf(name)}]).`,
      'List each generated secret once.');
  });
}

function checkNetwork(v: PropsValidator, props: SecureContainerChatbotProps): void {
  const own = props.vpc ? 'vpc' : props.cluster ? 'cluster' : undefined;
  const vpc = props.vpc ?? props.cluster?.vpc;
  if (vpc && Array.isArray(vpc.availabilityZones) && !vpc.availabilityZones.some((az) => Token.isUnresolved(az))) {
    // Two AZs: the load balancers need subnets in two Availability Zones (Elastic Load Balancing).
    v.check(vpc.availabilityZones.length >= 2, own!, `has ${vpc.availabilityZones.length} Availability Zone, but the load balancers and tasks need two.`,
      'Pass a VPC with subnets in at least two Availability Zones (ec2.Vpc with maxAzs: 2), or leave it out to get one.');
  }
  if (own) {
    v.check(props.networkOptions === undefined, 'networkOptions', `plans a new VPC, but \`${own}\` brings an existing one.`,
      `Remove networkOptions, or remove \`${own}\` to let the construct create the VPC.`);
  }
  const endpoints = props.vpcEndpoints ?? own === undefined;
  if (props.interfaceEndpointsInOneAz !== undefined && !endpoints) {
    const why = props.vpcEndpoints === false ? '`vpcEndpoints` is false' : `\`${own}\` was given without \`vpcEndpoints: true\``;
    v.fail('interfaceEndpointsInOneAz', `is unused because no VPC endpoints are created (${why}).`,
      'Remove it, or set vpcEndpoints: true to create the endpoints.');
  }
  const egress = props.egress ?? props.networkOptions?.egress ?? ChatbotEgress.VPC_ENDPOINTS_ONLY;
  if (!own && egress === ChatbotEgress.VPC_ENDPOINTS_ONLY) {
    v.check(props.vpcEndpoints !== false, 'vpcEndpoints', 'is false, but the new VPC has no NAT gateway (`egress` is VPC_ENDPOINTS_ONLY), so the tasks could not pull images or write logs.',
      'Remove vpcEndpoints, or choose a NAT egress (ChatbotEgress.NAT_GATEWAY).');
  }
  if (props.vpc && props.egress !== undefined) {
    if (props.egress === ChatbotEgress.VPC_ENDPOINTS_ONLY) {
      v.check(props.vpcEndpoints !== false, 'egress', 'is VPC_ENDPOINTS_ONLY but `vpcEndpoints` is false, so the tasks could not pull images or write logs.',
        'Set vpcEndpoints to true, or choose a NAT egress for a VPC whose private subnets route to a NAT gateway.');
    } else {
      v.check(props.vpc.privateSubnets.length > 0, 'egress', `is ${props.egress}, but the given VPC has no private subnets with a route out (PRIVATE_WITH_EGRESS).`,
        'Add NAT gateways to your VPC, or use ChatbotEgress.VPC_ENDPOINTS_ONLY with vpcEndpoints: true.');
    }
  }
  if (props.vpc && props.cluster && props.cluster.vpc !== props.vpc) {
    v.fail('cluster', 'runs in another VPC than `vpc`.', 'Pass the cluster\'s own VPC as `vpc`, or leave `vpc` out to use the cluster\'s.');
  }
}

function checkScaling(v: PropsValidator, props: SecureContainerChatbotProps): void {
  const desired = props.desiredCount ?? DEFAULT_DESIRED_COUNT;
  const max = props.maxTaskCount ?? desired;
  for (const [prop, value] of [['desiredCount', props.desiredCount], ['maxTaskCount', props.maxTaskCount]] as const) {
    if (typeof value === 'number' && !Token.isUnresolved(value)) {
      v.check(Number.isInteger(value), prop, `must be a whole number of tasks (got ${value}).`, `Use ${Math.floor(value)} or ${Math.ceil(value)}.`);
    }
  }
  const scales = !isKnown(desired) || !isKnown(max) || max > desired;
  for (const prop of ['cpuTargetPercent', 'memoryTargetPercent'] as const) {
    v.check(props[prop] === undefined || scales, prop, 'is unused because autoscaling is off (`maxTaskCount` is not above `desiredCount`).',
      'Set maxTaskCount above desiredCount to scale, or remove the target.');
  }
}
