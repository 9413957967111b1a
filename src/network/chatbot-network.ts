import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeFindings } from '../shared/acknowledge';
import { createEncryptedLogGroup, createLogsKey } from '../shared/encryption';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
import { PropsValidator } from '../shared/validation';

/**
 * How tasks in the private subnets reach AWS services and the internet.
 */
export enum ChatbotEgress {
  /**
   * No route to the internet: AWS services through VPC endpoints only. Cheapest at idle for a few
   * services, and nothing in the private subnets can reach the internet.
   */
  VPC_ENDPOINTS_ONLY = 'VPC_ENDPOINTS_ONLY',

  /**
   * One NAT gateway, shared by both Availability Zones: outbound internet for third-party APIs.
   * About 33 USD a month plus data processing; losing its zone cuts the other zone's egress too.
   */
  NAT_GATEWAY = 'NAT_GATEWAY',

  /** One NAT gateway per Availability Zone: egress survives the loss of a zone, at twice the cost. */
  NAT_GATEWAY_PER_AZ = 'NAT_GATEWAY_PER_AZ',
}

/**
 * Props for `ChatbotNetwork`.
 */
export interface ChatbotNetworkProps {
  /**
   * The IPv4 CIDR of the VPC.
   *
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;

  /**
   * How many Availability Zones to span. The architecture needs at least two.
   *
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * How the private subnets reach out. With a NAT gateway they become `PRIVATE_WITH_EGRESS`.
   *
   * @default ChatbotEgress.VPC_ENDPOINTS_ONLY
   */
  readonly egress?: ChatbotEgress;

  /**
   * Retention of the VPC flow logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * KMS key for the flow log group. It must allow CloudWatch Logs in this region to use it.
   *
   * @default - a new key with rotation enabled
   */
  readonly logsEncryptionKey?: kms.IKey;
}

/**
 * The VPC of the chatbot: public subnets for the load balancer and private subnets without
 * any route to the internet for the tasks and the interface endpoints, across two Availability
 * Zones, with flow logs and the default security group closed.
 *
 * The private subnets are `PRIVATE_ISOLATED`: the tasks reach AWS services through VPC endpoints
 * (`ChatbotEndpoints`) instead of a NAT gateway.
 */
export class ChatbotNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.Vpc;

  /** The log group receiving the VPC flow logs. */
  public readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ChatbotNetworkProps = {}) {
    super(scope, id);

    const maxAzs = props.maxAzs ?? 2;
    const egress = props.egress ?? ChatbotEgress.VPC_ENDPOINTS_ONLY;
    const v = new PropsValidator('ChatbotNetwork');
    v.check(Number.isInteger(maxAzs) && maxAzs >= 2, 'maxAzs', `must be a whole number of at least 2 (got ${maxAzs}).`,
      'The load balancer and the tasks need two Availability Zones; remove the prop or set it to 2 or more.');
    v.throwIfInvalid();

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? '10.0.0.0/16'),
      maxAzs,
      natGateways: egress === ChatbotEgress.NAT_GATEWAY_PER_AZ ? maxAzs : egress === ChatbotEgress.NAT_GATEWAY ? 1 : 0,
      // cdk-nag's VPCDefaultSecurityGroupClosed rule (HIPAA, NIST, PCI) requires it. CloudFormation
      // cannot change a VPC's default security group, so CDK does it with a small custom resource.
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: egress === ChatbotEgress.VPC_ENDPOINTS_ONLY ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
    });

    const key = props.logsEncryptionKey ?? createLogsKey(this, 'FlowLogsKey', 'Encrypts the chatbot VPC flow logs');
    this.flowLogGroup = createEncryptedLogGroup(this, 'FlowLogs', {
      encryptionKey: key,
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup, new ManagedPolicyRole(this, 'FlowLogRole', {
        assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com'),
        description: 'Delivers the chatbot VPC flow logs to CloudWatch Logs',
      })),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    // An internet-facing load balancer (and a NAT gateway) needs the public subnets' default route
    // to the internet gateway.
    for (const subnet of this.vpc.publicSubnets) {
      const route = subnet.node.tryFindChild('DefaultRoute');
      if (route) {
        acknowledgeFindings(route, ['HIPAA.Security-VPCNoUnrestrictedRouteToIGW', 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', 'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW'],
          'Public subnet of the internet-facing load balancer (and of the NAT gateway when egress is NAT): its default route to the internet gateway is what lets CloudFront reach it. The load balancer admits only the CloudFront origin-facing prefix list on 443; no task or endpoint lives in these subnets.');
      }
    }
  }
}
