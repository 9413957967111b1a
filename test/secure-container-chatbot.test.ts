import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ChatbotIngress, SecureContainerChatbot, SecureContainerChatbotProps } from '../src';
import { repeatedInternetRoutes } from './support/deploy-lifecycle';
import { exampleAssembly } from './support/example-assemblies';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');

function zoneIn(stack: Stack): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' });
}

describe('any region', () => {
  const assembly = exampleAssembly('basic');

  test('a stack outside us-east-1 gets a us-east-1 companion stack for CloudFront, WAF and the viewer certificate', () => {
    expect(assembly.stacks.map((s) => `${s.name}@${s.region}`).sort()).toEqual(['ChatbotBasic-edge-eu-west-1@us-east-1', 'ChatbotBasic@eu-west-1']);
    const edge = assembly.stacks.find((s) => s.region === 'us-east-1')!;
    const regional = assembly.stacks.find((s) => s.region === 'eu-west-1')!;
    expect(edge.resourceTypes['AWS::CloudFront::Distribution']).toBe(1);
    expect(edge.resourceTypes['AWS::WAFv2::WebACL']).toBe(1);
    expect(regional.resourceTypes['AWS::CloudFront::Distribution']).toBeUndefined();
    expect(regional.resourceTypes['AWS::WAFv2::WebACL']).toBeUndefined();
  });

  test('outputs the user pool for the first user and the app\'s URL', () => {
    const outputs = Object.values<any>((assembly.stacks.find((s) => s.region === 'eu-west-1')!.template as any).Outputs);
    expect(outputs).toEqual(expect.arrayContaining([
      expect.objectContaining({ Value: { Ref: expect.stringMatching(/^ChatbotAuthUserPool/) } }),
      expect.objectContaining({ Value: 'https://chat.example.com/' }),
    ]));
  });

  test('the two stacks share no cross-region reference and no custom resource does it for them', () => {
    for (const stack of assembly.stacks) {
      const text = JSON.stringify(stack.template);
      expect(text).not.toContain('Fn::ImportValue');
      expect(text).not.toMatch(/Custom::CrossRegion/);
    }
    const regional = Template.fromJSON(assembly.stacks.find((s) => s.region === 'eu-west-1')!.template as any);
    // The origin-verify secret is replicated to us-east-1, where the edge stack resolves it by name.
    regional.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'secure-container-chatbot/chat.example.com/origin-verify',
      ReplicaRegions: [{ Region: 'us-east-1' }],
      KmsKeyId: Match.anyValue(),
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'value', ExcludePunctuation: true, PasswordLength: 48 }),
    });
  });
});

describe('a stack in us-east-1 with everything brought by the user', () => {
  const app = new App();
  const stack = new Stack(app, 'Byo', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'MyVpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'MyCluster', { vpc });
  const userPool = new cognito.UserPool(stack, 'MyPool');
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/regional');
  const edgeCertificate = acm.Certificate.fromCertificateArn(stack, 'EdgeCert', 'arn:aws:acm:us-east-1:123456789012:certificate/edge');
  const chat = new SecureContainerChatbot(stack, 'Chat', {
    container: { image: IMAGE },
    domainName: 'chat.example.com',
    hostedZone: zoneIn(stack),
    vpc,
    cluster,
    userPool,
    certificate,
    ingress: ChatbotIngress.cloudFront({ edgeCertificate, webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/mine/abcd' }),
  });
  const template = Template.fromStack(stack);

  test('leaves the user\'s VPC as it is: a route table and a default route to the internet gateway per public subnet', () => {
    const tables = vpc.publicSubnets.map((s) => JSON.stringify(stack.resolve(s.routeTable.routeTableId)));
    expect(new Set(tables).size).toBe(2);
    const internetRoutes = Object.values<any>(template.findResources('AWS::EC2::Route')).filter((r) => r.Properties.GatewayId);
    expect(internetRoutes.map((r) => JSON.stringify(r.Properties.RouteTableId)).sort()).toEqual([...tables].sort());
    // The assembly-wide check that keeps the library's own VPC at one such route sees both here.
    expect(repeatedInternetRoutes(template.toJSON().Resources)).toEqual([expect.stringMatching(/has 2 default routes to an internet gateway/)]);
  });

  test('keeps one stack and creates no second VPC, cluster, user pool, certificate or web ACL', () => {
    expect(chat.edgeStack).toBe(stack);
    expect(app.synth().stacks).toHaveLength(1);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    // A VPC of the user's reaches AWS its own way: no endpoints unless asked for.
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(chat.network).toBeUndefined();
    expect(chat.endpoints).toBeUndefined();
  });

  test('uses the given parts', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/mine/abcd',
        ViewerCertificate: Match.objectLike({ AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/edge' }),
      }),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/regional' }] });
    template.hasResourceProperties('AWS::ECS::Service', { Cluster: { Ref: Match.stringLikeRegexp('MyCluster') } });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { UserPoolId: { Ref: Match.stringLikeRegexp('MyPool') } });
    // In one stack the header value is the secret's own dynamic reference, and no replica is made.
    template.hasResourceProperties('AWS::SecretsManager::Secret', { ReplicaRegions: Match.absent() });
  });
});

describe('SecureContainerChatbot bad input', () => {
  // region null: an environment-agnostic stack
  const make = (props: Partial<SecureContainerChatbotProps>, region: string | null = 'eu-west-1') => {
    const stack = new Stack(new App(), 'S', { env: region ? { region } : undefined });
    return () => new SecureContainerChatbot(stack, 'Chat', { container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone: zoneIn(stack), ...props } as SecureContainerChatbotProps);
  };

  test.each<[string, Partial<SecureContainerChatbotProps>, RegExp]>([
    ['a missing domain', { domainName: undefined }, /`domainName`: is missing\. .*custom domain/],
    ['an invalid domain', { domainName: 'Chat Example' }, /`domainName`: 'Chat Example' is not a valid lower-case domain name/],
    ['a domain outside the zone', { domainName: 'chat.other.org' }, /`hostedZone`: is example.com, which does not contain chat.other.org/],
    ['an invalid port', { container: { image: IMAGE, port: 99999 } }, /`container\.port`: must be a whole number from 1 to 65535/],
    ['fewer than 2 tasks', { desiredCount: 1 }, /`desiredCount`: must be at least 2/],
    ['a web ACL in the wrong region', { ingress: ChatbotIngress.cloudFront({ webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/a/b' }) },
      /`ingress\.webAclArn`.*not a CLOUDFRONT-scope web ACL in us-east-1/],
    ['an origin name equal to the domain', { ingress: ChatbotIngress.cloudFront({ originDomainName: 'chat.example.com' }) }, /`ingress\.originDomainName`/],
  ])('refuses %s', (_name, props, message) => {
    expect(make(props)).toThrow(message);
  });

  test('refuses certificates in the wrong regions, naming both props', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'C', 'arn:aws:acm:us-east-1:123456789012:certificate/a');
    const edgeCertificate = acm.Certificate.fromCertificateArn(stack, 'E', 'arn:aws:acm:eu-west-1:123456789012:certificate/b');
    expect(() => new SecureContainerChatbot(stack, 'Chat', {
      container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone: zoneIn(stack), certificate, ingress: ChatbotIngress.cloudFront({ edgeCertificate }),
    })).toThrow(/2 problems.*\n- `certificate`: is in us-east-1 but the load balancer is in eu-west-1.*\n- `ingress\.edgeCertificate`: is in eu-west-1/);
  });

  test('refuses a cluster from another VPC than the one given', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'A');
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc: new ec2.Vpc(stack, 'B') });
    expect(() => new SecureContainerChatbot(stack, 'Chat', { container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone: zoneIn(stack), vpc, cluster }))
      .toThrow(/`cluster`: runs in another VPC than `vpc`/);
  });

  test('refuses a hosted zone whose ID is only known at deploy time when the edge goes to us-east-1', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const hostedZone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
    expect(() => new SecureContainerChatbot(stack, 'Chat', { container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone }))
      .toThrow(/`hostedZone`: must have an ID and a name known at synth time.*fromHostedZoneAttributes/);
  });

  test('refuses an env-agnostic stack, naming env.region', () => {
    expect(make({}, null)).toThrow(/`env.region`: of the stack is not known at synth time/);
  });

  test('refuses a region without a known CloudFront prefix list unless the ID is given', () => {
    expect(make({}, 'mx-central-1')).toThrow(/`ingress\.cloudFrontPrefixListId`: is needed because the library has no prefix list ID for region mx-central-1/);
    expect(make({ ingress: ChatbotIngress.cloudFront({ cloudFrontPrefixListId: 'pl-0123abcd' }) }, 'mx-central-1')).not.toThrow();
  });

  test('refuses an edge stack outside us-east-1', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { region: 'eu-west-1' } });
    const edgeStack = new Stack(app, 'E', { env: { region: 'eu-central-1' } });
    expect(() => new SecureContainerChatbot(stack, 'Chat', { container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone: zoneIn(stack), ingress: ChatbotIngress.cloudFront({ edgeStack }) }))
      .toThrow(/`ingress\.edgeStack`: is in eu-central-1/);
  });
});

describe('tokens are not validated as literals', () => {
  test('a port and a task count from parameters pass validation', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1' } });
    const port = new CfnParameter(stack, 'Port', { type: 'Number' }).valueAsNumber;
    const count = new CfnParameter(stack, 'Count', { type: 'Number' }).valueAsNumber;
    const domain = new CfnParameter(stack, 'Domain').valueAsString;
    expect(() => new SecureContainerChatbot(stack, 'Chat', { container: { image: IMAGE, port }, domainName: domain, hostedZone: zoneIn(stack), desiredCount: count })).not.toThrow();
  });
});

describe('a non-Streamlit UI (Gradio on 7860) with the settings the sub-constructs offer', () => {
  // The README's Gradio snippet, in a us-east-1 stack so that one template holds every part.
  const app = new App();
  const stack = new Stack(app, 'Gradio', { env: { region: 'us-east-1' } });
  const alarmTopic = new sns.Topic(stack, 'MyAlarms');
  const chat = new SecureContainerChatbot(stack, 'Chat', {
    container: {
      image: IMAGE,
      port: 7860,
      healthCheckPath: '/',
      user: '1000:1000',
      writableDirectories: ['/tmp', '/home/user/.cache'],
      command: ['python', 'app.py'],
      environment: { GRADIO_SERVER_NAME: '0.0.0.0', GRADIO_SERVER_PORT: '7860' },
      cpu: 1024,
      memoryLimitMiB: 2048,
    },
    domainName: 'chat.example.com',
    hostedZone: zoneIn(stack),
    maxTaskCount: 4,
    cpuTargetPercent: 50,
    memoryTargetPercent: 65,
    ingress: ChatbotIngress.cloudFront({
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
      alarmTopic,
      idleTimeout: Duration.minutes(10),
      stickinessDuration: Duration.minutes(30),
      sessionTimeout: Duration.hours(2),
    }),
  });
  const template = Template.fromStack(stack);

  test('the target group checks Gradio\'s port and path', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 7860,
      HealthCheckPath: '/',
      TargetGroupAttributes: Match.arrayWith([{ Key: 'stickiness.lb_cookie.duration_seconds', Value: '1800' }]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '600' }]),
    });
  });

  test('the container listens on 7860 as the given user, with its command and a volume for each writable directory', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '1024',
      Memory: '2048',
      ContainerDefinitions: [Match.objectLike({
        PortMappings: [Match.objectLike({ ContainerPort: 7860 })],
        User: '1000:1000',
        Command: ['python', 'app.py'],
        ReadonlyRootFilesystem: true,
        MountPoints: [
          { ContainerPath: '/tmp', SourceVolume: 'writable-0', ReadOnly: false },
          { ContainerPath: '/home/user/.cache', SourceVolume: 'writable-1', ReadOnly: false },
        ],
        Memory: 2048,
        Environment: Match.arrayWith([{ Name: 'GRADIO_SERVER_PORT', Value: '7860' }]),
      })],
      Volumes: [{ Name: 'writable-0' }, { Name: 'writable-1' }],
    });
    // The service admits the load balancer on the container's port only.
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 7860, ToPort: 7860 });
  });

  test('autoscaling targets, price class, alarm topic and session length reach their resources', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 4 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 65, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' } }),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({ PriceClass: 'PriceClass_All' }) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: stack.getLogicalId(alarmTopic.node.defaultChild as sns.CfnTopic) }] });
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Actions: Match.arrayWith([Match.objectLike({ Type: 'authenticate-cognito', AuthenticateCognitoConfig: Match.objectLike({ SessionTimeout: 7200 }) })]),
    });
  });

  test('the CloudFront parts are there and the HTTP API is refused by name', () => {
    expect(chat.ingress.variant).toBe('cloudFront');
    expect(chat.loadBalancer.targetGroup).toBeDefined();
    expect(chat.edgeStack).toBe(stack);
    expect(chat.originVerifySecret).toBe(chat.originVerify.secret);
    expect(chat.monitoring).toBeDefined();
    expect(() => chat.httpApi).toThrow(/`httpApi` exists only with `ingress: ChatbotIngress.httpApi\(\)`, but Gradio\/Chat uses ChatbotIngress.cloudFront\(\)/);
  });

  test('ingressParts holds the same parts, and undefined for the HTTP API\'s', () => {
    expect(chat.ingressParts.loadBalancer).toBe(chat.loadBalancer);
    expect(chat.ingressParts.edge).toBe(chat.edge);
    expect(chat.ingressParts.originVerify).toBe(chat.originVerify);
    expect(chat.ingressParts.auth).toBe(chat.auth);
    expect(chat.ingressParts.monitoring).toBe(chat.monitoring);
    expect(chat.ingressParts.httpApi).toBeUndefined();
  });
});

describe('the HTTP API ingress', () => {
  const stack = new Stack(new App(), 'Api', { env: { region: 'us-east-1' } });
  const chat = new SecureContainerChatbot(stack, 'Chat', {
    container: { image: IMAGE },
    domainName: 'chat.example.com',
    hostedZone: zoneIn(stack),
    ingress: ChatbotIngress.httpApi({ throttlingRateLimit: 20, throttlingBurstLimit: 40 }),
  });

  test('has the HTTP API and no CloudFront part, each refused with the ingress it needs', () => {
    expect(chat.ingress.variant).toBe('httpApi');
    expect(chat.httpApi.api).toBeDefined();
    expect(chat.monitoring).toBeUndefined();
    for (const part of ['loadBalancer', 'edge', 'edgeStack', 'originVerify', 'originVerifySecret'] as const) {
      expect(() => chat[part]).toThrow(new RegExp(`\`${part}\` exists only with \`ingress: ChatbotIngress.cloudFront\\(\\)\`, but Api/Chat uses ChatbotIngress.httpApi\\(\\)`));
    }
    expect(chat.ingressParts.httpApi).toBe(chat.httpApi);
    expect(chat.ingressParts.auth).toBe(chat.auth);
    for (const part of ['loadBalancer', 'edge', 'edgeStack', 'originVerify', 'oidcAuth', 'loginWebAcl', 'monitoring'] as const) {
      expect(chat.ingressParts[part]).toBeUndefined();
    }
  });

  test('takes the stage throttling from the ingress options', () => {
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 }),
    });
  });
});
