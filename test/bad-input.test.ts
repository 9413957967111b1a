import * as path from 'path';
import { App, CfnParameter, Duration, Fn, RemovalPolicy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import {
  ChatbotAuth, ChatbotBackend, ChatbotConversations,
  ChatbotBackendOptions, ChatbotBackendProps, ChatbotCloudFrontIngressOptions, ChatbotContainerOptions,
  ChatbotEdge, ChatbotEdgeProps, ChatbotEgress, ChatbotIdentityProvider, ChatbotOidcAuth, ChatbotOidcProviderOptions, ChatbotEndpoints,
  ChatbotHttpApi,
  ChatbotHttpApiProps, ChatbotIngress, ChatbotLoadBalancer,
  ChatbotLoadBalancerProps, ChatbotMonitoring, ChatbotMonitoringProps, ChatbotNetwork, ChatbotOriginVerify, ChatbotRepository, ChatbotService,
  ChatbotServiceProps, ChatbotStorage, ChatbotUserPoolWebAcl, ChatbotWebAcl, SecureContainerChatbot, SecureContainerChatbotProps,
  ChatbotGuardrail, GuardrailContentFilterType, GuardrailFilterStrength, GuardrailPiiAction,
} from '../src';
import { backendContext } from './support/own-parts';
import { withPropPath } from '../src/shared/prop-path';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');
const zone = (stack: Stack) => route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' });
const chatbot = (extra: (stack: Stack) => Partial<SecureContainerChatbotProps>) => (stack: Stack) =>
  new SecureContainerChatbot(stack, 'Chat', { container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone: zone(stack), ...extra(stack) } as SecureContainerChatbotProps);
// A chatbot whose container has `options` besides the image.
const withContainer = (options: Partial<ChatbotContainerOptions>) => chatbot(() => ({ container: { image: IMAGE, ...options } }));
const cloudFront = (options: (stack: Stack) => ChatbotCloudFrontIngressOptions) =>
  chatbot((s) => ({ ingress: ChatbotIngress.cloudFront(options(s)) }));
// A sub-construct built directly, with a new VPC (public and private subnets with a NAT gateway).
const service = (extra: (stack: Stack) => Partial<ChatbotServiceProps>) => (stack: Stack) =>
  new ChatbotService(stack, 'Svc', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }), image: IMAGE, ...extra(stack) } as ChatbotServiceProps);
// ChatbotBackend as the L3 builds it: its options registered under `backend.`.
const backend = (extra: (stack: Stack) => Partial<ChatbotBackendProps>) => (stack: Stack) => {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  return new ChatbotBackend(stack, 'Backend', withPropPath({
    ...backendContext(stack, vpc),
    image: IMAGE,
    port: 8080,
    ...extra(stack),
  } as ChatbotBackendProps, 'backend.'));
};
// ChatbotLoadBalancer alone, in front of a service, with a Cognito login.
const loadBalancer = (extra: (stack: Stack) => Partial<ChatbotLoadBalancerProps>) => (stack: Stack) => {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const fargateService = new ChatbotService(stack, 'Svc', { vpc, image: IMAGE }).fargateService;
  return new ChatbotLoadBalancer(stack, 'Lb', {
    vpc,
    targets: [fargateService],
    targetConnections: fargateService,
    containerPort: 8501,
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'),
    auth: new ChatbotAuth(stack, 'Auth', { domainName: 'chat.example.com' }),
    originVerifyHeaderValue: SecretValue.secretsManager('origin-verify', { jsonField: 'value' }),
    ...extra(stack),
  });
};
// ChatbotEdge alone, in us-east-1.
const edge = (extra: (stack: Stack) => Partial<ChatbotEdgeProps>) => (stack: Stack) => new ChatbotEdge(stack, 'Edge', {
  domainName: 'chat.example.com',
  hostedZone: zone(stack),
  originDomainName: 'origin.chat.example.com',
  originVerifyHeaderValue: SecretValue.secretsManager('origin-verify', { jsonField: 'value' }),
  ...extra(stack),
});
// An OIDC provider with a valid secret reference, changed by `options`.
const oidc = (options: Partial<ChatbotOidcProviderOptions>) => ChatbotIdentityProvider.oidc({
  name: 'Okta', issuerUrl: 'https://example.okta.com', clientId: 'client', clientSecret: SecretValue.secretsManager('okta', { jsonField: 'clientSecret' }), ...options,
});
// What a JavaScript caller can write and the compiler would refuse.
const js = (props: { [prop: string]: unknown }) => props as unknown as Partial<ChatbotServiceProps & ChatbotBackendProps>;
const cidrPlan = { publicSubnetCidrs: ['10.0.10.0/24', '10.0.20.0/24'], privateSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24'] };

/** [what, stack region (null: environment-agnostic), how to build, the prop the error must name] */
const CASES: Array<[string, string | null, (stack: Stack) => unknown, string]> = [
  ['missing domain', 'eu-west-1', chatbot(() => ({ domainName: undefined })), 'domainName'],
  ['invalid domain', 'eu-west-1', chatbot(() => ({ domainName: 'Chat Example' })), 'domainName'],
  ['domain outside the zone', 'eu-west-1', chatbot(() => ({ domainName: 'chat.other.org' })), 'hostedZone'],
  ['port 0', 'eu-west-1', withContainer({ port: 0 }), 'container.port'],
  ['one task', 'eu-west-1', chatbot(() => ({ desiredCount: 1 })), 'desiredCount'],
  ['maximum below minimum', 'eu-west-1', chatbot(() => ({ desiredCount: 3, maxTaskCount: 2 })), 'maxTaskCount'],
  ['regional web ACL', 'eu-west-1', cloudFront(() => ({ webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/a/b' })), 'ingress.webAclArn'],
  ['load balancer certificate from us-east-1', 'eu-west-1',
    chatbot((s) => ({ certificate: acm.Certificate.fromCertificateArn(s, 'C', 'arn:aws:acm:us-east-1:123456789012:certificate/a') })), 'certificate'],
  ['CloudFront certificate from eu-west-1', 'eu-west-1',
    cloudFront((s) => ({ edgeCertificate: acm.Certificate.fromCertificateArn(s, 'C', 'arn:aws:acm:eu-west-1:123456789012:certificate/a') })), 'ingress.edgeCertificate'],
  ['cluster of another VPC', 'eu-west-1',
    chatbot((s) => ({ vpc: new ec2.Vpc(s, 'A'), cluster: new ecs.Cluster(s, 'C', { vpc: new ec2.Vpc(s, 'B') }) })), 'cluster'],
  ['zone known only at deploy time, edge in us-east-1', 'eu-west-1',
    (s) => new SecureContainerChatbot(s, 'Chat', { container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone: new route53.PublicHostedZone(s, 'Z', { zoneName: 'example.com' }) }), 'hostedZone'],
  ['environment-agnostic stack', null, chatbot(() => ({})), 'env.region'],
  ['VPC origin outside us-east-1 without the viewer certificate and web ACL', 'eu-west-1', chatbot(() => ({ ingress: ChatbotIngress.cloudFrontVpcOrigin() })), 'ingress.edgeCertificate'],
  ['VPC origin with a public origin\'s name', 'us-east-1', chatbot(() => ({ ingress: ChatbotIngress.cloudFrontVpcOrigin({ originDomainName: 'origin.chat.example.com' }) })),
    'ingress.originDomainName'],
  ['VPC origin in a VPC whose login could not reach Cognito', 'us-east-1', chatbot((s) => ({
    ingress: ChatbotIngress.cloudFrontVpcOrigin(),
    vpc: new ec2.Vpc(s, 'V', { natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }, { name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
  })), 'vpc'],
  ['VPC origin without the load balancer subnets and their NAT gateway', 'us-east-1',
    chatbot(() => ({ ingress: ChatbotIngress.cloudFrontVpcOrigin(), networkOptions: { loadBalancerSubnets: false } })), 'networkOptions.loadBalancerSubnets'],
  ['single stack with a viewer certificate outside us-east-1', 'eu-west-1', cloudFront((s) => ({
    edgeCertificate: acm.Certificate.fromCertificateArn(s, 'C', 'arn:aws:acm:eu-west-1:123456789012:certificate/a'),
    webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/a/b',
  })), 'ingress.edgeCertificate'],
  ['a rate limit next to a web ACL whose ARN is known only at deploy', 'eu-west-1',
    cloudFront(() => ({ webAclArn: Fn.importValue('TeamWebAclArn'), rateLimitPerIp: 500 })), 'ingress.rateLimitPerIp'],
  ['no hosted zone and no certificate', 'eu-west-1', chatbot(() => ({ hostedZone: undefined })), 'hostedZone'],
  ['internal load balancer with an origin-verify value', 'eu-west-1', loadBalancer(() => ({ internal: true })), 'originVerifyHeaderValue'],
  ['edge with neither a hosted zone nor a certificate', 'us-east-1', edge(() => ({ hostedZone: undefined })), 'hostedZone'],
  ['region without a known prefix list', 'mx-central-1', chatbot(() => ({})), 'ingress.cloudFrontPrefixListId'],
  ['edge stack outside us-east-1', 'eu-west-1', cloudFront((s) => ({ edgeStack: new Stack(s.node.scope as App, 'Edge', { env: { region: 'eu-central-1' } }) })), 'ingress.edgeStack'],
  ['origin name equal to the domain', 'eu-west-1', cloudFront(() => ({ originDomainName: 'chat.example.com' })), 'ingress.originDomainName'],
  ['the old ingress enum from JavaScript', 'eu-west-1', chatbot(() => ({ ingress: 'HTTP_API' as unknown as ChatbotIngress })), 'ingress'],
  ['the old top-level image from JavaScript', 'eu-west-1', chatbot(() => ({ image: IMAGE } as Partial<SecureContainerChatbotProps>)), 'image'],
  ['backend without a port', 'eu-west-1', chatbot(() => ({ backend: { image: IMAGE } as unknown as ChatbotBackendOptions })), 'backend.port'],
  ['secret from another region', 'eu-west-1',
    chatbot((s) => ({ container: { image: IMAGE, secrets: { KEY: secretsmanager.Secret.fromSecretCompleteArn(s, 'K', 'arn:aws:secretsmanager:us-east-2:123456789012:secret:k-AbCdEf') } } })), 'container.secrets'],
  ['NAT egress on a VPC without a way out', 'eu-west-1', chatbot((s) => ({
    egress: ChatbotEgress.NAT_GATEWAY,
    vpc: new ec2.Vpc(s, 'V', { natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }, { name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
  })), 'egress'],
  ['endpoints-only egress without endpoints', 'eu-west-1', chatbot((s) => ({ egress: ChatbotEgress.VPC_ENDPOINTS_ONLY, vpcEndpoints: false, vpc: new ec2.Vpc(s, 'V') })), 'egress'],
  ['one variable from two sources', 'eu-west-1', withContainer({ environment: { KEY: 'x' }, generatedSecrets: ['KEY'] }), 'container.secrets'],
  ['health check timeout not shorter than the interval', 'eu-west-1',
    chatbot(() => ({ deployment: { healthCheckInterval: Duration.seconds(5), healthCheckTimeout: Duration.seconds(5) } })), 'deployment.healthCheckTimeout'],
  ['deployment that cannot start a new task', 'eu-west-1', chatbot(() => ({ deployment: { maxHealthyPercent: 100 } })), 'deployment.maxHealthyPercent'],
  ['a us. inference profile in eu-west-1, which only eu. and global. serve', 'eu-west-1',
    chatbot(() => ({ bedrockModels: ['us.anthropic.claude-3-5-sonnet-20241022-v2:0'] })), 'bedrockModels'],
  ['an eu. inference profile ARN in a US region', 'eu-west-1',
    chatbot(() => ({ bedrockModels: ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.anthropic.claude-3-haiku-20240307-v1:0'] })), 'bedrockModels'],
  ['a geography prefix with a malformed model id', 'eu-west-1', chatbot(() => ({ bedrockModels: ['eu.Claude 3 Haiku'] })), 'bedrockModels'],
  ['an inference profile id with an unknown geography', 'eu-west-1',
    chatbot(() => ({ bedrockModels: ['xx.anthropic.claude-3-haiku-20240307-v1:0'] })), 'bedrockModels'],
  ['a Bedrock ARN whose resource type is misspelled', 'eu-west-1',
    chatbot(() => ({ bedrockModels: ['arn:aws:bedrock:eu-west-1::foundation-modle/anthropic.claude-3-haiku-20240307-v1:0'] })), 'bedrockModels'],
  ['an inference profile ARN without a known geography', 'eu-west-1',
    chatbot(() => ({ bedrockModels: ['arn:aws:bedrock:eu-west-1:123456789012:inference-profile/xx.anthropic.claude-3-haiku-20240307-v1:0'] })), 'bedrockModels'],
  ['an inference profile ARN of aws-us-gov in eu-west-1', 'eu-west-1',
    chatbot(() => ({ bedrockModels: ['arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:inference-profile/us-gov.anthropic.claude-3-haiku-20240307-v1:0'] })), 'bedrockModels'],
  ['a guardrail without models', 'eu-west-1', chatbot(() => ({ bedrockGuardrail: ChatbotGuardrail.create() })), 'bedrockGuardrail'],
  ['a guardrail ARN with its version in it', 'eu-west-1',
    chatbot(() => ({ bedrockModels: ['eu.anthropic.claude-3-haiku-20240307-v1:0'], bedrockGuardrail: ChatbotGuardrail.fromArn('arn:aws:bedrock:eu-west-1:123456789012:guardrail/abc123def456:1', '1') })),
    'bedrockGuardrail'],
  ['a guardrail in another region', 'eu-west-1',
    chatbot(() => ({ bedrockModels: ['eu.anthropic.claude-3-haiku-20240307-v1:0'], bedrockGuardrail: ChatbotGuardrail.fromArn('arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456', '1') })),
    'bedrockGuardrail'],
  ['a guardrail at its DRAFT version', 'eu-west-1',
    chatbot(() => ({ bedrockModels: ['eu.anthropic.claude-3-haiku-20240307-v1:0'], bedrockGuardrail: ChatbotGuardrail.fromArn('arn:aws:bedrock:eu-west-1:123456789012:guardrail/abc123def456', 'DRAFT') })),
    'bedrockGuardrail'],
  ['a guardrail filtering answers for prompt attacks', 'eu-west-1', chatbot(() => ({
    bedrockModels: ['eu.anthropic.claude-3-haiku-20240307-v1:0'],
    bedrockGuardrail: ChatbotGuardrail.create({
      contentFilters: [{
        type: GuardrailContentFilterType.PROMPT_ATTACK, inputStrength: GuardrailFilterStrength.HIGH, outputStrength: GuardrailFilterStrength.HIGH,
      }],
    }),
  })), 'bedrockGuardrail.contentFilters'],
  ['a guardrail with an unknown PII type', 'eu-west-1', chatbot(() => ({
    bedrockModels: ['eu.anthropic.claude-3-haiku-20240307-v1:0'],
    bedrockGuardrail: ChatbotGuardrail.create({ piiEntities: [{ type: 'SOCIAL_SECURITY', action: GuardrailPiiAction.BLOCK }] }),
  })), 'bedrockGuardrail.piiEntities'],
  ['a guardrail with a grounding threshold of 1', 'eu-west-1', chatbot(() => ({
    bedrockModels: ['eu.anthropic.claude-3-haiku-20240307-v1:0'], bedrockGuardrail: ChatbotGuardrail.create({ groundingThreshold: 1 }),
  })), 'bedrockGuardrail.groundingThreshold'],
  ['a guardrail with no policy at all', 'eu-west-1', chatbot(() => ({
    bedrockModels: ['eu.anthropic.claude-3-haiku-20240307-v1:0'], bedrockGuardrail: ChatbotGuardrail.create({ contentFilters: [] }),
  })), 'bedrockGuardrail'],
  ['JS: invocation logging as true', 'eu-west-1', chatbot(() => ({ bedrockInvocationLogging: true as never })), 'bedrockInvocationLogging'],
  ['invocation logging that records nothing', 'eu-west-1',
    chatbot(() => ({ bedrockInvocationLogging: { textData: false } })), 'bedrockInvocationLogging.textData'],
  ['a knowledge base id of the wrong length', 'eu-west-1', chatbot(() => ({ bedrockKnowledgeBases: ['KB1'] })), 'bedrockKnowledgeBases'],
  ['a knowledge base in another region', 'eu-west-1',
    chatbot(() => ({ bedrockKnowledgeBases: ['arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ'] })), 'bedrockKnowledgeBases'],
  ['BEDROCK_GUARDRAIL_ID set by hand next to a guardrail', 'eu-west-1', chatbot(() => ({
    bedrockModels: ['eu.anthropic.claude-3-haiku-20240307-v1:0'],
    bedrockGuardrail: ChatbotGuardrail.create(),
    container: { image: IMAGE, environment: { BEDROCK_GUARDRAIL_ID: 'x' } },
  })), 'container.environment'],
  ['domain too long for the sign-out redirect', 'eu-west-1', chatbot(() => ({ domainName: `${'a'.repeat(60)}.example.com` })), 'domainName'],
  ['wildcard Bedrock model', 'eu-west-1', chatbot(() => ({ bedrockModels: ['*'] })), 'bedrockModels'],
  ['upload limit of 0 bytes', 'eu-west-1', cloudFront(() => ({ maxUploadBytes: 0 })), 'ingress.maxUploadBytes'],
  ['origin-verify rotation every 5 hours', 'eu-west-1', cloudFront(() => ({ originVerifyRotationInterval: Duration.hours(5) })), 'ingress.originVerifyRotationInterval'],
  ['load balancer deletion protection on a stack meant to be deleted', 'eu-west-1',
    chatbot(() => ({ deletionProtection: true, removalPolicy: RemovalPolicy.DESTROY })), 'deletionProtection'],
  ['a removal policy no resource supports', 'eu-west-1', chatbot(() => ({ removalPolicy: RemovalPolicy.SNAPSHOT })), 'removalPolicy'],
  ['Cognito domain prefix with an existing domain', 'eu-west-1', chatbot((s) => {
    const userPool = new cognito.UserPool(s, 'P');
    return { userPool, ingress: ChatbotIngress.cloudFront({ userPoolDomain: userPool.addDomain('D', { cognitoDomain: { domainPrefix: 'mine' } }), cognitoDomainPrefix: 'chat-x' }) };
  }), 'ingress.cognitoDomainPrefix'],
  ['invalid Cognito domain prefix on the chatbot', 'eu-west-1', cloudFront(() => ({ cognitoDomainPrefix: 'Chat_Bot' })), 'ingress.cognitoDomainPrefix'],
  ['removal policy for a user pool brought by the user', 'eu-west-1',
    (s) => new ChatbotAuth(s, 'A', { domainName: 'chat.example.com', userPool: new cognito.UserPool(s, 'P'), removalPolicy: RemovalPolicy.DESTROY }), 'removalPolicy'],
  ['storage removal policy with both bucket and table brought by the user', 'eu-west-1', (s) => new ChatbotStorage(s, 'St', {
    bucket: s3.Bucket.fromBucketName(s, 'B', 'my-files'), table: dynamodb.Table.fromTableName(s, 'T', 'my-table'), removalPolicy: RemovalPolicy.DESTROY,
  }), 'removalPolicy'],
  ['one Availability Zone', 'eu-west-1', (s) => new ChatbotNetwork(s, 'N', { maxAzs: 1 }), 'maxAzs'],
  ['overlapping subnets', 'eu-west-1', (s) => new ChatbotNetwork(s, 'N', { ...cidrPlan, privateSubnetCidrs: ['10.0.10.0/25', '10.0.2.0/24'] }), 'privateSubnetCidrs'],
  ['malformed secondary CIDR', 'eu-west-1', (s) => new ChatbotNetwork(s, 'N', { ...cidrPlan, secondaryCidr: '172.10.0.0/33', taskSubnetCidrs: ['172.10.1.0/24', '172.10.2.0/24'] }), 'secondaryCidr'],
  ['secondary CIDR from another RFC 1918 range', 'eu-west-1',
    (s) => new ChatbotNetwork(s, 'N', { ...cidrPlan, secondaryCidr: '192.168.0.0/16', taskSubnetCidrs: ['192.168.1.0/24', '192.168.2.0/24'] }), 'secondaryCidr'],
  ['Cognito domain prefix with "aws"', 'eu-west-1', (s) => new ChatbotAuth(s, 'A', { domainName: 'chat.example.com', cognitoDomainPrefix: 'my-aws-chat' }), 'cognitoDomainPrefix'],
  ['app client without its pool', 'eu-west-1', (s) => {
    const pool = new cognito.UserPool(s, 'P');
    return new ChatbotAuth(s, 'A', { domainName: 'chat.example.com', userPoolClient: pool.addClient('C'), userPoolDomain: pool.addDomain('D', { cognitoDomain: { domainPrefix: 'x1' } }) });
  }, 'userPoolClient'],
  ['session longer than a week', 'eu-west-1', (s) => new ChatbotAuth(s, 'A', { domainName: 'chat.example.com', sessionTimeout: Duration.days(8) }), 'sessionTimeout'],
  ['SAML provider without metadata', 'eu-west-1', cloudFront(() => ({ identityProviders: [ChatbotIdentityProvider.saml({ name: 'EntraID' })] })),
    'ingress.identityProviders[0].metadataUrl'],
  ['OIDC issuer over http', 'eu-west-1', cloudFront(() => ({ identityProviders: [oidc({ issuerUrl: 'http://idp.example.com' })] })), 'ingress.identityProviders[0].issuerUrl'],
  ['OIDC client secret from another region', 'eu-west-1', cloudFront(() => ({
    identityProviders: [oidc({ clientSecret: SecretValue.secretsManager('arn:aws:secretsmanager:us-east-1:123456789012:secret:okta-AbCdEf', { jsonField: 'clientSecret' }) })],
  })), 'ingress.identityProviders[0].clientSecret'],
  ['OIDC client secret in plain text', 'eu-west-1', cloudFront(() => ({ identityProviders: [oidc({ clientSecret: SecretValue.unsafePlainText('s3cret') })] })),
    'ingress.identityProviders[0].clientSecret'],
  ['provider name with an underscore', 'eu-west-1', cloudFront(() => ({ identityProviders: [oidc({ name: 'My_Okta' })] })), 'ingress.identityProviders[0].name'],
  ['provider name Cognito keeps', 'eu-west-1', cloudFront(() => ({ identityProviders: [oidc({ name: 'Cognito' })] })), 'ingress.identityProviders[0].name'],
  ['provider name of 2 characters', 'eu-west-1', cloudFront(() => ({ identityProviders: [oidc({ name: 'ok' })] })), 'ingress.identityProviders[0].name'],
  ['two providers of one name', 'eu-west-1', cloudFront(() => ({ identityProviders: [oidc({}), oidc({})] })), 'ingress.identityProviders[1].name'],
  ['no Cognito users and no provider', 'eu-west-1', cloudFront(() => ({ cognitoUsers: false })), 'ingress.cognitoUsers'],
  ['providers on the HTTP API', 'eu-west-1', (s) => new ChatbotAuth(s, 'A', { domainName: 'chat.example.com', apiClients: true, identityProviders: [oidc({})] }), 'identityProviders'],
  ['allow-list with a malformed range', 'eu-west-1', cloudFront(() => ({ allowedIpRanges: ['203.0.113.0/33'] })), 'ingress.allowedIpRanges'],
  ['allow-list with an IPv6 range of /0', 'eu-west-1', cloudFront(() => ({ allowedIpRanges: ['::/0'] })), 'ingress.allowedIpRanges'],
  ['allow-list with a country name', 'eu-west-1', cloudFront(() => ({ allowedCountries: ['Germany'] })), 'ingress.allowedCountries'],
  ['allow-list without the login protection', 'eu-west-1', cloudFront(() => ({ allowedCountries: ['DE'], protectLogin: false })), 'ingress.protectLogin'],
  ['allow-list with a web ACL of the user', 'eu-west-1',
    cloudFront(() => ({ allowedCountries: ['DE'], webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/a/b' })), 'ingress.allowedCountries'],
  ['login rate limit without the login protection', 'eu-west-1', cloudFront(() => ({ loginRateLimitPerIp: 100 })), 'ingress.loginRateLimitPerIp'],
  ['login rate limit below WAF\'s minimum', 'eu-west-1', cloudFront(() => ({ protectLogin: true, loginRateLimitPerIp: 5 })), 'ingress.loginRateLimitPerIp'],
  ['allowed group with a comma', 'eu-west-1', cloudFront(() => ({ allowedGroups: ['chat,users'] })), 'ingress.allowedGroups'],
  ['ALLOWED_GROUPS set by hand besides allowedGroups', 'eu-west-1',
    chatbot(() => ({ container: { image: IMAGE, environment: { ALLOWED_GROUPS: 'x' } }, ingress: ChatbotIngress.cloudFront({ allowedGroups: ['chat'] }) })), 'container.environment'],
  ['edge allow-list with a web ACL of the user', 'us-east-1',
    edge(() => ({ webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/a/b', allowedCountries: ['DE'] })), 'allowedCountries'],
  ['CloudFront web ACL allow-list with a malformed IPv6 range', 'us-east-1',
    (s) => new ChatbotWebAcl(s, 'W', { allowedIpRanges: ['2001:db8::g/32'], logsEncryptionKey: new kms.Key(s, 'K') }), 'allowedIpRanges'],
  ['rate limit below WAF\'s minimum', 'us-east-1', (s) => new ChatbotWebAcl(s, 'W', { rateLimitPerIp: 5, logsEncryptionKey: new kms.Key(s, 'K') }), 'rateLimitPerIp'],
  ['relative upload path', 'us-east-1', (s) => new ChatbotWebAcl(s, 'W', { maxUploadBytes: 10, uploadPath: 'upload', logsEncryptionKey: new kms.Key(s, 'K') }), 'uploadPath'],
  ['conversation retention of hours', 'eu-west-1', chatbot(() => ({ conversationHistory: { retention: Duration.hours(12) } })), 'conversationHistory.retention'],
  ['conversation retention of 20 years, alone', 'eu-west-1', (s) => new ChatbotConversations(s, 'Conv', { retention: Duration.days(7300) }), 'retention'],
  ['conversation table while the history is off', 'eu-west-1', chatbot((s) => ({
    conversationHistory: { enabled: false, table: dynamodb.Table.fromTableName(s, 'T', 'my-table') },
  })), 'conversationHistory.table'],
  ['conversation history that is not an object, from JavaScript', 'eu-west-1', chatbot(() => ({ conversationHistory: 'off' as unknown as object })), 'conversationHistory'],
  ['conversation key with a table of your own', 'eu-west-1', (s) => new ChatbotConversations(s, 'Conv', {
    table: dynamodb.Table.fromTableName(s, 'T', 'my-table'), encryptionKey: new kms.Key(s, 'K'),
  }), 'encryptionKey'],
  ['reserved variable CONVERSATIONS_TABLE', 'eu-west-1', withContainer({ environment: { CONVERSATIONS_TABLE: 'x' } }), 'container.environment'],
  ['storage key that encrypts nothing', 'eu-west-1', (s) => new ChatbotStorage(s, 'St', {
    bucket: s3.Bucket.fromBucketName(s, 'B', 'my-files'), table: dynamodb.Table.fromTableName(s, 'T', 'my-table'), encryptionKey: new kms.Key(s, 'K'),
  }), 'encryptionKey'],
  ['repository keeping no image', 'eu-west-1', (s) => new ChatbotRepository(s, 'R', { maxImageCount: 0 }), 'maxImageCount'],
  // Props that another prop makes meaningless: refused, naming both.
  ['network plan with an existing VPC', 'eu-west-1', chatbot((s) => ({ vpc: new ec2.Vpc(s, 'V'), networkOptions: { cidr: '10.1.0.0/16' } })), 'networkOptions'],
  ['endpoints in one AZ with an existing VPC and no endpoints', 'eu-west-1', chatbot((s) => ({ vpc: new ec2.Vpc(s, 'V'), interfaceEndpointsInOneAz: true })), 'interfaceEndpointsInOneAz'],
  ['new endpoint-only VPC without endpoints', 'eu-west-1', chatbot(() => ({ vpcEndpoints: false })), 'vpcEndpoints'],
  ['storage key with both bucket and table brought by the user', 'eu-west-1', chatbot((s) => ({
    storage: { bucket: s3.Bucket.fromBucketName(s, 'B', 'my-files'), table: dynamodb.Table.fromTableName(s, 'T', 'my-table'), encryptionKey: new kms.Key(s, 'K') },
  })), 'storage.encryptionKey'],
  ['storage removal policy with both bucket and table brought by the user, on the chatbot', 'eu-west-1', chatbot((s) => ({
    storage: { bucket: s3.Bucket.fromBucketName(s, 'B', 'my-files'), table: dynamodb.Table.fromTableName(s, 'T', 'my-table'), removalPolicy: RemovalPolicy.DESTROY },
  })), 'storage.removalPolicy'],
  ['environment overriding the Bedrock model', 'eu-west-1', chatbot(() => ({
    bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'], container: { image: IMAGE, environment: { BEDROCK_MODEL_ID: 'x' } },
  })), 'container.environment'],
  ['environment overriding the sign-out path', 'eu-west-1', withContainer({ environment: { SIGNOUT_PATH: '/logout' } }), 'container.environment'],
  ['secret overriding the files bucket', 'eu-west-1', chatbot((s) => ({
    storage: {}, container: { image: IMAGE, secrets: { FILES_BUCKET: secretsmanager.Secret.fromSecretNameV2(s, 'F', 'f') } },
  })), 'container.secrets'],
  ['environment overriding the backend URL', 'eu-west-1', chatbot(() => ({
    backend: { image: IMAGE, port: 8080 }, container: { image: IMAGE, environment: { BACKEND_URL: 'http://x' } },
  })), 'container.environment'],
  ['health check path with the HTTP API, whose NLB checks TCP', 'eu-west-1', chatbot(() => ({
    ingress: ChatbotIngress.httpApi(), container: { image: IMAGE, healthCheckPath: '/' },
  })), 'container.healthCheckPath'],
  ['relative health check path', 'eu-west-1', withContainer({ healthCheckPath: 'health' }), 'container.healthCheckPath'],
  ['Fargate size that does not exist, on the chatbot', 'eu-west-1', withContainer({ cpu: 256, memoryLimitMiB: 4096 }), 'container.cpu'],
  ['JS: a port as a string, on the chatbot', 'eu-west-1', withContainer({ port: '8501' as unknown as number }), 'container.port'],
  ['container as root', 'eu-west-1', withContainer({ user: 'root' }), 'container.user'],
  ['relative writable directory', 'eu-west-1', withContainer({ writableDirectories: ['tmp'] }), 'container.writableDirectories'],
  ['empty command', 'eu-west-1', withContainer({ command: [] }), 'container.command'],
  ['image built for arm64 on x86_64 tasks', 'eu-west-1', withContainer({ image: ecs.ContainerImage.fromAsset(path.join(__dirname, '..', 'examples', 'app'), { platform: ecrAssets.Platform.LINUX_ARM64 }) }), 'container.image'],
  ['autoscaling target without autoscaling', 'eu-west-1', chatbot(() => ({ cpuTargetPercent: 50 })), 'cpuTargetPercent'],
  ['autoscaling target out of range', 'eu-west-1', chatbot(() => ({ maxTaskCount: 4, memoryTargetPercent: 95 })), 'memoryTargetPercent'],
  ['alarm settings without monitoring', 'eu-west-1', cloudFront(() => ({ monitoring: false, serverErrorRatePercent: 10 })), 'ingress.serverErrorRatePercent'],
  ['a dashboard without monitoring', 'eu-west-1', cloudFront(() => ({ monitoring: false, dashboard: true })), 'ingress.dashboard'],
  ['error-rate alarm above 100 percent', 'eu-west-1', cloudFront(() => ({ serverErrorRatePercent: 150 })), 'ingress.serverErrorRatePercent'],
  ['upload path without an upload limit', 'eu-west-1', cloudFront(() => ({ uploadPath: '/upload' })), 'ingress.uploadPath'],
  ['user pool domain without its pool', 'eu-west-1', cloudFront((s) => ({
    userPoolDomain: new cognito.UserPool(s, 'P').addDomain('D', { cognitoDomain: { domainPrefix: 'mine' } }),
  })), 'ingress.userPoolDomain'],
  ['load balancer idle timeout above 4000 seconds, on the chatbot', 'eu-west-1', cloudFront(() => ({ idleTimeout: Duration.seconds(4001) })), 'ingress.idleTimeout'],
  ['login session longer than a week, on the chatbot', 'eu-west-1', cloudFront(() => ({ sessionTimeout: Duration.days(8) })), 'ingress.sessionTimeout'],
  ['HTTP API burst below its rate', 'eu-west-1', chatbot(() => ({ ingress: ChatbotIngress.httpApi({ throttlingRateLimit: 100, throttlingBurstLimit: 10 }) })), 'ingress.throttlingBurstLimit'],
  ['network plan with one Availability Zone', 'eu-west-1', chatbot(() => ({ networkOptions: { maxAzs: 1 } })), 'networkOptions.maxAzs'],
  ['Fargate size that does not exist (0.25 vCPU, 4 GB)', 'eu-west-1', service(() => ({ cpu: 256, memoryLimitMiB: 4096 })), 'cpu'],
  ['CPU units Fargate does not offer', 'eu-west-1', service(() => ({ cpu: 300 })), 'cpu'],
  ['16 vCPU with 128 GB, above the 120 GB it offers', 'eu-west-1', service(() => ({ cpu: 16384, memoryLimitMiB: 131072 })), 'cpu'],
  ['8 vCPU with memory off its 4 GB steps', 'eu-west-1', service(() => ({ cpu: 8192, memoryLimitMiB: 18432 })), 'cpu'],
  ['a password as a plain configuration value', 'eu-west-1', service(() => ({ config: { DB_PASSWORD: 'hunter2' } })), 'config'],
  ['an API key as a plain environment variable of the chatbot', 'eu-west-1', withContainer({ environment: { OPENAI_API_KEY: 'sk-1' } }),
    'container.environment'],
  ['configuration key the construct sets itself', 'eu-west-1', service(() => ({ config: { SIGNOUT_PATH: '/bye' } })), 'config'],
  ['BEDROCK_MODEL_ID next to bedrockModels', 'eu-west-1',
    service(() => ({ bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'], config: { BEDROCK_MODEL_ID: 'amazon.nova-pro-v1:0' } })), 'config'],
  ['malformed Bedrock model id', 'eu-west-1', service(() => ({ bedrockModels: ['Claude 3 Haiku'] })), 'bedrockModels'],
  ['ARN of something else than a Bedrock model', 'eu-west-1', service(() => ({ bedrockModels: ['arn:aws:s3:::my-bucket'] })), 'bedrockModels'],
  ['Bedrock ARN of another partition', 'eu-west-1',
    service(() => ({ bedrockModels: ['arn:aws-cn:bedrock:cn-north-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0'] })), 'bedrockModels'],
  ['tasks in public subnets', 'eu-west-1', service(() => ({ subnets: { subnetType: ec2.SubnetType.PUBLIC } })), 'subnets'],
  ['a VPC with only public subnets', 'eu-west-1',
    service((s) => ({ vpc: new ec2.Vpc(s, 'Public', { natGateways: 0, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] }) })), 'vpc'],
  ['health check every 301 seconds', 'eu-west-1', service(() => ({ deployment: { healthCheckInterval: Duration.seconds(301) } })), 'deployment.healthCheckInterval'],
  ['health check timeout of 1 second', 'eu-west-1', service(() => ({ deployment: { healthCheckTimeout: Duration.seconds(1) } })), 'deployment.healthCheckTimeout'],
  ['11 failed checks before unhealthy', 'eu-west-1', service(() => ({ deployment: { unhealthyThresholdCount: 11 } })), 'deployment.unhealthyThresholdCount'],
  ['deregistration delay above an hour', 'eu-west-1', service(() => ({ deployment: { deregistrationDelay: Duration.seconds(3601) } })), 'deployment.deregistrationDelay'],
  ['log retention CloudWatch does not offer', 'eu-west-1', service(() => ({ logRetention: 2 as logs.RetentionDays })), 'logRetention'],
  ['backend size named with its path', 'eu-west-1', backend(() => ({ cpu: 256, memoryLimitMiB: 4096 })), 'backend.cpu'],
  ['backend log retention, set at the top level, named without the path', 'eu-west-1', backend(() => ({ logRetention: 2 as logs.RetentionDays })), 'logRetention'],
  // JavaScript and Python callers: wrong types and enum values that do not exist
  ['JS: a string where the model list goes', 'eu-west-1', service(() => js({ bedrockModels: 'anthropic.claude-3-haiku-20240307-v1:0' })), 'bedrockModels'],
  ['JS: an image reference as a string', 'eu-west-1', service(() => js({ image: 'public.ecr.aws/docker/library/python:3.12-slim' })), 'image'],
  ['JS: a port as a string', 'eu-west-1', service(() => js({ containerPort: '8501' })), 'containerPort'],
  ['JS: a retention by name', 'eu-west-1', service(() => js({ logRetention: 'ONE_YEAR' })), 'logRetention'],
  ['JS: a removal policy that does not exist', 'eu-west-1', service(() => js({ removalPolicy: 'delete' })), 'removalPolicy'],
  ['JS: seconds where a Duration goes', 'eu-west-1', service(() => js({ deployment: { healthCheckInterval: 10 } })), 'deployment.healthCheckInterval'],
  ['JS: a configuration value that is a number', 'eu-west-1', service(() => js({ config: { PORT: 8080 } })), 'config'],
  ['JS: no image', 'eu-west-1', service(() => js({ image: undefined })), 'image'],
  ['JS: a backend port as a string, named with its path', 'eu-west-1', backend(() => js({ cpu: '512' })), 'backend.cpu'],
  // ChatbotNetwork
  ['VPC block larger than /16', 'eu-west-1', (s) => new ChatbotNetwork(s, 'N', { cidr: '10.0.0.0/8' }), 'cidr'],
  ['VPC block larger than /16 with explicit subnets', 'eu-west-1', (s) => new ChatbotNetwork(s, 'N', { ...cidrPlan, cidr: '10.0.0.0/15' }), 'cidr'],
  ['subnet smaller than /28', 'eu-west-1', (s) => new ChatbotNetwork(s, 'N', { ...cidrPlan, publicSubnetCidrs: ['10.0.10.0/29', '10.0.20.0/24'] }), 'publicSubnetCidrs'],
  ['secondary block smaller than /28', 'eu-west-1',
    (s) => new ChatbotNetwork(s, 'N', { ...cidrPlan, secondaryCidr: '100.64.0.0/29', taskSubnetCidrs: ['100.64.0.0/30', '100.64.0.4/30'] }), 'secondaryCidr'],
  ['VPC block too small for the default subnets', 'eu-west-1', (s) => new ChatbotNetwork(s, 'N', { cidr: '10.0.0.0/21' }), 'cidr'],
  ['flow log retention CloudWatch does not offer', 'eu-west-1', (s) => new ChatbotNetwork(s, 'N', { flowLogRetention: 15 as logs.RetentionDays }), 'flowLogRetention'],
  ['JS: an egress that does not exist', 'eu-west-1', (s) => new ChatbotNetwork(s, 'N', { egress: 'FOO' as unknown as ChatbotEgress }), 'egress'],
  ['JS: a subnet CIDR as a string where a list goes', 'eu-west-1',
    (s) => new ChatbotNetwork(s, 'N', { ...cidrPlan, publicSubnetCidrs: '10.0.10.0/24' as unknown as string[] }), 'publicSubnetCidrs'],
  ['JS: the number of zones as a string', 'eu-west-1', (s) => new ChatbotNetwork(s, 'N', { maxAzs: '3' as unknown as number }), 'maxAzs'],
  // ChatbotLoadBalancer
  ['origin name outside the hosted zone', 'eu-west-1', loadBalancer((s) => ({ originDomainName: 'origin.other.org', hostedZone: zone(s) })), 'originDomainName'],
  ['load balancer health check every 2 seconds', 'eu-west-1', loadBalancer(() => ({ deployment: { healthCheckInterval: Duration.seconds(2) } })), 'deployment.healthCheckInterval'],
  ['load balancer healthy threshold of 1', 'eu-west-1', loadBalancer(() => ({ deployment: { healthyThresholdCount: 1 } })), 'deployment.healthyThresholdCount'],
  ['idle timeout above 4000 seconds', 'eu-west-1', loadBalancer(() => ({ idleTimeout: Duration.seconds(4001) })), 'idleTimeout'],
  ['JS: a port as a string on the load balancer', 'eu-west-1', loadBalancer(() => ({ containerPort: '8501' as unknown as number })), 'containerPort'],
  ['JS: deletion protection as a string', 'eu-west-1', loadBalancer(() => ({ deletionProtection: 'true' as unknown as boolean })), 'deletionProtection'],
  ['load balancer access-log retention CloudWatch does not offer', 'eu-west-1', loadBalancer(() => ({ logRetention: 2 as logs.RetentionDays })), 'logRetention'],
  ['access-log retention with the user\'s access-log bucket', 'eu-west-1',
    loadBalancer((s) => ({ accessLogsBucket: s3.Bucket.fromBucketName(s, 'B', 'my-logs'), logRetention: logs.RetentionDays.ONE_MONTH })), 'logRetention'],
  ['JS: an access-log key that is a key ARN string', 'eu-west-1',
    loadBalancer(() => ({ logsEncryptionKey: 'arn:aws:kms:eu-west-1:123456789012:key/abc' as unknown as kms.IKey })), 'logsEncryptionKey'],
  // CLOUDFRONT-scope and edge parts outside us-east-1, retention, other sub-constructs
  ['CLOUDFRONT-scope web ACL outside us-east-1', 'eu-west-1', (s) => new ChatbotWebAcl(s, 'W', { logsEncryptionKey: new kms.Key(s, 'K') }), 'scope'],
  ['web ACL log retention CloudWatch does not offer', 'us-east-1',
    (s) => new ChatbotWebAcl(s, 'W', { logsEncryptionKey: new kms.Key(s, 'K'), logRetention: 10 as logs.RetentionDays }), 'logRetention'],
  ['edge log retention CloudWatch does not offer', 'us-east-1', edge(() => ({ logRetention: 4 as logs.RetentionDays })), 'logRetention'],
  ['JS: a price class by name', 'us-east-1', edge(() => ({ priceClass: 'ALL' as unknown as cloudfront.PriceClass })), 'priceClass'],
  ['origin-verify log retention CloudWatch does not offer', 'eu-west-1',
    (s) => new ChatbotOriginVerify(s, 'O', { domainName: 'chat.example.com', logRetention: 0 as logs.RetentionDays }), 'logRetention'],
  ['origin-verify replica in something that is not a Region', 'eu-west-1',
    (s) => new ChatbotOriginVerify(s, 'O', { domainName: 'chat.example.com', replicaRegions: ['US East'] }), 'replicaRegions'],
  ['JS: one replica Region as a string', 'eu-west-1',
    (s) => new ChatbotOriginVerify(s, 'O', { domainName: 'chat.example.com', replicaRegions: 'us-east-1' as unknown as string[] }), 'replicaRegions'],
  ['JS: HTTP API access log retention as a name, and its required props missing', 'eu-west-1',
    (s) => new ChatbotHttpApi(s, 'H', { logRetention: 'ONE_WEEK' } as unknown as ChatbotHttpApiProps), 'logRetention'],
  ['JS: an MFA setting that does not exist', 'eu-west-1', (s) => new ChatbotAuth(s, 'A', { domainName: 'chat.example.com', mfa: 'YES' as unknown as cognito.Mfa }), 'mfa'],
  ['JS: a session length in seconds', 'eu-west-1',
    (s) => new ChatbotAuth(s, 'A', { domainName: 'chat.example.com', sessionTimeout: 3600 as unknown as Duration }), 'sessionTimeout'],
  ['JS: a bucket name where a bucket goes', 'eu-west-1', (s) => new ChatbotStorage(s, 'St', { bucket: 'my-files' as unknown as s3.IBucket }), 'bucket'],
  ['JS: an image count as a string', 'eu-west-1', (s) => new ChatbotRepository(s, 'R', { maxImageCount: '10' as unknown as number }), 'maxImageCount'],
  ['JS: an endpoint service by name', 'eu-west-1',
    (s) => new ChatbotEndpoints(s, 'E', { vpc: new ec2.Vpc(s, 'V'), additionalInterfaceServices: ['ssm'] as unknown as ec2.InterfaceVpcEndpointAwsService[] }),
    'additionalInterfaceServices'],
  ['JS: an alarm threshold as a string', 'eu-west-1',
    (s) => new ChatbotMonitoring(s, 'M', { serverErrorRatePercent: '5' } as unknown as ChatbotMonitoringProps), 'serverErrorRatePercent'],
  ['JS: a backend model as a string, named with its path', 'eu-west-1', backend(() => js({ bedrockModels: 'amazon.nova-pro-v1:0' })), 'backend.bedrockModels'],
  ['JS: backend log retention by name, named without the path', 'eu-west-1', backend(() => js({ logRetention: 'ONE_YEAR' })), 'logRetention'],
  ['JS: no props at all', 'eu-west-1', (s) => new ChatbotService(s, 'Svc', undefined as unknown as ChatbotServiceProps), 'props'],
];

// Keys a factory or struct does not take, as JavaScript and Python callers can pass them (`as any`):
// each is refused with the key's path, and where another variant takes it, that variant.
const untyped = (value: object) => value as any;
const UNKNOWN_KEYS: Array<[string, (stack: Stack) => unknown, string, RegExp]> = [
  ['a CloudFront-only option on the HTTP API', chatbot(() => ({ ingress: ChatbotIngress.httpApi(untyped({ webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/a/b' })) })),
    'ingress.webAclArn', /option of ChatbotIngress\.cloudFront\(\), not of ChatbotIngress\.httpApi\(\)/],
  ['identity providers on the HTTP API', chatbot(() => ({ ingress: ChatbotIngress.httpApi(untyped({ identityProviders: [] })) })),
    'ingress.identityProviders', /ChatbotIngress\.cloudFront\(\)/],
  ['geo restriction and monitoring on the HTTP API', chatbot(() => ({ ingress: ChatbotIngress.httpApi(untyped({ monitoring: false, rateLimitPerIp: 500 })) })),
    'ingress.monitoring', /ChatbotIngress\.cloudFront\(\)/],
  ['an HTTP API option on CloudFront', chatbot(() => ({ ingress: ChatbotIngress.cloudFront(untyped({ throttlingRateLimit: 10 })) })),
    'ingress.throttlingRateLimit', /option of ChatbotIngress\.httpApi\(\), not of ChatbotIngress\.cloudFront\(\)/],
  ['an HTTP API option on the VPC origin', chatbot(() => ({ ingress: ChatbotIngress.cloudFrontVpcOrigin(untyped({ jwtIssuer: 'https://id.example.com' })) })),
    'ingress.jwtIssuer', /not of ChatbotIngress\.cloudFrontVpcOrigin\(\)/],
  ['a misspelt ingress option', chatbot(() => ({ ingress: ChatbotIngress.cloudFront(untyped({ signoutPath: '/bye' })) })),
    'ingress.signoutPath', /did you mean `ingress\.signOutPath`/],
  ['a misspelt prop of the chatbot', chatbot(() => untyped({ desiredCont: 3 })), 'desiredCont', /did you mean `desiredCount`/],
  ['a prop in snake case, as from Python by hand', chatbot(() => untyped({ max_task_count: 4 })), 'max_task_count', /did you mean `maxTaskCount`/],
  ['a misspelt container member', withContainer(untyped({ healthcheckPath: '/health' })), 'container.healthcheckPath', /did you mean `container\.healthCheckPath`/],
  ['an unknown container member', withContainer(untyped({ replicas: 3 })), 'container.replicas', /is not a known option\. Remove it; the known ones are image, port/],
  ['an unknown prop of a sub-construct', service(() => untyped({ desiredCoun: 2 })), 'desiredCoun', /did you mean `desiredCount`/],
];

/** The shape of every refusal: the prop in backticks, what is wrong, then a sentence saying what to do. */
function refusalOf(prop: string): RegExp {
  return new RegExp('`' + prop.replace(/[.[\]]/g, '\\$&') + '`: [^\\n]+\\. [A-Z][^\\n]+');
}

/** The message `build` throws, or '' when it throws nothing. */
function thrownMessage(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

// Values AWS would reject at deploy time, or that mean nothing, each refused where it enters and
// reported once under the prop the user wrote.
const VALUES: Array<[string, (stack: Stack) => unknown, string]> = [
  ['an edge stack without a Region', cloudFront((s) => ({ edgeStack: new Stack(s.node.scope as App, 'NoRegion') })), 'ingress.edgeStack'],
  ['an empty configuration value', withContainer({ environment: { MODE: '' } }), 'container.environment.MODE'],
  ['a configuration value over 4 KB', withContainer({ environment: { PROMPT: 'x'.repeat(4097) } }), 'container.environment.PROMPT'],
  ['a writable directory listed twice', withContainer({ writableDirectories: ['/tmp', '/home/chatbot', '/tmp'] }), 'container.writableDirectories'],
  ['a fractional burst limit', chatbot(() => ({ ingress: ChatbotIngress.httpApi({ throttlingRateLimit: 10, throttlingBurstLimit: 20.5 }) })), 'ingress.throttlingBurstLimit'],
  ['a negative rate limit, blamed on the rate', chatbot(() => ({ ingress: ChatbotIngress.httpApi({ throttlingRateLimit: -1, throttlingBurstLimit: 20 }) })), 'ingress.throttlingRateLimit'],
  ['a VPC in one Availability Zone', chatbot((s) => ({ vpc: new ec2.Vpc(s, 'OneAz', { maxAzs: 1 }) })), 'vpc'],
  ['a sign-out path without a slash, under its own name', cloudFront(() => ({ signOutPath: 'bye' })), 'ingress.signOutPath'],
  ['a bad generated secret name, at its index', withContainer({ generatedSecrets: ['API_KEY', 'bad-name'] }), 'container.generatedSecrets[1]'],
  ['a generated secret listed twice, at the second index', withContainer({ generatedSecrets: ['API_KEY', 'API_KEY'] }), 'container.generatedSecrets[1]'],
  ['a bad secret variable name, under container.secrets',
    chatbot((s) => ({ container: { image: IMAGE, secrets: { 'bad-name': secretsmanager.Secret.fromSecretNameV2(s, 'K', 'k') } } })), 'container.secrets'],
  ['a fractional maxTaskCount, as such', chatbot(() => ({ maxTaskCount: 3.5 })), 'maxTaskCount'],
  ['a stickiness over 7 days, named by us', cloudFront(() => ({ stickinessDuration: Duration.days(8) })), 'ingress.stickinessDuration'],
  ['a log retention CloudWatch lacks, under logRetention', chatbot(() => ({ logRetention: 12345 as logs.RetentionDays })), 'logRetention'],
  ['a single stack in a Region where CloudFront cannot log to a bucket, blamed on the props that make it single', (s) => {
    const app = s.node.scope as App;
    const here = new Stack(app, 'InMilan', { env: { region: 'eu-south-1', account: '123456789012' } });
    return new SecureContainerChatbot(here, 'Chat', {
      container: { image: IMAGE },
      domainName: 'chat.example.com',
      hostedZone: zone(here),
      ingress: ChatbotIngress.cloudFront({
        edgeCertificate: acm.Certificate.fromCertificateArn(here, 'Edge', 'arn:aws:acm:us-east-1:123456789012:certificate/abc'),
        webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/a/b',
      }),
    });
  }, 'ingress.edgeCertificate'],
  ['a VPC without public subnets for the internet-facing load balancer', chatbot((s) => ({
    vpc: new ec2.Vpc(s, 'NoPublic', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }),
  })), 'vpc'],
];

// Refused by the sub-construct the value reaches, under the L3's path.
const DEEPER: Array<[string, (stack: Stack) => unknown, string, RegExp]> = [
  ['a storage bucket of another Region', chatbot((s) => ({ storage: { bucket: s3.Bucket.fromBucketAttributes(s, 'Far', { bucketName: 'my-files-bucket', region: 'us-west-2' }) } })),
    'storage.bucket', /^ChatbotStorage: /],
  ['a guardrail filter strength outside the enum, from JavaScript', chatbot(() => ({
    bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'],
    bedrockGuardrail: ChatbotGuardrail.create(untyped({ contentFilters: [{ type: 'HATE', inputStrength: 'EXTREME' }] })),
  })), 'bedrockGuardrail.contentFilters[0].inputStrength', /NONE, LOW, MEDIUM, HIGH/],
  ['a guardrail filter category outside the enum, from JavaScript', chatbot(() => ({
    bedrockModels: ['anthropic.claude-3-haiku-20240307-v1:0'],
    bedrockGuardrail: ChatbotGuardrail.create(untyped({ contentFilters: [{ type: 'RUDENESS', inputStrength: 'HIGH' }] })),
  })), 'bedrockGuardrail.contentFilters[0].type', /GuardrailContentFilterType/],
];

describe('values refused by the part they reach, under the user\'s path', () => {
  test.each(DEEPER)('%s', (_what, build, prop, detail) => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1', account: '123456789012' } });
    const message = thrownMessage(() => build(stack));
    expect(message).toMatch(refusalOf(prop));
    expect(message).toMatch(detail);
  });
});

describe('values refused where they enter, once, under the user\'s prop', () => {
  test.each(VALUES)('%s', (_what, build, prop) => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1', account: '123456789012' } });
    const message = thrownMessage(() => build(stack));
    expect(message).toMatch(refusalOf(prop));
    // Reported once, by the chatbot itself.
    expect(message.split('`' + prop + '`').length - 1).toBe(1);
    expect(message).toMatch(/^SecureContainerChatbot: /);
  });
});

describe('keys that nothing takes are refused, not ignored', () => {
  test.each(UNKNOWN_KEYS)('%s', (_what, build, prop, explanation) => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const message = thrownMessage(() => build(stack));
    expect(message).toMatch(refusalOf(prop));
    expect(message).toMatch(explanation);
  });

  test('an option set to undefined sets nothing and is not refused', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    expect(() => chatbot(() => ({ ingress: ChatbotIngress.httpApi(untyped({ webAclArn: undefined })), storage: undefined }))(stack)).not.toThrow();
  });
});

describe('bad input fails at synth time, naming the prop and the fix, and leaves nothing that synthesizes', () => {
  test('the table covers at least 25 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(70);
  });

  test.each(CASES)('%s', (_what, region, build, prop) => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: region ? { region } : undefined });
    expect(thrownMessage(() => build(stack))).toMatch(refusalOf(prop));
    // A caller who catches the error cannot deploy the half-built tree.
    expect(() => app.synth()).toThrow(new RegExp('`' + prop.replace(/[.[\]]/g, '\\$&') + '`'));
  });
});

describe('validations skip values only known at deploy time', () => {
  test('domain from a parameter, port and task counts from SSM and parameters, rate and upload limits as tokens', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { region: 'us-east-1' } });
    const number = (name: string) => new CfnParameter(stack, name, { type: 'Number' }).valueAsNumber;
    expect(() => new SecureContainerChatbot(stack, 'Chat', {
      container: { image: IMAGE, port: number('Port') },
      domainName: new CfnParameter(stack, 'Domain').valueAsString,
      hostedZone: zone(stack),
      desiredCount: number('Count'),
      maxTaskCount: number('Max'),
      cpuTargetPercent: number('CpuTarget'),
      ingress: ChatbotIngress.cloudFront({ rateLimitPerIp: number('Rate'), maxUploadBytes: number('Upload') }),
    })).not.toThrow();
    expect(() => app.synth()).not.toThrow();
  });

  test('sub-constructs skip tokens: task size, retention, configuration values, model ids and health checks from parameters', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { region: 'eu-west-1' } });
    const number = (name: string) => new CfnParameter(stack, name, { type: 'Number' }).valueAsNumber;
    const text = (name: string) => new CfnParameter(stack, name).valueAsString;
    expect(() => new ChatbotService(stack, 'Svc', {
      vpc: new ec2.Vpc(stack, 'Vpc'),
      image: IMAGE,
      cpu: number('Cpu'),
      memoryLimitMiB: number('Memory'),
      logRetention: number('Retention') as logs.RetentionDays,
      config: { MODE: text('Mode') },
      bedrockModels: [text('Model')],
      deployment: { healthCheckInterval: Duration.seconds(number('Interval')), unhealthyThresholdCount: number('Unhealthy') },
    })).not.toThrow();
    expect(() => new ChatbotNetwork(stack, 'Net', { flowLogRetention: number('FlowRetention') as logs.RetentionDays })).not.toThrow();
    expect(() => app.synth()).not.toThrow();
  });

  test('a port from an SSM parameter, through Token.asNumber, passes the service check', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { region: 'us-east-1' } });
    const port = Token.asNumber(ssm.StringParameter.valueForStringParameter(stack, '/chatbot/port'));
    expect(() => new SecureContainerChatbot(stack, 'Chat', { container: { image: IMAGE, port }, domainName: 'chat.example.com', hostedZone: zone(stack) })).not.toThrow();
  });
});

describe('values AWS accepts pass, at the edges of its ranges', () => {
  const accepts = (what: string, region: string, build: (stack: Stack) => unknown) => test(what, () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { region } });
    expect(() => build(stack)).not.toThrow();
    expect(() => app.synth()).not.toThrow();
  });

  accepts('Fargate sizes at both ends of each row, 16 vCPU with 120 GB included', 'eu-west-1', (s) => {
    const sizes: Array<[number, number]> = [
      [256, 512], [256, 2048], [512, 4096], [1024, 8192], [2048, 16384], [4096, 30720], [8192, 16384], [8192, 61440], [16384, 32768], [16384, 122880],
    ];
    sizes.forEach(([cpu, memoryLimitMiB], i) =>
      service(() => ({ cpu, memoryLimitMiB }))(i === 0 ? s : new Stack(s.node.scope as App, `Size${i}`, { env: { region: 'eu-west-1' } })));
  });
  accepts('log retention of 3653 days and of forever', 'eu-west-1', (s) => {
    service(() => ({ logRetention: logs.RetentionDays.TEN_YEARS }))(s);
    service(() => ({ logRetention: logs.RetentionDays.INFINITE }))(new Stack(s.node.scope as App, 'Forever', { env: { region: 'eu-west-1' } }));
  });
  accepts('health checks every 300 seconds with a 120-second timeout, thresholds 2 and 10, a drain of an hour', 'eu-west-1', service(() => ({
    deployment: {
      healthCheckInterval: Duration.seconds(300),
      healthCheckTimeout: Duration.seconds(120),
      healthyThresholdCount: 2,
      unhealthyThresholdCount: 10,
      deregistrationDelay: Duration.seconds(3600),
    },
  })));
  accepts('a configuration value of 4096 bytes', 'eu-west-1', service(() => ({ config: { PROMPT: 'x'.repeat(4096) } })));
  accepts('Bedrock ids with a context size, inference profile and foundation-model ARNs of the stack\'s partition', 'eu-west-1', service(() => ({
    bedrockModels: [
      'anthropic.claude-3-sonnet-20240229-v1:0:28k',
      'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-3-5-sonnet-20240620-v1:0',
      'arn:aws:bedrock:eu-central-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
      'amazon.titan-embed-text-v2:0',
      'eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/a1b2c3d4e5f6',
    ],
  })));
  accepts('an apac. profile in Tokyo, a jp. profile in Osaka, an au. profile in Melbourne', 'ap-northeast-1', service(() => ({
    bedrockModels: [
      'apac.anthropic.claude-3-haiku-20240307-v1:0',
      'arn:aws:bedrock:ap-northeast-3:123456789012:inference-profile/jp.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:ap-southeast-4:123456789012:inference-profile/au.anthropic.claude-sonnet-4-5-20250929-v1:0',
    ],
  })));
  accepts('/28 subnets in a /16 VPC and a /27 secondary block', 'eu-west-1', (s) => new ChatbotNetwork(s, 'N', {
    cidr: '10.0.0.0/16',
    publicSubnetCidrs: ['10.0.0.0/28', '10.0.0.16/28'],
    privateSubnetCidrs: ['10.0.1.0/28', '10.0.1.16/28'],
    secondaryCidr: '100.64.0.0/27',
    taskSubnetCidrs: ['100.64.0.0/28', '100.64.0.16/28'],
  }));
  accepts('a /26 VPC split into four /28 subnets', 'eu-west-1', (s) => new ChatbotNetwork(s, 'N', {
    cidr: '10.0.0.0/26',
    publicSubnetCidrs: ['10.0.0.0/28', '10.0.0.16/28'],
    privateSubnetCidrs: ['10.0.0.32/28', '10.0.0.48/28'],
  }));
  accepts('a /20 VPC with the default subnets, and a retention of 3653 days on the flow logs', 'eu-west-1',
    (s) => new ChatbotNetwork(s, 'N', { cidr: '10.0.0.0/20', flowLogRetention: logs.RetentionDays.TEN_YEARS }));
  accepts('an origin name inside the hosted zone, health checks every 300 seconds on the load balancer', 'eu-west-1', loadBalancer((s) => ({
    originDomainName: 'origin.chat.example.com',
    hostedZone: zone(s),
    deployment: { healthCheckInterval: Duration.seconds(300), healthCheckTimeout: Duration.seconds(120) },
  })));
  test('a deregistration delay above a minute and an idle timeout below one are accepted with a warning', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    loadBalancer(() => ({ deployment: { deregistrationDelay: Duration.minutes(5) }, idleTimeout: Duration.seconds(30) }))(stack);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data));
    expect(warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(/`deployment.deregistrationDelay` is 300 s.*\[ack: secure-container-chatbot:deregistrationDelay\]/),
      expect.stringMatching(/`idleTimeout` is 30 s.*\[ack: secure-container-chatbot:idleTimeout\]/),
    ]));
  });
  accepts('a model ARN of aws-cn in a China region', 'cn-north-1',
    service(() => ({ bedrockModels: ['arn:aws-cn:bedrock:cn-north-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0'] })));
});

describe('JavaScript and Python callers: every prop of a wrong type gives an Error naming it, never a TypeError', () => {
  // [construct, region, how to build it with the given props, props it needs, its props whose type is a string, the others]
  const SWEEP: Array<[string, string, (stack: Stack, props: any) => unknown, (stack: Stack) => object, string[], string[]]> = [
    ['ChatbotService', 'eu-west-1', (s, p) => new ChatbotService(s, 'X', p), (s) => ({ vpc: new ec2.Vpc(s, 'Vpc'), image: IMAGE }),
      ['containerUser', 'signOutPath'],
      ['vpc', 'image', 'subnets', 'cluster', 'containerPort', 'desiredCount', 'maxTaskCount', 'cpuTargetPercent', 'memoryTargetPercent', 'cpu', 'memoryLimitMiB',
        'cpuArchitecture', 'bedrockModels', 'bedrockGuardrail', 'bedrockKnowledgeBases', 'config', 'secrets', 'generatedSecrets', 'writableDirectories',
        'logRetention', 'logsEncryptionKey', 'removalPolicy', 'deployment']],
    ['ChatbotNetwork', 'eu-west-1', (s, p) => new ChatbotNetwork(s, 'X', p), () => ({}), ['cidr', 'secondaryCidr'],
      ['maxAzs', 'publicSubnetCidrs', 'privateSubnetCidrs', 'taskSubnetCidrs', 'egress', 'flowLogRetention', 'logsEncryptionKey', 'removalPolicy']],
    ['ChatbotAuth', 'eu-west-1', (s, p) => new ChatbotAuth(s, 'X', p), () => ({ domainName: 'chat.example.com' }), ['domainName', 'cognitoDomainPrefix'],
      ['userPool', 'userPoolClient', 'userPoolDomain', 'mfa', 'featurePlan', 'apiClients', 'sessionTimeout', 'removalPolicy', 'cognitoUsers']],
    ['ChatbotEdge', 'us-east-1', (s, p) => new ChatbotEdge(s, 'X', p),
      (s) => ({ domainName: 'chat.example.com', hostedZone: zone(s), originDomainName: 'origin.chat.example.com', originVerifyHeaderValue: 'x' }),
      ['domainName', 'originDomainName', 'webAclArn', 'uploadPath', 'signOutPath', 'cognitoLogoutPath'],
      ['hostedZone', 'certificate', 'rateLimitPerIp', 'maxUploadBytes', 'geoRestriction', 'priceClass', 'originReadTimeout', 'logRetention', 'logsEncryptionKey',
        'removalPolicy']],
    ['ChatbotWebAcl', 'us-east-1', (s, p) => new ChatbotWebAcl(s, 'X', p), (s) => ({ logsEncryptionKey: new kms.Key(s, 'K') }), ['uploadPath'],
      ['rateLimitPerIp', 'logRetention', 'maxUploadBytes', 'logsEncryptionKey', 'removalPolicy', 'allowedIpRanges', 'allowedCountries']],
    ['ChatbotOidcAuth', 'eu-west-1', (s, p) => new ChatbotOidcAuth(s, 'X', p), () => ({
      domainName: 'chat.example.com',
      issuer: 'https://idp.example.com',
      authorizationEndpoint: 'https://idp.example.com/a',
      tokenEndpoint: 'https://idp.example.com/t',
      userInfoEndpoint: 'https://idp.example.com/u',
      clientId: 'c',
      clientSecret: SecretValue.secretsManager('idp', { jsonField: 'clientSecret' }),
    }), ['domainName', 'issuer', 'authorizationEndpoint', 'tokenEndpoint', 'userInfoEndpoint', 'endSessionEndpoint', 'clientId', 'scopes'],
    ['clientSecret', 'sessionTimeout']],
    ['ChatbotUserPoolWebAcl', 'eu-west-1', (s, p) => new ChatbotUserPoolWebAcl(s, 'X', p),
      (s) => ({ logsEncryptionKey: new kms.Key(s, 'K'), userPool: new cognito.UserPool(s, 'P') }), [],
      ['userPool', 'rateLimitPerIp', 'allowedIpRanges', 'allowedCountries', 'logsEncryptionKey', 'logRetention', 'removalPolicy']],
    ['ChatbotStorage', 'eu-west-1', (s, p) => new ChatbotStorage(s, 'X', p), () => ({}), [], ['bucket', 'table', 'removalPolicy', 'encryptionKey', 'accessLogsBucket']],
    ['ChatbotRepository', 'eu-west-1', (s, p) => new ChatbotRepository(s, 'X', p), () => ({}), [], ['maxImageCount', 'encryptionKey', 'removalPolicy']],
    ['ChatbotEndpoints', 'eu-west-1', (s, p) => new ChatbotEndpoints(s, 'X', p), (s) => ({ vpc: new ec2.Vpc(s, 'Vpc') }), [],
      ['vpc', 'subnets', 'additionalInterfaceServices', 'oneAvailabilityZone', 'dynamoDbGateway', 'bedrockAgentRuntime']],
    ['ChatbotOriginVerify', 'eu-west-1', (s, p) => new ChatbotOriginVerify(s, 'X', p), () => ({ domainName: 'chat.example.com' }), ['domainName'],
      ['encryptionKey', 'replicaRegions', 'rotationInterval', 'logRetention', 'removalPolicy']],
  ];
  const cases = SWEEP.flatMap(([name, region, build, base, strings, others]) => [
    ...strings.map((prop) => [name, prop, 42, region, build, base] as const),
    ...others.map((prop) => [name, prop, 'wrong', region, build, base] as const),
  ]);

  test.each(cases)('%s.%s = %p', (_name, prop, value, region, build, base) => {
    const stack = new Stack(new App(), 'S', { env: { region } });
    let error: unknown;
    try {
      build(stack, { ...base(stack), [prop]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(new RegExp('`' + prop + '`: must be '));
  });
});
