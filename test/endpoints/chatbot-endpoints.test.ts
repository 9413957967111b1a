import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ChatbotEndpoints } from '../../src';
import { exampleTemplate } from '../support/example-assemblies';
import { ownFargateService } from '../support/own-parts';
import { ingressRules, securityGroupId } from '../support/security-groups';

const regional = exampleTemplate('basic', 'eu-west-1');

describe('VPC endpoints', () => {
  test('S3 gateway endpoint on the private route tables only', () => {
    regional.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
      RouteTableIds: [{ Ref: Match.stringLikeRegexp('PrivateSubnet1RouteTable') }, { Ref: Match.stringLikeRegexp('PrivateSubnet2RouteTable') }],
    });
  });

  test.each(['bedrock-runtime', 'ecr.api', 'ecr.dkr', 'logs'])('%s interface endpoint with private DNS in the private subnets', (service) => {
    regional.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: `com.amazonaws.eu-west-1.${service}`,
      PrivateDnsEnabled: true,
      SubnetIds: [{ Ref: Match.stringLikeRegexp('PrivateSubnet1') }, { Ref: Match.stringLikeRegexp('PrivateSubnet2') }],
      SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('EndpointsSecurityGroup'), 'GroupId'] }],
    });
  });

  test('exactly the four interface endpoints the tasks need: no ssm or secretsmanager without secrets', () => {
    const services = Object.values(regional.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }))
      .map((e) => String(e.Properties.ServiceName).replace('com.amazonaws.eu-west-1.', '')).sort();
    expect(services).toEqual(['bedrock-runtime', 'ecr.api', 'ecr.dkr', 'logs']);
  });

  test('endpoints admit HTTPS from the tasks only', () => {
    const ingress = ingressRules(regional, securityGroupId(regional, /EndpointsSecurityGroup/));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/ServiceSecurityGroup/), 'GroupId'] },
    });
  });
});

describe('ChatbotEndpoints alone, in a user\'s own VPC, for a user\'s own service', () => {
  const stack = new Stack(new App(), 'Own', { env: { region: 'eu-west-1', account: '123456789012' } });
  const { vpc, service } = ownFargateService(stack);
  const endpoints = new ChatbotEndpoints(stack, 'Endpoints', { vpc, additionalInterfaceServices: [ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER] });
  endpoints.allowFrom(service.connections.securityGroups[0]);
  const own = Template.fromStack(stack);

  test('the S3 gateway serves the VPC\'s isolated subnets; the interface endpoints sit in them', () => {
    own.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      RouteTableIds: [{ Ref: Match.stringLikeRegexp('OwnVpcPrivateSubnet1RouteTable') }, { Ref: Match.stringLikeRegexp('OwnVpcPrivateSubnet2RouteTable') }],
    });
    expect(endpoints.interfaceServiceNames).toEqual(['bedrock-runtime', 'ecr.api', 'ecr.dkr', 'logs', 'secretsmanager']);
    own.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' }, 5);
  });

  test('they admit HTTPS from the user\'s service only', () => {
    expect(ingressRules(own, securityGroupId(own, /^EndpointsSecurityGroup/))).toEqual([expect.objectContaining({
      FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [securityGroupId(own, /OwnServiceSecurityGroup/), 'GroupId'] },
    })]);
  });
});
