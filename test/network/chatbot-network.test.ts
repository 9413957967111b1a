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
