import * as path from 'path';
import { App, CfnParameter, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import {
  ChatbotAuth, ChatbotBackendOptions, ChatbotEgress, ChatbotIngress, ChatbotNetwork, ChatbotRepository, ChatbotStorage,
  ChatbotCloudFrontIngressOptions, ChatbotContainerOptions, ChatbotWebAcl, SecureContainerChatbot, SecureContainerChatbotProps,
} from '../src';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');
const zone = (stack: Stack) => route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' });
const chatbot = (extra: (stack: Stack) => Partial<SecureContainerChatbotProps>) => (stack: Stack) =>
  new SecureContainerChatbot(stack, 'Chat', { container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone: zone(stack), ...extra(stack) } as SecureContainerChatbotProps);
// A chatbot whose container has `options` besides the image.
const withContainer = (options: Partial<ChatbotContainerOptions>) => chatbot(() => ({ container: { image: IMAGE, ...options } }));
const cloudFront = (options: (stack: Stack) => ChatbotCloudFrontIngressOptions) =>
  chatbot((s) => ({ ingress: ChatbotIngress.cloudFront(options(s)) }));
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
  ['region without a known prefix list', 'mx-central-1', chatbot(() => ({})), 'ingress.cloudFrontPrefixListId'],
  ['edge stack outside us-east-1', 'eu-west-1', cloudFront((s) => ({ edgeStack: new Stack(s.node.scope as App, 'Edge', { env: { region: 'eu-central-1' } }) })), 'ingress.edgeStack'],
  ['origin name equal to the domain', 'eu-west-1', cloudFront(() => ({ originDomainName: 'chat.example.com' })), 'ingress.originDomainName'],
  ['the old ingress enum from JavaScript', 'eu-west-1', chatbot(() => ({ ingress: 'HTTP_API' as unknown as ChatbotIngress })), 'ingress'],
  ['the old top-level image from JavaScript', 'eu-west-1', chatbot(() => ({ image: IMAGE } as Partial<SecureContainerChatbotProps>)), 'image'],
  ['backend without a port', 'eu-west-1', chatbot(() => ({ backend: { image: IMAGE } as unknown as ChatbotBackendOptions })), 'backend.containerPort'],
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
  ['bare inference profile id', 'eu-west-1', chatbot(() => ({ bedrockModels: ['us.anthropic.claude-3-5-sonnet-20241022-v2:0'] })), 'bedrockModels'],
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
  ['rate limit below WAF\'s minimum', 'us-east-1', (s) => new ChatbotWebAcl(s, 'W', { rateLimitPerIp: 5, logsEncryptionKey: new kms.Key(s, 'K') }), 'rateLimitPerIp'],
  ['relative upload path', 'us-east-1', (s) => new ChatbotWebAcl(s, 'W', { maxUploadBytes: 10, uploadPath: 'upload', logsEncryptionKey: new kms.Key(s, 'K') }), 'uploadPath'],
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
    backend: { image: IMAGE, containerPort: 8080 }, container: { image: IMAGE, environment: { BACKEND_URL: 'http://x' } },
  })), 'container.environment'],
  ['health check path with the HTTP API, whose NLB checks TCP', 'eu-west-1', chatbot(() => ({
    ingress: ChatbotIngress.httpApi(), container: { image: IMAGE, healthCheckPath: '/' },
  })), 'container.healthCheckPath'],
  ['relative health check path', 'eu-west-1', withContainer({ healthCheckPath: 'health' }), 'container.healthCheckPath'],
  ['container as root', 'eu-west-1', withContainer({ user: 'root' }), 'container.user'],
  ['relative writable directory', 'eu-west-1', withContainer({ writableDirectories: ['tmp'] }), 'container.writableDirectories'],
  ['empty command', 'eu-west-1', withContainer({ command: [] }), 'container.command'],
  ['image built for arm64 on x86_64 tasks', 'eu-west-1', withContainer({ image: ecs.ContainerImage.fromAsset(path.join(__dirname, '..', 'examples', 'app'), { platform: ecrAssets.Platform.LINUX_ARM64 }) }), 'container.image'],
  ['autoscaling target without autoscaling', 'eu-west-1', chatbot(() => ({ cpuTargetPercent: 50 })), 'cpuTargetPercent'],
  ['autoscaling target out of range', 'eu-west-1', chatbot(() => ({ maxTaskCount: 4, memoryTargetPercent: 95 })), 'memoryTargetPercent'],
  ['alarm settings without monitoring', 'eu-west-1', cloudFront(() => ({ monitoring: false, serverErrorRatePercent: 10 })), 'ingress.serverErrorRatePercent'],
  ['error-rate alarm above 100 percent', 'eu-west-1', cloudFront(() => ({ serverErrorRatePercent: 150 })), 'ingress.serverErrorRatePercent'],
  ['upload path without an upload limit', 'eu-west-1', cloudFront(() => ({ uploadPath: '/upload' })), 'ingress.uploadPath'],
  ['user pool domain without its pool', 'eu-west-1', cloudFront((s) => ({
    userPoolDomain: new cognito.UserPool(s, 'P').addDomain('D', { cognitoDomain: { domainPrefix: 'mine' } }),
  })), 'ingress.userPoolDomain'],
  ['load balancer idle timeout under a minute', 'eu-west-1', cloudFront(() => ({ idleTimeout: Duration.seconds(10) })), 'ingress.idleTimeout'],
  ['login session longer than a week, on the chatbot', 'eu-west-1', cloudFront(() => ({ sessionTimeout: Duration.days(8) })), 'ingress.sessionTimeout'],
  ['HTTP API burst below its rate', 'eu-west-1', chatbot(() => ({ ingress: ChatbotIngress.httpApi({ throttlingRateLimit: 100, throttlingBurstLimit: 10 }) })), 'ingress.throttlingBurstLimit'],
  ['network plan with one Availability Zone', 'eu-west-1', chatbot(() => ({ networkOptions: { maxAzs: 1 } })), 'networkOptions.maxAzs'],
];

describe('bad input fails at synth time, naming the prop and the fix, and leaves nothing that synthesizes', () => {
  test('the table covers at least 25 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(70);
  });

  test.each(CASES)('%s', (_what, region, build, prop) => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: region ? { region } : undefined });
    let message = '';
    try {
      build(stack);
    } catch (error) {
      message = (error as Error).message;
    }
    // The prop, in backticks, then what is wrong, then a sentence saying what to do.
    expect(message).toMatch(new RegExp('`' + prop.replace(/\./g, '\\.') + '`: [^\\n]+\\. [A-Z][^\\n]+'));
    // A caller who catches the error cannot deploy the half-built tree.
    expect(() => app.synth()).toThrow(new RegExp('`' + prop.replace(/\./g, '\\.') + '`'));
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

  test('a port from an SSM parameter, through Token.asNumber, passes the service check', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { region: 'us-east-1' } });
    const port = Token.asNumber(ssm.StringParameter.valueForStringParameter(stack, '/chatbot/port'));
    expect(() => new SecureContainerChatbot(stack, 'Chat', { container: { image: IMAGE, port }, domainName: 'chat.example.com', hostedZone: zone(stack) })).not.toThrow();
  });
});
