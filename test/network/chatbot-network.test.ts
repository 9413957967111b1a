import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ChatbotEgress, ChatbotNetwork } from '../../src';
import { danglingReferences } from '../support/deploy-lifecycle';
import { exampleTemplate } from '../support/example-assemblies';

/**
 * The route tables of a template by the subnets associated with them (by the subnets' type tag),
 * and its IPv4 default routes to an internet gateway or a NAT gateway.
 */
function routingOf(resources: { [id: string]: any }) {
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const subnetType = (subnetId: string) => resources[subnetId].Properties.Tags?.find((t: any) => t.Key === 'aws-cdk:subnet-type')?.Value;
  const associations = ofType('AWS::EC2::SubnetRouteTableAssociation').map(([, r]) => ({
    subnet: r.Properties.SubnetId.Ref as string, table: r.Properties.RouteTableId.Ref as string,
  }));
  const defaultRoutes = ofType('AWS::EC2::Route').filter(([, r]) => r.Properties.DestinationCidrBlock === '0.0.0.0/0');
  const attachment = ofType('AWS::EC2::VPCGatewayAttachment').map(([id]) => id);
  const tablesOf = (isPublic: boolean) => [...new Set(associations.filter((a) => (subnetType(a.subnet) === 'Public') === isPublic).map((a) => a.table))];
  return {
    tables: ofType('AWS::EC2::RouteTable').map(([id]) => id),
    associations,
    publicTables: tablesOf(true),
    // Private, isolated, load balancer and task subnets (the task subnets carry no type tag).
    privateTables: tablesOf(false),
    internetRoutes: defaultRoutes.filter(([, r]) => r.Properties.GatewayId).map(([, r]) => ({
      table: r.Properties.RouteTableId.Ref as string,
      dependsOnAttachment: attachment.length === 1 && [r.DependsOn ?? []].flat().includes(attachment[0]),
    })),
    natRoutes: defaultRoutes.filter(([, r]) => r.Properties.NatGatewayId).map(([, r]) => ({
      table: r.Properties.RouteTableId.Ref as string, nat: r.Properties.NatGatewayId.Ref as string,
    })),
    subnetOfNat: (nat: string) => resources[nat].Properties.SubnetId.Ref as string,
    subnetsOf: (table: string) => associations.filter((a) => a.table === table).map((a) => a.subnet),
  };
}

const regional = exampleTemplate('basic', 'eu-west-1');

describe('network', () => {
  test('two AZs of public and private subnets, no NAT gateway, no public IPs on launch', () => {
    regional.resourceCountIs('AWS::EC2::NatGateway', 0);
    regional.resourceCountIs('AWS::EC2::Subnet', 4);
    for (const subnet of Object.values(regional.findResources('AWS::EC2::Subnet'))) {
      expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    }
    // Only the public route table routes to the internet.
    const routes = Object.values(regional.findResources('AWS::EC2::Route'));
    expect(routes).toHaveLength(1);
    expect(JSON.stringify(routes[0].Properties.RouteTableId)).toMatch(/PublicSubnet1RouteTable/);
  });

  test('the public subnets share one route table with the one default route to the internet gateway; private subnets keep their own tables', () => {
    const routing = routingOf(regional.toJSON().Resources);
    expect(routing.publicTables).toHaveLength(1);
    expect(routing.internetRoutes).toEqual([{ table: routing.publicTables[0], dependsOnAttachment: true }]);
    expect(routing.privateTables).toHaveLength(2);
    expect(new Set(routing.privateTables).size).toBe(2);
    expect(routing.privateTables).not.toContain(routing.publicTables[0]);
    expect(routing.tables.sort()).toEqual([...routing.publicTables, ...routing.privateTables].sort());
  });

  test('the acknowledgement of the unrestricted route sits on the shared route only, once per pack', () => {
    const acks = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'nag-acknowledgements.json'), 'utf8'));
    const routeAcks = acks.basic.filter((a: any) => /VPCNoUnrestrictedRouteToIGW/.test(a.id));
    expect(routeAcks.map((a: any) => a.id).sort()).toEqual(
      ['HIPAA.Security-VPCNoUnrestrictedRouteToIGW', 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', 'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW']);
    for (const ack of routeAcks) {
      expect(ack.path).toBe('/ChatbotBasic/Chatbot/Network/Vpc/PublicSubnet1/DefaultRoute');
      expect(ack.reason).toMatch(/^The public route table shared by the public subnets of the internet-facing load balancer/);
    }
  });

  test('flow logs of all traffic to an encrypted log group; default security group closed', () => {
    regional.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    regional.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  test('refuses fewer than two AZs', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    expect(() => new ChatbotNetwork(stack, 'N', { maxAzs: 1 })).toThrow(/`maxAzs`: must be a whole number of at least 2 \(got 1\)/);
  });
});

describe('ChatbotNetwork alone, with the user\'s key and a NAT gateway', () => {
  const stack = new Stack(new App(), 'Own', { env: { region: 'eu-west-1', account: '123456789012' } });
  const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const network = new ChatbotNetwork(stack, 'Network', { egress: ChatbotEgress.NAT_GATEWAY, logsEncryptionKey: kms.Key.fromKeyArn(stack, 'OwnKey', keyArn) });
  const own = Template.fromStack(stack);

  test('flow logs use the given key, and the private subnets route out through one NAT gateway', () => {
    own.resourceCountIs('AWS::KMS::Key', 0);
    own.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: keyArn });
    own.resourceCountIs('AWS::EC2::NatGateway', 1);
    expect(network.vpc.privateSubnets).toHaveLength(2);
    expect(network.taskSubnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  });
});

describe('ChatbotNetwork with load balancer subnets (for a CloudFront VPC origin)', () => {
  const stack = new Stack(new App(), 'Lb', { env: { region: 'eu-west-1', account: '123456789012' } });
  const network = new ChatbotNetwork(stack, 'Network', { loadBalancerSubnets: true });
  const t = Template.fromStack(stack);

  test('a third subnet group after the others, so that their addresses do not move', () => {
    const cidrs = Object.values<any>(t.findResources('AWS::EC2::Subnet')).map((r) => r.Properties.CidrBlock).sort();
    expect(cidrs).toEqual(['10.0.0.0/24', '10.0.1.0/24', '10.0.12.0/24', '10.0.13.0/24', '10.0.4.0/22', '10.0.8.0/22']);
    expect(network.loadBalancerSubnets).toEqual({ subnetGroupName: 'LoadBalancer' });
    expect(network.vpc.selectSubnets(network.loadBalancerSubnets).subnets.map((s) => s.node.path))
      .toEqual(['Lb/Network/Vpc/LoadBalancerSubnet1', 'Lb/Network/Vpc/LoadBalancerSubnet2']);
  });

  test('one NAT gateway for the load balancer subnets; the tasks\' subnets keep no route out', () => {
    t.resourceCountIs('AWS::EC2::NatGateway', 1);
    expect(network.taskSubnets).toEqual({ subnetGroupName: 'Private' });
    const taskSubnets = network.vpc.selectSubnets(network.taskSubnets).subnets;
    expect(taskSubnets.map((s) => s.node.path)).toEqual(['Lb/Network/Vpc/PrivateSubnet1', 'Lb/Network/Vpc/PrivateSubnet2']);
    for (const subnet of taskSubnets) {
      expect(subnet.node.tryFindChild('DefaultRoute')).toBeUndefined();
    }
    const routes = Object.values<any>(t.findResources('AWS::EC2::Route')).map((r) => r.Properties);
    expect(routes.filter((r) => r.NatGatewayId)).toHaveLength(2);
    expect(routes.filter((r) => r.GatewayId)).toHaveLength(1);
  });

  test('with a NAT egress for the tasks, the tasks still get only their own subnets', () => {
    const s2 = new Stack(new App(), 'Nat', { env: { region: 'eu-west-1', account: '123456789012' } });
    const n2 = new ChatbotNetwork(s2, 'Network', { loadBalancerSubnets: true, egress: ChatbotEgress.NAT_GATEWAY_PER_AZ });
    Template.fromStack(s2).resourceCountIs('AWS::EC2::NatGateway', 2);
    expect(n2.vpc.selectSubnets(n2.taskSubnets).subnets.map((s) => s.node.id)).toEqual(['PrivateSubnet1', 'PrivateSubnet2']);
  });

  test('explicit CIDRs: all three groups or none; the load balancer subnets\' CIDRs need the subnets', () => {
    const make = (props: object) => () => new ChatbotNetwork(new Stack(new App(), 'X', { env: { region: 'eu-west-1', account: '123456789012' } }), 'N', props);
    expect(make({ loadBalancerSubnets: true, publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'], privateSubnetCidrs: ['10.0.4.0/22', '10.0.8.0/22'] }))
      .toThrow(/`loadBalancerSubnetCidrs`: is missing/);
    expect(make({ loadBalancerSubnetCidrs: ['10.0.12.0/24', '10.0.13.0/24'] })).toThrow(/`loadBalancerSubnetCidrs`: is unused without `loadBalancerSubnets: true`/);
    // Three zones fill a /20 with the public and private subnets alone.
    expect(make({ maxAzs: 3, cidr: '10.0.0.0/20' })).not.toThrow();
    expect(make({ maxAzs: 3, loadBalancerSubnets: true, cidr: '10.0.0.0/20' }))
      .toThrow(/`cidr`: '10.0.0.0\/20' is too small for the default subnets: a \/24 public, a \/22 private and a \/24 load balancer subnet in each of 3/);
    const s3 = new Stack(new App(), 'Explicit', { env: { region: 'eu-west-1', account: '123456789012' } });
    new ChatbotNetwork(s3, 'N', {
      loadBalancerSubnets: true,
      publicSubnetCidrs: ['10.0.0.0/24', '10.0.1.0/24'],
      privateSubnetCidrs: ['10.0.4.0/22', '10.0.8.0/22'],
      loadBalancerSubnetCidrs: ['10.0.2.0/24', '10.0.3.0/24'],
    });
    Template.fromStack(s3).hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: '10.0.3.0/24', Tags: [{ Key: 'aws-cdk:subnet-name', Value: 'LoadBalancer' }, { Key: 'aws-cdk:subnet-type', Value: 'Private' }, { Key: 'Name', Value: 'Explicit/N/Vpc/LoadBalancerSubnet2' }] });
  });
});

describe('one public route table in the VPC the construct creates', () => {
  const build = (props: object) => {
    const stack = new Stack(new App(), 'Routes', { env: { region: 'eu-west-1', account: '123456789012' } });
    const network = new ChatbotNetwork(stack, 'Network', props);
    return { stack, network, resources: () => Template.fromStack(stack).toJSON().Resources };
  };

  test.each([
    ['one NAT gateway', ChatbotEgress.NAT_GATEWAY, 1],
    ['a NAT gateway per zone', ChatbotEgress.NAT_GATEWAY_PER_AZ, 2],
  ])('with %s, the NAT gateways sit in the public subnets of the shared table; each private subnet routes to its zone\'s', (_, egress, nats) => {
    const { network, resources } = build({ egress, maxAzs: 2 });
    const r = resources();
    const routing = routingOf(r);
    expect(routing.publicTables).toHaveLength(1);
    expect(routing.subnetsOf(routing.publicTables[0])).toHaveLength(2);
    expect(routing.internetRoutes).toEqual([{ table: routing.publicTables[0], dependsOnAttachment: true }]);
    const logicalIds = (subnets: ec2.ISubnet[]) => subnets.map((s) => Stack.of(network).resolve((s.node.defaultChild as ec2.CfnSubnet).logicalId));
    const publicSubnets = logicalIds(network.vpc.publicSubnets);
    expect(routing.natRoutes).toHaveLength(2);
    logicalIds(network.vpc.privateSubnets).forEach((subnet, i) => {
      const [association] = routing.associations.filter((a) => a.subnet === subnet);
      const route = routing.natRoutes.find((n) => n.table === association.table)!;
      expect(routing.subnetOfNat(route.nat)).toBe(publicSubnets[nats === 1 ? 0 : i]);
    });
    // Each NAT gateway waits for the shared default route, which exists before it can route.
    const sharedRoute = Object.entries<any>(r).find(([, x]) => x.Type === 'AWS::EC2::Route' && x.Properties.GatewayId)![0];
    for (const [, nat] of Object.entries<any>(r).filter(([, x]) => x.Type === 'AWS::EC2::NatGateway')) {
      expect(nat.DependsOn).toContain(sharedRoute);
    }
    expect(danglingReferences(r)).toEqual([]);
  });

  test('every public subnet object reports the shared table, so gateway endpoints and routes added later use it', () => {
    const { stack, network, resources } = build({ maxAzs: 3, cidr: '10.0.0.0/16' });
    const tables = network.vpc.publicSubnets.map((s) => stack.resolve(s.routeTable.routeTableId));
    expect(tables).toHaveLength(3);
    expect(new Set(tables.map((t) => JSON.stringify(t))).size).toBe(1);
    network.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [{ subnetType: ec2.SubnetType.PUBLIC }] });
    // An internet-facing load balancer waits for the public subnets' connectivity.
    new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc: network.vpc, internetFacing: true, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    const r = resources();
    const endpoint = Object.values<any>(r).find((x) => x.Type === 'AWS::EC2::VPCEndpoint');
    expect(endpoint.Properties.RouteTableIds).toEqual([tables[0]]);
    const routing = routingOf(r);
    expect(routing.publicTables).toEqual([tables[0].Ref]);
    expect(routing.subnetsOf(tables[0].Ref)).toHaveLength(3);
    expect(routing.internetRoutes).toHaveLength(1);
    const alb = Object.values<any>(r).find((x) => x.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const sharedRoute = Object.entries<any>(r).find(([, x]) => x.Type === 'AWS::EC2::Route')![0];
    expect(alb.DependsOn).toContain(sharedRoute);
    expect(danglingReferences(r)).toEqual([]);
  });

  test('with load balancer subnets and one NAT gateway, only the NAT gateway\'s public subnet routes out; the other keeps its table without a route', () => {
    const routing = routingOf(build({ loadBalancerSubnets: true }).resources());
    expect(routing.publicTables).toHaveLength(2);
    expect(routing.internetRoutes).toHaveLength(1);
    const [natRoute] = routing.natRoutes;
    expect(routing.subnetsOf(routing.internetRoutes[0].table)).toEqual([routing.subnetOfNat(natRoute.nat)]);
  });

  test('with load balancer subnets and a NAT gateway per zone, both NAT gateways\' subnets share the one table', () => {
    const r = build({ loadBalancerSubnets: true, egress: ChatbotEgress.NAT_GATEWAY_PER_AZ }).resources();
    const routing = routingOf(r);
    expect(routing.publicTables).toHaveLength(1);
    expect(routing.internetRoutes).toEqual([{ table: routing.publicTables[0], dependsOnAttachment: true }]);
    // Two private and two load balancer subnets, each routed to a NAT gateway.
    expect(routing.natRoutes).toHaveLength(4);
    expect(danglingReferences(r)).toEqual([]);
  });

  test('the task subnets of a secondary CIDR keep their own tables without routes', () => {
    const routing = routingOf(build({ secondaryCidr: '172.10.0.0/16', taskSubnetCidrs: ['172.10.0.0/20', '172.10.16.0/20'], egress: ChatbotEgress.NAT_GATEWAY_PER_AZ }).resources());
    expect(routing.publicTables).toHaveLength(1);
    expect(routing.internetRoutes).toHaveLength(1);
    expect(routing.privateTables).toHaveLength(4);
    expect(routing.natRoutes).toHaveLength(2);
    expect(routing.tables).toHaveLength(5);
  });
});
