import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ChatbotIngress, SecureContainerChatbot, SecureContainerChatbotProps } from '../../src';
import { exampleAssembly, exampleTemplate } from '../support/example-assemblies';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');
const EDGE_CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/edge';
const REGIONAL_CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/regional';
const WEB_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/chat/1234';

function zoneIn(stack: Stack): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' });
}

function resourcesOf(template: Template, type: string): Array<[string, any]> {
  return Object.entries(template.findResources(type));
}

describe('CloudFront VPC origin (examples/private-origin)', () => {
  const template = exampleTemplate('private-origin', 'us-east-1');

  test('the whole chatbot is one stack: a VPC origin is in its load balancer\'s stack, and so is the distribution', () => {
    expect(exampleAssembly('private-origin').stacks.map((s) => `${s.name}@${s.region}`)).toEqual(['ChatbotPrivateOrigin@us-east-1']);
  });

  test('the load balancer is internal, in subnets of its own, and CloudFront reaches it through a VPC origin over HTTPS (TLS 1.2)', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internal',
      Subnets: [{ Ref: Match.stringLikeRegexp('LoadBalancerSubnet1Subnet') }, { Ref: Match.stringLikeRegexp('LoadBalancerSubnet2Subnet') }],
    });
    const [albId] = resourcesOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0];
    template.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: { Arn: { Ref: albId }, HTTPSPort: 443, OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'], Name: Match.anyValue() },
    });
    const [vpcOriginId] = resourcesOf(template, 'AWS::CloudFront::VpcOrigin')[0];
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: [Match.objectLike({
          DomainName: { 'Fn::GetAtt': [albId, 'DNSName'] },
          VpcOriginConfig: Match.objectLike({ VpcOriginId: { 'Fn::GetAtt': [vpcOriginId, 'Id'] } }),
          OriginCustomHeaders: Match.absent(),
          CustomOriginConfig: Match.absent(),
        })],
      }),
    });
  });

  test('no origin-verify secret and no rotation function: nothing but CloudFront can reach the load balancer', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    template.resourceCountIs('AWS::Lambda::Function', 1); // aws-cdk-lib's handler that closes the default security group
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1); // the Cognito logout path
  });

  test('the load balancer admits HTTPS from the CloudFront origin-facing prefix list only, and logs in on its default action', () => {
    const groups = resourcesOf(template, 'AWS::EC2::SecurityGroup').filter(([, r]) => /^Chatbot load balancer/.test(r.Properties.GroupDescription));
    expect(groups).toHaveLength(1);
    const [sgId, sg] = groups[0];
    const inline = sg.Properties.SecurityGroupIngress ?? [];
    const separate = resourcesOf(template, 'AWS::EC2::SecurityGroupIngress')
      .filter(([, r]) => JSON.stringify(r.Properties.GroupId).includes(sgId)).map(([, r]) => r.Properties);
    expect([...inline, ...separate]).toEqual([expect.objectContaining({ SourcePrefixListId: 'pl-3b927c52', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })]);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      DefaultActions: [Match.objectLike({ Type: 'authenticate-cognito' }), Match.objectLike({ Type: 'forward' })],
    });
  });

  test('the internet gateway stays attached (VPC origins need it); only the NAT gateway\'s public subnet routes to it', () => {
    template.resourceCountIs('AWS::EC2::VPCGatewayAttachment', 1);
    const [attachmentId] = Object.keys(template.findResources('AWS::EC2::VPCGatewayAttachment'));
    // CloudFront creates a VPC origin only once the gateway is attached; the VPC origin references the load balancer.
    expect(resourcesOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0][1].DependsOn).toContain(attachmentId);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    const routes = resourcesOf(template, 'AWS::EC2::Route').map(([id, r]) => [id, r.Properties.GatewayId ? 'igw' : r.Properties.NatGatewayId ? 'nat' : 'other']);
    expect(routes.map(([id, to]) => `${String(id).replace(/[0-9A-F]{8}$/, '')}->${to}`).sort()).toEqual([
      'ChatbotNetworkVpcLoadBalancerSubnet1DefaultRoute->nat',
      'ChatbotNetworkVpcLoadBalancerSubnet2DefaultRoute->nat',
      'ChatbotNetworkVpcPublicSubnet1DefaultRoute->igw',
    ]);
  });

  test('the tasks run in subnets without any route out', () => {
    const service = resourcesOf(template, 'AWS::ECS::Service')[0][1];
    const subnets = service.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets.map((s: any) => s.Ref);
    expect(subnets).toEqual([expect.stringMatching(/PrivateSubnet1Subnet/), expect.stringMatching(/PrivateSubnet2Subnet/)]);
  });

  test('the regional certificate has no origin name: CloudFront checks it against the forwarded Host, the public domain', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'chat.example.com', SubjectAlternativeNames: Match.absent() });
    template.resourceCountIs('AWS::Route53::RecordSet', 2); // the distribution's A and AAAA aliases, no origin record
  });

  test('fewer library acknowledgements than examples/basic (no public load balancer route, no origin secret)', () => {
    const acks = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'nag-acknowledgements.json'), 'utf8'));
    expect(acks['private-origin'].length).toBeGreaterThan(0);
    expect(acks['private-origin'].length).toBeLessThan(acks.basic.length);
    expect(acks['private-origin'].filter((a: any) => /OriginVerify|PublicSubnet2/.test(a.path))).toEqual([]);
  });
});

test('a VPC-origin chatbot has no origin-verify secret, and says why when one is asked for; its edge is in its own stack', () => {
  const stack = new Stack(new App(), 'Chat', { env: { region: 'us-east-1' } });
  const chat = new SecureContainerChatbot(stack, 'Chatbot', {
    container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone: zoneIn(stack), ingress: ChatbotIngress.cloudFrontVpcOrigin(),
  });
  expect(chat.ingress.variant).toBe('cloudFrontVpcOrigin');
  expect(() => chat.originVerify).toThrow(/`originVerify` exists only with `ingress: ChatbotIngress.cloudFront\(\)`.*cloudFrontVpcOrigin\(\).*needs no origin-verify secret/);
  expect(() => chat.originVerifySecret).toThrow(/`originVerifySecret`/);
  expect(chat.edgeStack).toBe(stack);
  expect(chat.loadBalancer.originVerifyRules).toEqual([]);
  expect(chat.edge.distribution.stack).toBe(stack);
});

describe('no us-east-1 stack: the user brings the viewer certificate and the web ACL', () => {
  function build(region: string, ingress: ChatbotIngress, extra: Partial<SecureContainerChatbotProps> = {}) {
    const app = new App();
    const stack = new Stack(app, 'Chat', { env: { region } });
    new SecureContainerChatbot(stack, 'Chatbot', {
      container: { image: IMAGE },
      domainName: 'chat.example.com',
      hostedZone: zoneIn(stack),
      ingress,
      ...extra,
    });
    return { app, stack };
  }
  const certificate = (stack: Stack, arn = EDGE_CERT) => acm.Certificate.fromCertificateArn(stack, 'EdgeCert', arn);

  test.each([
    ['cloudFront', (s: Stack) => ChatbotIngress.cloudFront({ edgeCertificate: certificate(s), webAclArn: WEB_ACL })],
    ['cloudFrontVpcOrigin', (s: Stack) => ChatbotIngress.cloudFrontVpcOrigin({ edgeCertificate: certificate(s), webAclArn: WEB_ACL })],
  ])('%s: one stack in eu-west-1, no resource in us-east-1, the distribution uses the given certificate and web ACL', (_name, ingressOf) => {
    const app = new App();
    const stack = new Stack(app, 'Chat', { env: { region: 'eu-west-1' } });
    new SecureContainerChatbot(stack, 'Chatbot', { container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone: zoneIn(stack), ingress: ingressOf(stack) });
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => `${s.stackName}@${s.environment.region}`)).toEqual(['Chat@eu-west-1']);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        ViewerCertificate: Match.objectLike({ AcmCertificateArn: EDGE_CERT }),
        WebACLId: WEB_ACL,
      }),
    });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    // Nothing replicated to us-east-1 either, and no certificate validated for CloudFront here.
    expect(JSON.stringify(template.toJSON())).not.toContain('us-east-1"');
    template.resourcePropertiesCountIs('AWS::SecretsManager::Secret', { ReplicaRegions: Match.anyValue() }, 0);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
  });

  test('the public origin reads the origin-verify secret in its own stack, without a replica', () => {
    const { stack } = build('eu-west-1', ChatbotIngress.cloudFront({ edgeCertificate: acm.Certificate.fromCertificateArn(new Stack(new App(), 'X'), 'C', EDGE_CERT), webAclArn: WEB_ACL }));
    const template = Template.fromStack(stack);
    const [secretId] = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    const distribution = Object.values<any>(template.findResources('AWS::CloudFront::Distribution'))[0];
    const header = distribution.Properties.DistributionConfig.Origins[0].OriginCustomHeaders[0];
    expect(header.HeaderName).toBe('X-Origin-Verify');
    expect(JSON.stringify(header.HeaderValue)).toMatch(new RegExp(`resolve:secretsmanager:.*"Ref":"${secretId}".*SecretString:value`));
  });

  test('refuses a viewer certificate outside us-east-1, naming the prop', () => {
    const app = new App();
    const stack = new Stack(app, 'Chat', { env: { region: 'eu-west-1' } });
    expect(() => new SecureContainerChatbot(stack, 'Chatbot', {
      container: { image: IMAGE },
      domainName: 'chat.example.com',
      hostedZone: zoneIn(stack),
      ingress: ChatbotIngress.cloudFrontVpcOrigin({ edgeCertificate: certificate(stack, 'arn:aws:acm:eu-west-1:123456789012:certificate/edge'), webAclArn: WEB_ACL }),
    })).toThrow(/`ingress.edgeCertificate`: is in eu-west-1; CloudFront only uses certificates from us-east-1/);
  });
});

describe('VPC origin bad input', () => {
  function make(region: string, ingress: ChatbotIngress, extra: (stack: Stack) => Partial<SecureContainerChatbotProps> = () => ({})) {
    const stack = new Stack(new App(), 'Chat', { env: { region } });
    return () => new SecureContainerChatbot(stack, 'Chatbot', {
      container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone: zoneIn(stack), ingress, ...extra(stack),
    });
  }

  test('outside us-east-1 without the us-east-1 parts: names ingress.edgeCertificate and ingress.webAclArn', () => {
    expect(make('eu-west-1', ChatbotIngress.cloudFrontVpcOrigin()))
      .toThrow(/`ingress.edgeCertificate`: is missing: with ChatbotIngress.cloudFrontVpcOrigin\(\) the distribution is in this stack \(eu-west-1[\s\S]*`ingress.webAclArn`: is missing/);
  });

  test('refuses the public origin\'s options', () => {
    expect(make('us-east-1', ChatbotIngress.cloudFrontVpcOrigin({
      edgeStack: new Stack(new App(), 'E', { env: { region: 'us-east-1' } }),
      originDomainName: 'origin.chat.example.com',
      originVerifyRotationInterval: Duration.days(7),
    }))).toThrow(/`ingress.edgeStack`: is unused[\s\S]*`ingress.originDomainName`: is unused[\s\S]*`ingress.originVerifyRotationInterval`: is unused/);
  });

  test('refuses a login that could not reach its provider: a given VPC without private subnets that route out', () => {
    expect(make('us-east-1', ChatbotIngress.cloudFrontVpcOrigin(), (stack) => ({
      vpc: new ec2.Vpc(stack, 'Own', {
        natGateways: 0,
        subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      }),
    }))).toThrow(/`vpc`: has no private subnets with a route out \(PRIVATE_WITH_EGRESS\).*Cognito's token endpoint/);
  });

  test('refuses a login that could not reach its provider: the load balancer subnets (and their NAT gateway) turned off', () => {
    expect(make('us-east-1', ChatbotIngress.cloudFrontVpcOrigin(), () => ({ networkOptions: { loadBalancerSubnets: false } })))
      .toThrow(/`networkOptions.loadBalancerSubnets`: is false, but the internal load balancer's login needs/);
  });

  test('refuses load balancer subnets for the internet-facing load balancer', () => {
    expect(make('us-east-1', ChatbotIngress.cloudFront(), () => ({ networkOptions: { loadBalancerSubnets: true } })))
      .toThrow(/`networkOptions.loadBalancerSubnets`: is for an internal load balancer/);
  });
});

describe('DNS outside Route 53', () => {
  const regionalCert = (stack: Stack) => acm.Certificate.fromCertificateArn(stack, 'Cert', REGIONAL_CERT);
  const edgeCert = (stack: Stack) => acm.Certificate.fromCertificateArn(stack, 'EdgeCert', EDGE_CERT);

  test('with the certificates given: no Route 53 record in any stack, one output per record to create', () => {
    const app = new App();
    const stack = new Stack(app, 'Chat', { env: { region: 'eu-west-1' } });
    new SecureContainerChatbot(stack, 'Chatbot', {
      container: { image: IMAGE },
      domainName: 'chat.example.com',
      certificate: regionalCert(stack),
      ingress: ChatbotIngress.cloudFront({ edgeCertificate: edgeCert(stack) }),
    });
    const assembly = app.synth();
    expect(assembly.stacks).toHaveLength(2);
    const outputs: string[] = [];
    for (const s of assembly.stacks) {
      const template = s.template as any;
      expect(Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::Route53::RecordSet')).toEqual([]);
      expect(Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::CertificateManager::Certificate')).toEqual([]);
      outputs.push(...Object.values<any>(template.Outputs ?? {}).filter((o) => /DNS provider/.test(o.Description)).map((o) => `${s.environment.region} ${JSON.stringify(o.Value)}`));
    }
    expect(outputs.sort()).toEqual([
      expect.stringMatching(/^eu-west-1 \{"Fn::Join":\["",\["origin\.chat\.example\.com CNAME ",\{"Fn::GetAtt":\["ChatbotLoadBalancer.*DNSName/),
      expect.stringMatching(/^us-east-1 \{"Fn::Join":\["",\["chat\.example\.com CNAME ",\{"Fn::GetAtt":\[".*Distribution.*DomainName/),
    ]);
  });

  test('the VPC origin needs no origin record: only the public name is an output', () => {
    const app = new App();
    const stack = new Stack(app, 'Chat', { env: { region: 'us-east-1' } });
    new SecureContainerChatbot(stack, 'Chatbot', {
      container: { image: IMAGE },
      domainName: 'chat.example.com',
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', EDGE_CERT),
      ingress: ChatbotIngress.cloudFrontVpcOrigin({ edgeCertificate: edgeCert(stack) }),
    });
    const outputs = Object.values<any>(Template.fromStack(stack).findOutputs('*')).filter((o) => /DNS provider/.test(o.Description));
    expect(outputs.map((o) => JSON.stringify(o.Value))).toEqual([expect.stringMatching(/chat\.example\.com CNAME .*Distribution/)]);
  });

  test('the HTTP API and the backend: outputs for the public name and the backend name, no record, no certificate', () => {
    const stack = new Stack(new App(), 'Api', { env: { region: 'eu-west-1' } });
    new SecureContainerChatbot(stack, 'Chatbot', {
      container: { image: IMAGE },
      domainName: 'chat.example.com',
      certificate: regionalCert(stack),
      ingress: ChatbotIngress.httpApi(),
      backend: { image: IMAGE, port: 8080 },
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    const outputs = Object.values<any>(template.findOutputs('*')).filter((o) => /DNS provider/.test(o.Description)).map((o) => JSON.stringify(o.Value)).sort();
    expect(outputs).toEqual([
      expect.stringMatching(/^\{"Fn::Join":\["",\["backend\.chat\.example\.com CNAME ",\{"Fn::GetAtt":\["ChatbotBackendLoadBalancer.*DNSName/),
      expect.stringMatching(/^\{"Fn::Join":\["",\["chat\.example\.com CNAME ",\{"Fn::GetAtt":\["ChatbotHttpApiDomainName.*RegionalDomainName/),
    ]);
  });

  test('the HTTP API without a hosted zone needs only the regional certificate', () => {
    const stack = new Stack(new App(), 'Api', { env: { region: 'eu-west-1' } });
    expect(() => new SecureContainerChatbot(stack, 'Chatbot', { container: { image: IMAGE }, domainName: 'chat.example.com', ingress: ChatbotIngress.httpApi() }))
      .toThrow(/`hostedZone`: is missing, and so is `certificate`/);
  });

  test('refuses no hosted zone without the certificates, naming hostedZone', () => {
    const stack = new Stack(new App(), 'Chat', { env: { region: 'eu-west-1' } });
    expect(() => new SecureContainerChatbot(stack, 'Chatbot', { container: { image: IMAGE }, domainName: 'chat.example.com' }))
      .toThrow(/`hostedZone`: is missing, and so is `certificate`[\s\S]*`hostedZone`: is missing, and so is `ingress.edgeCertificate`/);
  });
});
