import { Match } from 'aws-cdk-lib/assertions';
import { exampleTemplate } from '../support/example-assemblies';
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

  test.each(['bedrock-runtime', 'ecr.api', 'ecr.dkr', 'logs', 'ssm'])('%s interface endpoint with private DNS in the private subnets', (service) => {
    regional.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: `com.amazonaws.eu-west-1.${service}`,
      PrivateDnsEnabled: true,
      SubnetIds: [{ Ref: Match.stringLikeRegexp('PrivateSubnet1') }, { Ref: Match.stringLikeRegexp('PrivateSubnet2') }],
      SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('EndpointsSecurityGroup'), 'GroupId'] }],
    });
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
