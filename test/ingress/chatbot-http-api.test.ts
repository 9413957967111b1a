import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ChatbotHttpApi, ChatbotIngress, ChatbotNetwork, ChatbotNetworkProps } from '../../src';
import { exampleAssembly, exampleTemplate } from '../support/example-assemblies';
import { ownFargateService, stubAuth } from '../support/own-parts';
import { ingressRules, securityGroupId } from '../support/security-groups';

const t = exampleTemplate('http-api', 'ap-southeast-2');

const groupIngress = (pattern: RegExp) => ingressRules(t, securityGroupId(t, pattern));

describe('HTTP API ingress (examples/http-api)', () => {
  test('one regional stack: no CloudFront, no WAF, no application load balancer', () => {
    expect(exampleAssembly('http-api').stacks).toHaveLength(1);
    t.resourceCountIs('AWS::CloudFront::Distribution', 0);
    t.resourceCountIs('AWS::WAFv2::WebACL', 0);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network', Scheme: 'internal' });
  });

  test('every route needs a JWT from the user pool, for the app client', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP', DisableExecuteApiEndpoint: true });
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: Match.stringLikeRegexp('AuthAppClient') }],
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.ap-southeast-2.amazonaws.com/', { Ref: Match.stringLikeRegexp('AuthUserPool') }]] },
      },
    });
    const routes = Object.values(t.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      expect(route.Properties.AuthorizationType).toBe('JWT');
    }
  });

  test('private integration over the VPC link, with TLS to the load balancer', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'HTTP_PROXY',
      ConnectionType: 'VPC_LINK',
      TlsConfig: { ServerNameToVerify: 'chat-api.example.com' },
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::VpcLink', {
      SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('VpcLinkSecurityGroup'), 'GroupId'] }],
      SubnetIds: [{ Ref: Match.stringLikeRegexp('TaskSubnet1') }, { Ref: Match.stringLikeRegexp('TaskSubnet2') }],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'TLS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06' });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8501, Protocol: 'TCP', TargetType: 'ip' });
  });

  test('stage: access logs, throttling; custom domain with an alias record', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'chat-api.example.com', DomainNameConfigurations: [Match.objectLike({ SecurityPolicy: 'TLS_1_2' })] });
    t.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'chat-api.example.com.', Type: 'A' });
  });

  test('the Network Load Balancer\'s access logs: vended NLB_ACCESS_LOGS into a KMS-encrypted log group, and no S3 log bucket in the stack', () => {
    const [nlbId, nlb] = Object.entries(t.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0];
    expect(nlb.Properties.Type).toBe('network');
    expect(JSON.stringify(nlb.Properties.LoadBalancerAttributes ?? [])).not.toContain('access_logs.s3');
    t.hasResourceProperties('AWS::Logs::DeliverySource', { LogType: 'NLB_ACCESS_LOGS', ResourceArn: { Ref: nlbId } });
    const [, destination] = Object.entries(t.findResources('AWS::Logs::DeliveryDestination'))[0];
    const groupId = destination.Properties.DestinationResourceArn['Fn::GetAtt'][0];
    expect(t.toJSON().Resources[groupId].Properties.KmsKeyId).toBeDefined();
    t.resourceCountIs('AWS::S3::Bucket', 0);
  });

  test('security groups: VPC link -> load balancer (443) -> tasks (8501), nothing else', () => {
    const nlb = groupIngress(/HttpApiLoadBalancerSecurityGroup/);
    expect(nlb).toEqual([expect.objectContaining({ FromPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/VpcLinkSecurityGroup/), 'GroupId'] } })]);
    const tasks = groupIngress(/ChatbotServiceSecurityGroup/);
    expect(tasks).toEqual([expect.objectContaining({ FromPort: 8501, SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/HttpApiLoadBalancerSecurityGroup/), 'GroupId'] } })]);
  });

  test('API client app client: no secret, SRP sign-in, no hosted login', () => {
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false, ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH']), AllowedOAuthFlows: Match.absent() });
    t.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
  });
});

describe('network of seed 004', () => {
  const subnetCidrs = Object.values(t.findResources('AWS::EC2::Subnet')).map((s) => s.Properties.CidrBlock).sort();

  test('primary 10.0.0.0/16 with the given public and app subnets, secondary 172.10.0.0/16 with the task subnets', () => {
    t.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    t.hasResourceProperties('AWS::EC2::VPCCidrBlock', { CidrBlock: '172.10.0.0/16' });
    expect(subnetCidrs).toEqual(['10.0.1.0/24', '10.0.10.0/24', '10.0.2.0/24', '10.0.20.0/24', '172.10.1.0/24', '172.10.2.0/24']);
  });

  test('app subnets route to the NAT gateway of their AZ; task subnets have no route out', () => {
    t.resourceCountIs('AWS::EC2::NatGateway', 2);
    const routes = Object.values(t.findResources('AWS::EC2::Route')).map((r) => r.Properties);
    for (const n of [1, 2]) {
      expect(routes).toContainEqual(expect.objectContaining({
        RouteTableId: { Ref: expect.stringMatching(new RegExp(`PrivateSubnet${n}RouteTable`)) },
        NatGatewayId: { Ref: expect.stringMatching(new RegExp(`PublicSubnet${n}NATGateway`)) },
      }));
    }
    expect(routes.filter((r) => JSON.stringify(r.RouteTableId).includes('TaskSubnet'))).toEqual([]);
  });

  test('ECR, logs and S3 endpoints serve the task subnets; the execution role has only the ECR pull permissions', () => {
    for (const service of ['ecr.api', 'ecr.dkr', 'logs']) {
      t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        ServiceName: `com.amazonaws.ap-southeast-2.${service}`,
        SubnetIds: [{ Ref: Match.stringLikeRegexp('TaskSubnet1') }, { Ref: Match.stringLikeRegexp('TaskSubnet2') }],
      });
    }
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      RouteTableIds: [{ Ref: Match.stringLikeRegexp('TaskSubnet1RouteTable') }, { Ref: Match.stringLikeRegexp('TaskSubnet2RouteTable') }],
    });
    const statements = Object.entries(t.findResources('AWS::IAM::ManagedPolicy'))
      .filter(([id]) => /ServiceExecutionRole/.test(id))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const ecrActions = statements.flatMap((s: any) => [s.Action].flat()).filter((a: string) => a.startsWith('ecr:')).sort();
    expect(ecrActions).toEqual(['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetAuthorizationToken', 'ecr:GetDownloadUrlForLayer']);
  });
});

describe('network and HTTP API bad input', () => {
  const network = (props: ChatbotNetworkProps) => () => new ChatbotNetwork(new Stack(new App(), 'S', { env: { region: 'eu-west-1' } }), 'N', props);
  const plan = { publicSubnetCidrs: ['10.0.10.0/24', '10.0.20.0/24'], privateSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24'] };

  test.each<[string, ChatbotNetworkProps, RegExp]>([
    ['a malformed CIDR', { cidr: '10.0.0.0/33' }, /`cidr`: '10.0.0.0\/33' is not an IPv4 CIDR block/],
    ['overlapping subnets', { ...plan, privateSubnetCidrs: ['10.0.10.0/25', '10.0.2.0/24'] }, /`privateSubnetCidrs`: '10.0.10.0\/25' overlaps '10.0.10.0\/24' of publicSubnetCidrs/],
    ['a subnet outside the VPC', { ...plan, publicSubnetCidrs: ['10.1.10.0/24', '10.0.20.0/24'] }, /`publicSubnetCidrs`: '10.1.10.0\/24' is outside cidr/],
    ['a secondary CIDR overlapping the primary', { ...plan, secondaryCidr: '10.0.128.0/17', taskSubnetCidrs: ['10.0.130.0/24', '10.0.131.0/24'] }, /`secondaryCidr`: '10.0.128.0\/17' overlaps/],
    ['a secondary CIDR from another RFC 1918 range', { ...plan, secondaryCidr: '192.168.0.0/16', taskSubnetCidrs: ['192.168.1.0/24', '192.168.2.0/24'] }, /`secondaryCidr`: .*another RFC 1918 range/],
    ['task subnets outside the secondary CIDR', { ...plan, secondaryCidr: '172.10.0.0/16', taskSubnetCidrs: ['172.11.1.0/24', '172.10.2.0/24'] }, /`taskSubnetCidrs`: '172.11.1.0\/24' is outside secondaryCidr/],
    ['task subnets without a secondary CIDR', { taskSubnetCidrs: ['172.10.1.0/24', '172.10.2.0/24'] }, /`taskSubnetCidrs`: needs `secondaryCidr`/],
    ['one subnet for two AZs', { publicSubnetCidrs: ['10.0.10.0/24'], privateSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24'] }, /`publicSubnetCidrs`: has 1 entries for 2 Availability Zones/],
  ])('refuses %s', (_name, props, message) => {
    expect(network(props)).toThrow(message);
  });

  test('CloudFront-only options cannot be written for the HTTP API ingress: its factory does not take them', () => {
    // @ts-expect-error rateLimitPerIp is an option of ChatbotIngress.cloudFront only
    const ingress = ChatbotIngress.httpApi({ rateLimitPerIp: 100 });
    expect(ingress.cloudFrontOptions).toBeUndefined();
    expect(ChatbotIngress.cloudFront({ rateLimitPerIp: 100 }).httpApiOptions).toBeUndefined();
  });
});

describe('ChatbotHttpApi alone, with a user\'s own Fargate service and login', () => {
  const stack = new Stack(new App(), 'Own', { env: { region: 'eu-west-1', account: '123456789012' } });
  const { vpc, service } = ownFargateService(stack);
  const api = new ChatbotHttpApi(stack, 'Api', {
    vpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    targets: [service],
    targetConnections: service,
    containerPort: 3000,
    auth: stubAuth(stack),
    logsEncryptionKey: kms.Key.fromKeyArn(stack, 'LogsKey', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    domainName: 'api.example.com',
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'),
    accessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'my-access-logs'),
  });
  const own = Template.fromStack(stack);

  test('the JWT authorizer trusts the user\'s own user pool and app client', () => {
    own.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Audience: ['client123'], Issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abcdEFGH' },
    });
  });

  test('the Network Load Balancer forwards to the user\'s service, whose own security group admits it on the container port', () => {
    own.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 3000, Protocol: 'TCP', TargetType: 'ip' });
    own.hasResourceProperties('AWS::ECS::Service', { LoadBalancers: [Match.objectLike({ ContainerName: 'Web', ContainerPort: 3000 })] });
    expect(ingressRules(own, securityGroupId(own, /OwnServiceSecurityGroup/))).toEqual([expect.objectContaining({
      FromPort: 3000, SourceSecurityGroupId: { 'Fn::GetAtt': [securityGroupId(own, /ApiLoadBalancerSecurityGroup/), 'GroupId'] },
    })]);
    expect(api.networkLoadBalancer.loadBalancerArn).toBeDefined();
  });

  test('with the user\'s own bucket, the legacy access logs go there and no log group is made for them', () => {
    own.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }, { Key: 'access_logs.s3.bucket', Value: 'my-access-logs' }]),
    });
    own.resourceCountIs('AWS::Logs::DeliverySource', 0);
    expect(api.loadBalancerAccessLogGroup).toBeUndefined();
  });

  test('the service\'s redundant DependsOn on the listener is marked for cfn-lint, as the library\'s own', () => {
    const [svc] = Object.values(own.findResources('AWS::ECS::Service'));
    expect(JSON.stringify(svc.Metadata)).toContain('W3005');
  });
});
