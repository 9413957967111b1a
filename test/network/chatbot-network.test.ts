import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ChatbotEgress, ChatbotNetwork } from '../../src';
import { exampleTemplate } from '../support/example-assemblies';

const regional = exampleTemplate('basic', 'eu-west-1');

describe('network', () => {
  test('two AZs of public and private subnets, no NAT gateway, no public IPs on launch', () => {
    regional.resourceCountIs('AWS::EC2::NatGateway', 0);
    regional.resourceCountIs('AWS::EC2::Subnet', 4);
    for (const subnet of Object.values(regional.findResources('AWS::EC2::Subnet'))) {
      expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    }
    // Only the two public route tables route to the internet.
    const routes = Object.values(regional.findResources('AWS::EC2::Route'));
    expect(routes).toHaveLength(2);
    for (const route of routes) {
      expect(JSON.stringify(route.Properties.RouteTableId)).toMatch(/PublicSubnet/);
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
