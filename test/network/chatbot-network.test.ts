import { App, Stack } from 'aws-cdk-lib';
import { ChatbotNetwork } from '../../src';
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
