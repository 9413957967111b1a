import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { defaultPrivateSubnets } from '../shared/subnets';
import { PropTypes, PropsValidator, booleanType, objectListType, objectType, refuseWrongTypes, required } from '../shared/validation';

/**
 * Props for `ChatbotEndpoints`.
 */
export interface ChatbotEndpointsProps {
  /** The VPC to add the endpoints to. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the tasks: the gateway endpoints are added to their route tables and the
   * interface endpoints get a network interface in each of them.
   *
   * @default - the VPC's private subnets (isolated ones first, then private with egress)
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Interface endpoints to create, in addition to the ones the architecture always needs
   * (`bedrock-runtime`, `ecr.api`, `ecr.dkr`, `logs`).
   *
   * @default - none
   */
  readonly additionalInterfaceServices?: ec2.InterfaceVpcEndpointAwsService[];

  /**
   * Put the interface endpoints in one Availability Zone instead of each: half the endpoint-hours
   * (each interface endpoint costs about 7.30 USD a month per AZ), but tasks in the other zone then
   * cross zones to reach AWS services, and lose them if that zone fails.
   *
   * @default false (every Availability Zone of `subnets`)
   */
  readonly oneAvailabilityZone?: boolean;

  /**
   * Add the `bedrock-agent-runtime` interface endpoint, for apps that query Bedrock knowledge
   * bases or agents (it costs one more interface endpoint).
   *
   * @default false
   */
  readonly bedrockAgentRuntime?: boolean;

  /**
   * Add a DynamoDB gateway endpoint next to the S3 one.
   *
   * @default false
   */
  readonly dynamoDbGateway?: boolean;
}

/**
 * The VPC endpoints that let tasks in private subnets without a NAT gateway pull images, write
 * logs and call Amazon Bedrock: an S3 gateway endpoint (ECR stores image layers in S3) on the
 * private route tables, and interface endpoints with private DNS whose security group admits
 * HTTPS only from the security groups passed to `allowFrom`.
 */
export class ChatbotEndpoints extends Construct {
  /** The security group of the interface endpoints. It admits nothing until `allowFrom` is called. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** The S3 gateway endpoint. */
  public readonly s3Gateway: ec2.GatewayVpcEndpoint;

  /** The DynamoDB gateway endpoint, when `dynamoDbGateway` is set. */
  public readonly dynamoDbGateway?: ec2.GatewayVpcEndpoint;

  private readonly interfaceEndpoints = new Map<string, ec2.InterfaceVpcEndpoint>();
  private readonly vpc: ec2.IVpc;
  private readonly subnets: ec2.SubnetSelection;
  private readonly oneAz: boolean;

  constructor(scope: Construct, id: string, props: ChatbotEndpointsProps) {
    super(scope, id);
    refuseWrongTypes(this, 'ChatbotEndpoints', props, ENDPOINTS_TYPES);
    this.vpc = props.vpc;
    this.subnets = props.subnets ?? defaultPrivateSubnets(props.vpc);
    this.oneAz = props.oneAvailabilityZone ?? false;

    const v = new PropsValidator('ChatbotEndpoints', this);
    const selected = props.vpc.selectSubnets(this.subnets);
    v.check(selected.subnets.length > 0, 'subnets', 'selects no subnet in the VPC.',
      'Give the VPC private subnets or select the task subnets explicitly.');
    v.throwIfInvalid();

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Interface VPC endpoints of the chatbot: HTTPS from the chatbot tasks only',
      allowAllOutbound: false,
    });

    this.s3Gateway = props.vpc.addGatewayEndpoint('S3Gateway', {
      service: ec2.GatewayVpcEndpointAwsService.S3,
      subnets: [this.subnets],
    });
    if (props.dynamoDbGateway) {
      this.dynamoDbGateway = props.vpc.addGatewayEndpoint('DynamoDbGateway', {
        service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
        subnets: [this.subnets],
      });
    }

    const services = [
      ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME,
      ec2.InterfaceVpcEndpointAwsService.ECR,
      ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
      ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      ...(props.bedrockAgentRuntime ? [ec2.InterfaceVpcEndpointAwsService.BEDROCK_AGENT_RUNTIME] : []),
      ...(props.additionalInterfaceServices ?? []),
    ];
    for (const service of services) {
      this.addInterfaceEndpoint(service);
    }
  }

  /**
   * Adds an interface endpoint (once per service) in the task subnets, behind the shared
   * security group.
   */
  public addInterfaceEndpoint(service: ec2.InterfaceVpcEndpointAwsService): ec2.InterfaceVpcEndpoint {
    const existing = this.interfaceEndpoints.get(service.shortName);
    if (existing) {
      return existing;
    }
    const endpoint = new ec2.InterfaceVpcEndpoint(this, endpointId(service.shortName), {
      vpc: this.vpc,
      service,
      subnets: this.oneAz ? { subnets: [this.vpc.selectSubnets(this.subnets).subnets[0]] } : this.subnets,
      privateDnsEnabled: true,
      securityGroups: [this.securityGroup],
      open: false,
    });
    this.interfaceEndpoints.set(service.shortName, endpoint);
    return endpoint;
  }

  /** Lets the given security group reach the interface endpoints on 443. */
  public allowFrom(peer: ec2.ISecurityGroup): void {
    this.securityGroup.addIngressRule(peer, ec2.Port.tcp(443), `HTTPS to the VPC endpoints from ${peer.node.id}`);
  }

  /** The short names (`ecr.api`, `logs`, ...) of the interface endpoints, in creation order. */
  public get interfaceServiceNames(): string[] {
    return [...this.interfaceEndpoints.keys()];
  }
}

// 'ecr.dkr' -> 'EcrDkr', 'bedrock-runtime' -> 'BedrockRuntime'
function endpointId(shortName: string): string {
  return shortName.split(/[.-]/).map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
}

const ENDPOINTS_TYPES: PropTypes = {
  vpc: required(objectType('ec2.IVpc', 'selectSubnets')),
  subnets: objectType('ec2.SubnetSelection', undefined, '{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }'),
  additionalInterfaceServices: objectListType('ec2.InterfaceVpcEndpointAwsService', 'shortName', '[ec2.InterfaceVpcEndpointAwsService.SSM]'),
  oneAvailabilityZone: booleanType(),
  dynamoDbGateway: booleanType(),
  bedrockAgentRuntime: booleanType(),
};
