import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** The private subnets of a VPC: isolated ones when it has them, else private with egress. */
export function defaultPrivateSubnets(vpc: ec2.IVpc): ec2.SubnetSelection {
  return vpc.isolatedSubnets.length > 0
    ? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }
    : { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
}
