import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ChatbotBackend, ChatbotBackendOptions, ChatbotEgress, SecureContainerChatbot, SecureContainerChatbotProps } from '../../src';
import { exampleTemplate } from '../support/example-assemblies';
import { ingressRules, securityGroupId } from '../support/security-groups';

const regional = exampleTemplate('two-tier', 'eu-central-1', 'ChatbotTwoTier');
const images = exampleTemplate('two-tier', 'eu-central-1', 'ChatbotTwoTierImages');
const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');

/** Every ingress rule of a security group as [source group logical id, port, prefix list or CIDR]. */
function ingressOf(groupId: string): Array<[string | undefined, number, string | undefined]> {
  return ingressRules(regional, groupId).map((r) => [r.SourceSecurityGroupId?.['Fn::GetAtt']?.[0], r.FromPort, r.SourcePrefixListId ?? r.CidrIp]);
}

describe('two tiers (examples/two-tier)', () => {
  const publicAlb = securityGroupId(regional, /ChatbotLoadBalancerSecurityGroup/);
  const frontend = securityGroupId(regional, /ChatbotServiceSecurityGroup/);
  const internalAlb = securityGroupId(regional, /ChatbotBackendSecurityGroup/);
  const backend = securityGroupId(regional, /ChatbotBackendServiceSecurityGroup/);

  test('each hop admits only the one in front of it', () => {
    expect(ingressOf(publicAlb)).toEqual([[undefined, 443, 'pl-a3a144ca']]);
    expect(ingressOf(frontend)).toEqual([[publicAlb, 8501, undefined]]);
    expect(ingressOf(internalAlb)).toEqual([[frontend, 443, undefined]]);
    expect(ingressOf(backend)).toEqual([[internalAlb, 8080, undefined]]);
  });

  test('both load balancers deliver their access logs into KMS-encrypted log groups, and no log bucket is left', () => {
    const albs = regional.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer');
    const sources = Object.values<any>(regional.findResources('AWS::Logs::DeliverySource')).filter((r) => r.Properties.LogType === 'ALB_ACCESS_LOGS');
    expect(sources.map((r) => r.Properties.ResourceArn.Ref).sort()).toEqual(Object.keys(albs).sort());
    for (const alb of Object.values<any>(albs)) {
      expect(alb.Properties.LoadBalancerAttributes.map((a: { Key: string }) => a.Key)).not.toContain('access_logs.s3.enabled');
    }
    const groups = regional.findResources('AWS::Logs::LogGroup');
    const destinations = Object.values<any>(regional.findResources('AWS::Logs::DeliveryDestination'));
    const backendGroup = Object.keys(groups).find((id) => /^ChatbotBackendAccessLogs/.test(id))!;
    expect(destinations.map((d) => d.Properties.DestinationResourceArn)).toContainEqual({ 'Fn::GetAtt': [backendGroup, 'Arn'] });
    expect(groups[backendGroup].Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ChatbotEncryptionKey/), 'Arn'] });
    expect(Object.keys(regional.findResources('AWS::S3::Bucket')).filter((id) => /AccessLogs/.test(id))).toEqual([]);
  });

  test('the frontend cannot reach the backend tasks directly', () => {
    expect(ingressOf(backend).map(([source]) => source)).not.toContain(frontend);
  });

  test('the backend sits behind an internal HTTPS load balancer in the private subnets', () => {
    regional.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 2);
    regional.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      Subnets: [{ Ref: Match.stringLikeRegexp('PrivateSubnet1') }, { Ref: Match.stringLikeRegexp('PrivateSubnet2') }],
      SecurityGroups: [{ 'Fn::GetAtt': [internalAlb, 'GroupId'] }],
    });
    regional.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
      DefaultActions: [Match.objectLike({ Type: 'forward' })],
      LoadBalancerArn: { Ref: Match.stringLikeRegexp('ChatbotBackendLoadBalancer') },
    });
    regional.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080, HealthCheckPath: '/health' });
    regional.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'backend.team-chat.example.com.', Type: 'A' });
    regional.hasResourceProperties('AWS::CertificateManager::Certificate', {
      SubjectAlternativeNames: ['origin.team-chat.example.com', 'backend.team-chat.example.com'],
    });
  });

  test('each service has its own task definition, and the frontend learns the backend URL', () => {
    regional.resourceCountIs('AWS::ECS::TaskDefinition', 2);
    regional.resourceCountIs('AWS::ECS::Service', 2);
    regional.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Environment: Match.arrayWith([{ Name: 'BACKEND_URL', Value: 'https://backend.team-chat.example.com' }]),
        HealthCheck: Match.absent(),
      })],
    });
  });

  test('secrets are injected as ECS secrets, and the execution role reads exactly those', () => {
    regional.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        // The secret never appears as a plain variable.
        Environment: Match.not(Match.arrayWith([Match.objectLike({ Name: 'SEARCH_API_KEY' })])),
        Secrets: Match.arrayWith([{
          Name: 'SEARCH_API_KEY',
          ValueFrom: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:eu-central-1:', { Ref: 'AWS::AccountId' }, ':secret:chatbot/search-api-key']] },
        }]),
      })],
    });
    regional.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Secrets: Match.arrayWith([{ Name: 'SESSION_SIGNING_KEY', ValueFrom: { Ref: Match.stringLikeRegexp('SecretSESSIONSIGNINGKEY') } }]) })],
    });
    const statements = Object.entries(regional.findResources('AWS::IAM::ManagedPolicy'))
      .filter(([id]) => /BackendServiceExecutionRole/.test(id))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const secretReads = statements.filter((s: any) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    expect(secretReads).toHaveLength(1);
    expect(JSON.stringify(secretReads[0].Resource)).toContain(':secret:chatbot/search-api-key-??????');
  });

  test('NAT egress: one NAT gateway, private subnets route out through it, endpoints (with Secrets Manager) stay', () => {
    regional.resourceCountIs('AWS::EC2::NatGateway', 1);
    regional.hasResourceProperties('AWS::EC2::Route', {
      RouteTableId: { Ref: Match.stringLikeRegexp('PrivateSubnet2RouteTable') },
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: Match.anyValue(),
    });
    regional.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-central-1.secretsmanager', PrivateDnsEnabled: true });
    regional.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-central-1.ecr.dkr' });
  });

  test('the ECR repository, in a stack of its own, scans on push, has immutable tags, a lifecycle and KMS encryption', () => {
    regional.resourceCountIs('AWS::ECR::Repository', 0);
    images.hasResourceProperties('AWS::ECR::Repository', {
      ImageScanningConfiguration: { ScanOnPush: true },
      ImageTagMutability: 'IMMUTABLE',
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: Match.anyValue() },
      LifecyclePolicy: { LifecyclePolicyText: Match.stringLikeRegexp('"tagStatus":"untagged"') },
    });
  });
});

test('with task subnets in a secondary CIDR, the backend runs in them too, where the endpoints are', () => {
  const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
  new SecureContainerChatbot(stack, 'Chat', {
    container: { image: IMAGE },
    domainName: 'chat.example.com',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Z', { hostedZoneId: 'Z1', zoneName: 'example.com' }),
    networkOptions: {
      publicSubnetCidrs: ['10.0.10.0/24', '10.0.20.0/24'],
      privateSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24'],
      secondaryCidr: '172.10.0.0/16',
      taskSubnetCidrs: ['172.10.1.0/24', '172.10.2.0/24'],
    },
    backend: { image: IMAGE, port: 8080 },
  });
  const services = Object.values(Template.fromStack(stack).findResources('AWS::ECS::Service'));
  expect(services).toHaveLength(2);
  for (const service of services) {
    expect(service.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets).toEqual([
      { Ref: expect.stringMatching(/TaskSubnet1Subnet/) }, { Ref: expect.stringMatching(/TaskSubnet2Subnet/) },
    ]);
  }
});

describe('two-tier bad input', () => {
  const make = (props: Partial<SecureContainerChatbotProps>, vpcOf?: (stack: Stack) => ec2.IVpc) => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Z', { hostedZoneId: 'Z1', zoneName: 'example.com' });
    return () => new SecureContainerChatbot(stack, 'Chat', {
      container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone, ...props, ...(vpcOf ? { vpc: vpcOf(stack) } : {}),
    } as SecureContainerChatbotProps);
  };

  test('a backend without a port', () => {
    expect(make({ backend: { image: IMAGE } as unknown as ChatbotBackendOptions })).toThrow(/`backend.port`: is missing/);
  });

  test.each([
    [{ containerPort: 8080, port: 8080 }, /`backend.containerPort`: is the old name of `backend.port`, and both are given\. Pass only `backend.port`\./],
    [{ port: 8080, config: { A: '1' }, environment: { A: '1' } }, /`backend.config`: is the old name of `backend.environment`, and both are given/],
    // A value under a 1.0 name is reported under the name the caller wrote.
    [{ containerPort: 0 }, /`backend.containerPort`: must be a whole number from 1 to 65535 \(got 0\)/],
    [{ port: 8080, config: { DB_PASSWORD: 'x' } }, /`backend.config`: 'DB_PASSWORD' looks like a credential/],
    [{ port: 8080, environment: { DB_PASSWORD: 'x' } }, /`backend.environment`: 'DB_PASSWORD' looks like a credential/],
  ])('the backend\'s names: refuses %j', (options, message) => {
    expect(make({ backend: { image: IMAGE, ...options } as ChatbotBackendOptions })).toThrow(message);
  });

  test('a secret from another region', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Z', { hostedZoneId: 'Z1', zoneName: 'example.com' });
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'X', 'arn:aws:secretsmanager:us-east-2:123456789012:secret:key-AbCdEf');
    expect(() => new SecureContainerChatbot(stack, 'Chat', { container: { image: IMAGE, secrets: { API_KEY: secret } }, domainName: 'chat.example.com', hostedZone }))
      .toThrow(/`container.secrets`: 'API_KEY' is a secret in us-east-2, but the tasks run in eu-west-1/);
  });

  test('a NAT egress for a VPC without a route out', () => {
    const isolated = (stack: Stack) => new ec2.Vpc(stack, 'V', {
      natGateways: 0,
      subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }, { name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    expect(make({ egress: ChatbotEgress.NAT_GATEWAY }, isolated)).toThrow(/`egress`: is NAT_GATEWAY, but the given VPC has no private subnets with a route out/);
  });

  test('endpoints-only egress with the endpoints turned off', () => {
    expect(make({ egress: ChatbotEgress.VPC_ENDPOINTS_ONLY, vpcEndpoints: false }, (stack) => new ec2.Vpc(stack, 'V')))
      .toThrow(/`egress`: is VPC_ENDPOINTS_ONLY but `vpcEndpoints` is false/);
  });

  test('the same variable from two sources', () => {
    expect(make({ container: { image: IMAGE, environment: { API_KEY: 'x' }, generatedSecrets: ['API_KEY'] } }))
      .toThrow(/`container.secrets`: 'API_KEY' is set more than once across container.environment, container.secrets and container.generatedSecrets/);
  });
});

describe('the client security group', () => {
  const build = (allowAllOutbound: boolean) => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc, allowAllOutbound });
    new ChatbotBackend(stack, 'Backend', {
      vpc,
      cluster: new ecs.Cluster(stack, 'Cluster', { vpc }),
      clientSecurityGroup: client,
      domainName: 'backend.example.com',
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'),
      accessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'logs'),
      image: IMAGE,
      port: 8080,
    });
    return { stack, client: stack.getLogicalId(client.node.defaultChild as ec2.CfnSecurityGroup) };
  };

  test('with restricted outbound, it gets HTTPS to the internal load balancer', () => {
    const { stack, client } = build(false);
    const egress = Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupEgress');
    expect(Object.values(egress).map((r) => [r.Properties.GroupId, r.Properties.FromPort])).toContainEqual([{ 'Fn::GetAtt': [client, 'GroupId'] }, 443]);
  });

  test('allowing all outbound, it gets no egress rule, which CDK would ignore with a warning', () => {
    const { stack, client } = build(true);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    const egress = Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupEgress');
    expect(Object.values(egress).map((r) => r.Properties.GroupId)).not.toContainEqual({ 'Fn::GetAtt': [client, 'GroupId'] });
  });
});
