import { SecretValue, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { ChatbotCloudFrontIngressOptions } from './chatbot-ingress';
import { ChatbotLoadBalancer } from './chatbot-load-balancer';
import { EntryContext, IngressEntry } from './ingress-parts';
import { ingressPropNames } from './login';
import { LOAD_BALANCER_OPTION_KEYS } from './option-types';
import { ChatbotEdge } from '../edge/chatbot-edge';
import { EDGE_REGION, edgeScopeId, edgeStackOf } from '../edge/edge-stack';
import { EDGE_OPTION_KEYS } from '../edge/option-types';
import { ChatbotMonitoring } from '../monitoring/chatbot-monitoring';
import { MONITORING_OPTION_KEYS } from '../monitoring/option-types';
import { ChatbotOriginVerify } from '../origin-verify/chatbot-origin-verify';
import { loadBalancerTimings } from '../service/deployment-defaults';
import { DEFAULT_DESIRED_COUNT, cognitoLogoutPath } from '../shared/constants';
import { dnsRecordOutput } from '../shared/dns-record-output';
import { pickOptions, withPropPath } from '../shared/prop-path';

/** How a CloudFront entry reaches its load balancer. */
export interface CloudFrontOrigin {
  /** The name CloudFront connects to, for an internet-facing load balancer; undefined behind a VPC origin. */
  readonly originDomainName?: string;
}

/**
 * The CloudFront entry: origin verification (public origin only), the load balancer with the
 * login, the distribution and web ACL in the stack chosen for them, DNS, and the alarms.
 */
export function bindCloudFrontEntry(scope: Construct, context: EntryContext, options: ChatbotCloudFrontIngressOptions,
  origin: CloudFrontOrigin): IngressEntry {
  const edgeStack = placeEdge(context.stack, options, origin);
  const originVerify = origin.originDomainName === undefined ? undefined : bindOriginVerify(scope, context, options, edgeStack);
  const loadBalancer = bindLoadBalancer(scope, context, options, origin, originVerify);
  originVerify?.rotateWith({ listenerRules: loadBalancer.originVerifyRules, distributionRegion: edgeStack.region });
  if (origin.originDomainName !== undefined && !context.props.hostedZone) {
    dnsRecordOutput(scope, 'DnsRecordOrigin', origin.originDomainName, loadBalancer.applicationLoadBalancer.loadBalancerDnsName,
      'the load balancer, which CloudFront reaches by this name');
  }
  const edge = bindEdge(scope, context, options, origin, { edgeStack, loadBalancer, originVerify });
  originVerify?.publishDistributionId(edge, edge.distribution);
  const monitoring = options.monitoring ?? true ? new ChatbotMonitoring(scope, 'Monitoring', withPropPath({
    ...pickOptions(options, MONITORING_OPTION_KEYS),
    loadBalancer: loadBalancer.applicationLoadBalancer,
    targetGroup: loadBalancer.targetGroup,
    service: context.service.fargateService,
    minRunningTasks: context.props.desiredCount ?? DEFAULT_DESIRED_COUNT,
    webAclMetricName: edge.webAcl?.metricName,
    // A new topic shares the chatbot's key (which follows removalPolicy) rather than paying for one more.
    topicEncryptionKey: options.alarmTopic ? undefined : context.encryptionKey,
  }, '', ingressPropNames(MONITORING_OPTION_KEYS))) : undefined;
  if (monitoring && originVerify?.rotationFunction) {
    monitoring.alarmOnFunctionErrors('RotationErrors', originVerify.rotationFunction,
      'The origin-verify rotation failed; the current value stays valid. Read the rotation function\'s log, fix the cause, then run aws secretsmanager rotate-secret.');
  }
  return { loadBalancer, edge, edgeStack, originVerify, monitoring };
}

/**
 * Where the distribution lives. A VPC origin must be in the load balancer's stack (CloudFormation
 * references the load balancer's ARN); so does every distribution whose us-east-1 parts
 * (certificate and web ACL) the user brings: then nothing is deployed to us-east-1. Otherwise,
 * outside us-east-1, a companion stack there holds the distribution, its certificate and web ACL.
 */
function placeEdge(stack: Stack, options: ChatbotCloudFrontIngressOptions, origin: CloudFrontOrigin): Stack {
  const singleStack = origin.originDomainName === undefined
    || (options.edgeStack === undefined && options.edgeCertificate !== undefined && options.webAclArn !== undefined);
  return singleStack ? stack : options.edgeStack ?? (stack.region === EDGE_REGION ? stack : edgeStackOf(stack));
}

/**
 * One value in two regions: CloudFront (us-east-1) adds it, the load balancer checks it. A
 * replica in us-east-1 lets the edge stack resolve it by name, without cross-region references.
 */
function bindOriginVerify(scope: Construct, context: EntryContext, options: ChatbotCloudFrontIngressOptions, edgeStack: Stack): ChatbotOriginVerify {
  const props = context.props;
  return new ChatbotOriginVerify(scope, 'OriginVerify', withPropPath({
    domainName: props.domainName,
    encryptionKey: context.encryptionKey,
    replicaRegions: edgeStack !== context.stack && context.stack.region !== EDGE_REGION ? [EDGE_REGION] : undefined,
    rotationInterval: options.originVerifyRotationInterval,
    logRetention: props.logRetention,
    removalPolicy: props.removalPolicy,
  }, '', { rotationInterval: 'ingress.originVerifyRotationInterval' }));
}

function bindLoadBalancer(scope: Construct, context: EntryContext, options: ChatbotCloudFrontIngressOptions, origin: CloudFrontOrigin,
  originVerify: ChatbotOriginVerify | undefined): ChatbotLoadBalancer {
  const props = context.props;
  const internal = origin.originDomainName === undefined;
  return new ChatbotLoadBalancer(scope, 'LoadBalancer', withPropPath({
    ...pickOptions(options, LOAD_BALANCER_OPTION_KEYS),
    vpc: context.vpc,
    internal: internal || undefined,
    subnets: internal ? context.network?.loadBalancerSubnets : undefined,
    targets: [context.service.fargateService],
    targetConnections: context.service.fargateService,
    containerPort: context.service.containerPort,
    healthCheckPath: props.container.healthCheckPath,
    certificate: context.certificate,
    auth: context.login.loginActions ?? missingLogin(),
    originVerifyHeaderValue: originVerify?.headerValue,
    originDomainName: origin.originDomainName,
    hostedZone: props.hostedZone,
    cognitoLogoutPath: cognitoLogoutPath(context.plan.signOutPath),
    logsEncryptionKey: context.encryptionKey,
    logRetention: props.logRetention,
    removalPolicy: props.removalPolicy,
    deployment: loadBalancerTimings(props.deployment),
    deletionProtection: props.deletionProtection,
  }, '', {
    ...ingressPropNames([...LOAD_BALANCER_OPTION_KEYS, 'originDomainName']),
    vpc: props.vpc ? 'vpc' : props.cluster ? 'cluster' : 'networkOptions.loadBalancerSubnets',
    containerPort: 'container.port',
    healthCheckPath: 'container.healthCheckPath',
  }));
}

/** The CloudFront variants always build a login first; this is a bug of the library, not of the props. */
function missingLogin(): never {
  throw new Error('SecureContainerChatbot: internal error: the CloudFront ingress has no login to put on the load balancer.');
}

interface EdgeOrigin {
  readonly edgeStack: Stack;
  readonly loadBalancer: ChatbotLoadBalancer;
  readonly originVerify?: ChatbotOriginVerify;
}

/**
 * CloudFront, its web ACL and the DNS alias. Each chatbot's edge parts go under an id of their
 * own, so several chatbots can share one edge stack (the default one of their stack, or one
 * passed in `edgeStack`); there the zone is imported again and the origin-verify value is read
 * from the secret's replica by name.
 */
function bindEdge(scope: Construct, context: EntryContext, options: ChatbotCloudFrontIngressOptions, origin: CloudFrontOrigin,
  parts: EdgeOrigin): ChatbotEdge {
  const props = context.props;
  let edgeScope: Construct = scope;
  let zone = props.hostedZone;
  let headerValue = parts.originVerify?.headerValue;
  if (parts.edgeStack !== context.stack) {
    if (options.edgeStack) {
      parts.edgeStack.addStackDependency(context.stack, 'origin DNS record and origin-verify secret replica');
    }
    edgeScope = new Construct(parts.edgeStack, edgeScopeId(scope));
    zone = props.hostedZone ? route53.HostedZone.fromHostedZoneAttributes(edgeScope, 'HostedZone', {
      hostedZoneId: props.hostedZone.hostedZoneId,
      zoneName: props.hostedZone.zoneName,
    }) : undefined;
    headerValue = parts.originVerify ? SecretValue.secretsManager(parts.originVerify.secretName, { jsonField: 'value' }) : undefined;
  }
  const internal = origin.originDomainName === undefined;
  return new ChatbotEdge(edgeScope, 'Edge', withPropPath({
    ...pickOptions(options, EDGE_OPTION_KEYS),
    domainName: props.domainName,
    hostedZone: zone,
    originDomainName: origin.originDomainName,
    originVerifyHeaderValue: headerValue,
    vpcOriginLoadBalancer: internal ? parts.loadBalancer.applicationLoadBalancer : undefined,
    certificate: options.edgeCertificate,
    signOutPath: context.plan.signOutPath,
    cognitoLogoutPath: cognitoLogoutPath(context.plan.signOutPath),
    logRetention: props.logRetention,
    removalPolicy: props.removalPolicy,
  }, '', {
    ...ingressPropNames([...EDGE_OPTION_KEYS, 'originDomainName', 'signOutPath']),
    certificate: 'ingress.edgeCertificate',
    hostedZone: 'hostedZone',
  }));
}
