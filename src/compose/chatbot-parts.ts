import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ChatbotBackend } from '../backend/chatbot-backend';
import { ChatbotInvocationLogging } from '../bedrock/chatbot-invocation-logging';
import { ChatbotConversations } from '../conversations/chatbot-conversations';
import { ChatbotEndpoints } from '../endpoints/chatbot-endpoints';
import { IngressPlan } from '../ingress/ingress-parts';
import { ChatbotMonitoring } from '../monitoring/chatbot-monitoring';
import { ChatbotNetwork } from '../network/chatbot-network';
import type { SecureContainerChatbotProps } from '../secure-container-chatbot';
import { ChatbotService } from '../service/chatbot-service';
import { TASK_CONTAINER_OPTION_KEYS } from '../service/option-types';
import { backendDomainName } from '../shared/constants';
import { dnsRecordOutput } from '../shared/dns-record-output';
import { createServiceLogBucket } from '../shared/log-bucket';
import { pickOptions, withPropPath } from '../shared/prop-path';
import { PropsValidator } from '../shared/validation';
import { ChatbotStorage } from '../storage/chatbot-storage';

// The parts of SecureContainerChatbot that every ingress shares, one function a part: each takes
// the chatbot's props and the parts it builds on, passes the user's prop path down, and returns
// the part (undefined when the props do not ask for it). A new part gets a function here and one
// line in the root's constructor; a part of one ingress variant belongs to that variant
// (src/ingress/).

/** What every part is built with. */
export interface ChatbotBase {
  readonly props: SecureContainerChatbotProps;
  readonly stack: Stack;
  readonly plan: IngressPlan;
  readonly url: string;
  readonly encryptionKey: kms.Key;
}

/** The VPC: the user's (`vpc`, or the `cluster`'s), or a new `ChatbotNetwork`. */
export function composeNetwork(scope: Construct, base: ChatbotBase): { vpc: ec2.IVpc; network?: ChatbotNetwork } {
  const props = base.props;
  const own = props.vpc ?? props.cluster?.vpc;
  if (own) {
    return { vpc: own };
  }
  const network = new ChatbotNetwork(scope, 'Network', withPropPath({
    ...props.networkOptions,
    loadBalancerSubnets: props.networkOptions?.loadBalancerSubnets ?? base.plan.defaultLoadBalancerSubnets,
    egress: props.egress ?? props.networkOptions?.egress,
    flowLogRetention: props.logRetention ?? props.networkOptions?.flowLogRetention,
    logsEncryptionKey: base.encryptionKey,
    removalPolicy: props.removalPolicy,
  }, 'networkOptions.', { egress: props.egress !== undefined ? 'egress' : 'networkOptions.egress', removalPolicy: 'removalPolicy' }));
  return { vpc: network.vpc, network };
}

/**
 * One bucket for the access logs that can only go to S3 (SSE-S3): the files bucket's server
 * access logs. The load balancers deliver theirs into KMS-encrypted log groups, so without a
 * files bucket of the chatbot's own the stack has no log bucket at all.
 */
export function composeAccessLogsBucket(scope: Construct, base: ChatbotBase): s3.Bucket | undefined {
  const ownsFilesBucket = base.props.storage !== undefined && base.props.storage.bucket === undefined;
  return ownsFilesBucket
    ? createServiceLogBucket(scope, 'AccessLogs', s3.ObjectOwnership.BUCKET_OWNER_ENFORCED, base.props.removalPolicy)
    : undefined;
}

/** Files and metadata (built before the service, whose configuration holds their names). */
export function composeStorage(scope: Construct, base: ChatbotBase, accessLogsBucket: s3.Bucket | undefined): ChatbotStorage | undefined {
  const storage = base.props.storage;
  if (!storage) {
    return undefined;
  }
  const ownsStorage = !(storage.bucket && storage.table);
  return new ChatbotStorage(scope, 'Storage', withPropPath({
    ...storage,
    removalPolicy: storage.removalPolicy ?? (ownsStorage ? base.props.removalPolicy : undefined),
    accessLogsBucket,
  }, 'storage.'));
}

/** Each user's conversations, on unless `conversationHistory.enabled` is false. */
export function composeConversations(scope: Construct, base: ChatbotBase): ChatbotConversations | undefined {
  const history = base.props.conversationHistory ?? {};
  if (!(history.enabled ?? true)) {
    return undefined;
  }
  const conversations = new ChatbotConversations(scope, 'Conversations', withPropPath({
    table: history.table,
    retention: history.retention,
    encryptionKey: history.table ? undefined : base.encryptionKey,
    removalPolicy: history.table ? undefined : base.props.removalPolicy,
  }, 'conversationHistory.', { removalPolicy: 'removalPolicy' }));
  new CfnOutput(scope, 'ConversationsTable', {
    description: 'DynamoDB table of the conversations (partition key userId): see the README to delete one user\'s data',
    value: conversations.table.tableName,
  });
  return conversations;
}

/** The app's Fargate service, from `container` and the chatbot's scaling and Bedrock props. */
export function composeService(scope: Construct, base: ChatbotBase, vpc: ec2.IVpc, network: ChatbotNetwork | undefined,
  storage: ChatbotStorage | undefined, conversations: ChatbotConversations | undefined): ChatbotService {
  const props = base.props;
  const container = props.container;
  const derivedConfig: { [name: string]: string } = {
    ...conversations?.environment,
    ...(storage ? { FILES_BUCKET: storage.bucket.bucketName, METADATA_TABLE: storage.table.tableName } : {}),
    ...(props.backend ? { BACKEND_URL: `https://${backendDomainName(props.domainName)}` } : {}),
    ...base.plan.environment,
  };
  // Messages about the service's props name them as written here (`container.port`).
  return new ChatbotService(scope, 'Service', withPropPath({
    ...pickOptions(container, TASK_CONTAINER_OPTION_KEYS),
    environment: { ...derivedConfig, ...container.environment },
    vpc,
    subnets: network?.taskSubnets,
    cluster: props.cluster,
    desiredCount: props.desiredCount,
    maxTaskCount: props.maxTaskCount,
    cpuTargetPercent: props.cpuTargetPercent,
    memoryTargetPercent: props.memoryTargetPercent,
    bedrockModels: props.bedrockModels,
    bedrockGuardrail: props.bedrockGuardrail,
    bedrockKnowledgeBases: props.bedrockKnowledgeBases,
    logRetention: props.logRetention,
    logsEncryptionKey: base.encryptionKey,
    signOutPath: base.plan.signOutPath,
    // The chatbot's own alarms exist only once the entry is built: composeReleaseRollback adds them.
    deployment: props.deployment && { ...props.deployment, rollbackOnChatbotAlarms: undefined },
    removalPolicy: props.removalPolicy,
  }, '', {
    ...Object.fromEntries(TASK_CONTAINER_OPTION_KEYS.map((key) => [key, `container.${key}`])),
    signOutPath: 'ingress.signOutPath',
  }));
}

/** The VPC endpoints the tasks need, unless `vpcEndpoints` (or a VPC of the user's) says none. */
export function composeEndpoints(scope: Construct, base: ChatbotBase, vpc: ec2.IVpc, service: ChatbotService,
  storage: ChatbotStorage | undefined, conversations: ChatbotConversations | undefined): ChatbotEndpoints | undefined {
  const props = base.props;
  if (!(props.vpcEndpoints ?? (!props.vpc && !props.cluster))) {
    return undefined;
  }
  const usesSecrets = [props.container.secrets, props.backend?.secrets].some((m) => m && Object.keys(m).length > 0)
    || [props.container.generatedSecrets, props.backend?.generatedSecrets].some((l) => l && l.length > 0);
  const endpoints = new ChatbotEndpoints(scope, 'Endpoints', {
    vpc,
    subnets: service.subnets,
    oneAvailabilityZone: props.interfaceEndpointsInOneAz,
    // ECS fetches the containers' secrets at task start; plain configuration needs no endpoint.
    additionalInterfaceServices: usesSecrets ? [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER] : [],
    dynamoDbGateway: storage !== undefined || conversations !== undefined,
    bedrockAgentRuntime: (props.bedrockKnowledgeBases ?? []).length > 0,
  });
  endpoints.allowFrom(service.securityGroup);
  return endpoints;
}

/** Bedrock model invocation logging, with `bedrockInvocationLogging`. */
export function composeInvocationLogging(scope: Construct, base: ChatbotBase): ChatbotInvocationLogging | undefined {
  const logging = base.props.bedrockInvocationLogging;
  return logging ? new ChatbotInvocationLogging(scope, 'InvocationLogging', withPropPath({
    ...logging,
    encryptionKey: base.encryptionKey,
    removalPolicy: base.props.removalPolicy,
  }, 'bedrockInvocationLogging.', { removalPolicy: 'removalPolicy' })) : undefined;
}

/**
 * One regional certificate: the public name, the names the ingress adds (the origin name
 * CloudFront connects to), the backend. Without a hosted zone the certificate is the user's:
 * validation refuses the other case.
 */
export function composeCertificate(scope: Construct, base: ChatbotBase): acm.ICertificate {
  const props = base.props;
  const alternativeNames = [...base.plan.certificateNames, ...(props.backend ? [backendDomainName(props.domainName)] : [])];
  return props.certificate ?? new acm.Certificate(scope, 'Certificate', {
    domainName: props.domainName,
    subjectAlternativeNames: alternativeNames.length > 0 ? alternativeNames : undefined,
    validation: acm.CertificateValidation.fromDns(props.hostedZone),
  });
}

/** The private backend behind its internal load balancer, with `backend`. */
export function composeBackend(scope: Construct, base: ChatbotBase, vpc: ec2.IVpc, service: ChatbotService, certificate: acm.ICertificate,
  endpoints: ChatbotEndpoints | undefined): ChatbotBackend | undefined {
  const props = base.props;
  const options = props.backend;
  if (!options) {
    return undefined;
  }
  const domainName = backendDomainName(props.domainName);
  const backend = new ChatbotBackend(scope, 'Backend', withPropPath({
    ...options,
    // The chatbot's alarms exist only once the entry is built: composeReleaseRollback adds them.
    deployment: options.deployment && { ...options.deployment, rollbackOnChatbotAlarms: undefined },
    bedrockGuardrail: options.bedrockGuardrail ?? ((options.bedrockModels ?? []).length > 0 ? props.bedrockGuardrail : undefined),
    vpc,
    // The same subnets as the frontend: the ones the VPC endpoints serve.
    subnets: service.subnets,
    cluster: service.cluster,
    clientSecurityGroup: service.securityGroup,
    domainName,
    certificate,
    hostedZone: props.hostedZone,
    logsEncryptionKey: base.encryptionKey,
    logRetention: props.logRetention,
    deletionProtection: props.deletionProtection,
    removalPolicy: props.removalPolicy,
  }, 'backend.'));
  endpoints?.allowFrom(backend.service.securityGroup);
  if (!props.hostedZone) {
    dnsRecordOutput(scope, 'DnsRecordBackend', domainName, backend.applicationLoadBalancer.loadBalancerDnsName,
      'the backend\'s internal load balancer (resolvable only inside the VPC, so a private zone of your DNS serves too)');
  }
  return backend;
}

/**
 * `deployment.rollbackOnChatbotAlarms` and `backend.deployment.rollbackOnChatbotAlarms`: a
 * service rolls a deployment back on the chatbot's own alarms that mean a bad release (for the
 * backend, a 5xx-rate alarm over its target groups, added for it). They need the entry's
 * monitoring, which is why this comes last.
 */
export function composeReleaseRollback(scope: Construct, base: ChatbotBase, service: ChatbotService,
  monitoring: ChatbotMonitoring | undefined, backend: ChatbotBackend | undefined): void {
  const front = base.props.deployment?.rollbackOnChatbotAlarms === true;
  const back = base.props.backend?.deployment?.rollbackOnChatbotAlarms === true;
  if (!front && !back) {
    return;
  }
  if (!monitoring) {
    const v = new PropsValidator('SecureContainerChatbot', scope);
    v.fail(front ? 'deployment.rollbackOnChatbotAlarms' : 'backend.deployment.rollbackOnChatbotAlarms',
      'is true, but this chatbot has no alarms: the HTTP API ingress has none, and `ingress.monitoring: false` turns them off.',
      'Turn monitoring on (the CloudFront ingress), or pass your own alarms in `rollbackAlarms`.');
    v.throwIfInvalid();
    return;
  }
  if (front) {
    service.rollBackOnAlarms(monitoring.releaseAlarms());
  }
  if (backend && back) {
    const targetGroups = [backend.targetGroup, ...(backend.alternateTargetGroup ? [backend.alternateTargetGroup] : [])];
    backend.service.rollBackOnAlarms([monitoring.alarmOnServerErrors('BackendServerErrorRate', backend.applicationLoadBalancer, targetGroups,
      'The backend answered more than the threshold of its requests with a 5xx over 5 minutes; a deployment in progress rolls back. '
      + 'Read the backend\'s container logs.')]);
  }
}
