import { CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, Dependable } from 'constructs';
import { acknowledgeFindings, controlTowerRule } from '../shared/acknowledge';
import { logRetentionType } from '../shared/aws-limits';
import { Ipv4Block, MAX_PREFIX, MIN_PREFIX, contains, fitsInOrder, overlaps, parseCidr, prefixLength, privateRangeOf } from '../shared/cidr';
import { createEncryptedLogGroup, createLogsKey } from '../shared/encryption';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
import { checkRemovalPolicy } from '../shared/removal-policy';
import { limitServiceTimeout } from '../shared/service-timeout';
import { ignoreCfnLintChecks, skipCheckovChecks } from '../shared/template-checks';
import {
  PropTypes, PropsValidator, booleanType, checkPropTypes, enumType, numberType, objectType, stringListType, stringType,
} from '../shared/validation';

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
   * With `secondaryCidr` and `taskSubnetCidrs`, the NAT serves the app subnets of the primary CIDR
   * (`privateSubnetCidrs`), and the task subnets of the secondary CIDR stay isolated.
   */
  NAT_GATEWAY = 'NAT_GATEWAY',

  /**
   * One NAT gateway per Availability Zone: egress survives the loss of a zone, at twice the cost.
   * With `secondaryCidr` and `taskSubnetCidrs`, the NAT gateways serve the app subnets of the
   * primary CIDR, not the tasks: the task subnets of the secondary CIDR stay isolated.
   */
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
   * The CIDR of each public subnet, one per Availability Zone, inside `cidr`.
   *
   * @default - allocated from `cidr` (/24 each)
   */
  readonly publicSubnetCidrs?: string[];

  /**
   * The CIDR of each private subnet, one per Availability Zone, inside `cidr`.
   *
   * @default - allocated from `cidr` (/22 each)
   */
  readonly privateSubnetCidrs?: string[];

  /**
   * A secondary IPv4 CIDR associated with the VPC, for the task subnets (`taskSubnetCidrs`), so
   * that containers do not use addresses of the primary range.
   *
   * @default - none
   */
  readonly secondaryCidr?: string;

  /**
   * The CIDR of each task subnet, one per Availability Zone, inside `secondaryCidr`. These subnets
   * have no route to the internet; tasks reach AWS through VPC endpoints.
   *
   * @default - tasks use the private subnets
   */
  readonly taskSubnetCidrs?: string[];

  /**
   * Add a third group of subnets, one per Availability Zone, for an internal load balancer behind
   * a CloudFront VPC origin. They route to the internet through one NAT gateway in the first
   * zone's public subnet, because the load balancer's login calls Cognito's token endpoint, which
   * has no private endpoint; the tasks' subnets keep their own egress (none by default). One NAT
   * gateway is the cheapest way out that leaves the tasks' subnets without internet: should its
   * zone fail, new logins fail until it is back, while CloudFront keeps serving signed-in users.
   *
   * @default false
   */
  readonly loadBalancerSubnets?: boolean;

  /**
   * The CIDR of each load balancer subnet, one per Availability Zone, inside `cidr`. Needs
   * `loadBalancerSubnets` and the explicit `publicSubnetCidrs` and `privateSubnetCidrs`.
   *
   * @default - allocated from `cidr` (/24 each, after the private subnets)
   */
  readonly loadBalancerSubnetCidrs?: string[];

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

  /**
   * What happens to the flow log group (and its key, when this construct creates one) when the
   * stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The VPC of the chatbot: public subnets for the load balancer and private subnets without
 * any route to the internet for the tasks and the interface endpoints, across two Availability
 * Zones, with flow logs and the default security group closed.
 *
 * The public subnets share one route table, with one default route to the internet gateway, as in
 * a hand-written VPC; each public subnet's `routeTable` is that table. (With `loadBalancerSubnets`
 * and a single NAT gateway, only the NAT gateway's public subnet routes out; the others keep a
 * table of their own without that route.) A stack deployed before with a route table per public
 * subnet moves the other public subnets to the first one's table on update: CloudFormation
 * replaces their route table associations, a brief switch to a table with the same routes, then
 * deletes the tables and routes no longer used. No stateful resource is replaced.
 *
 * The private subnets are `PRIVATE_ISOLATED`: the tasks reach AWS services through VPC endpoints
 * (`ChatbotEndpoints`) instead of a NAT gateway.
 */
export class ChatbotNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.Vpc;

  /** The subnets for the tasks: the task subnets of the secondary CIDR, else the private subnets. */
  public readonly taskSubnets: ec2.SubnetSelection;

  /** The log group receiving the VPC flow logs. */
  public readonly flowLogGroup: logs.LogGroup;

  /**
   * The subnets of an internal load balancer, with a route to the NAT gateway; undefined without
   * `loadBalancerSubnets`.
   */
  public readonly loadBalancerSubnets?: ec2.SubnetSelection;

  constructor(scope: Construct, id: string, props: ChatbotNetworkProps = {}) {
    super(scope, id);

    const maxAzs = props.maxAzs ?? 2;
    const egress = props.egress ?? ChatbotEgress.VPC_ENDPOINTS_ONLY;
    const v = new PropsValidator('ChatbotNetwork', this, props);
    checkNetworkProps(this, v, props);
    v.check(Number.isInteger(maxAzs) && maxAzs >= 2, 'maxAzs', `must be a whole number of at least 2 (got ${maxAzs}).`,
      'The load balancer and the tasks need two Availability Zones; remove the prop or set it to 2 or more.');
    validateCidrs(v, props, maxAzs);
    checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
    v.throwIfInvalid();
    const cidr = props.cidr ?? '10.0.0.0/16';
    const privateSubnetType = egress === ChatbotEgress.VPC_ENDPOINTS_ONLY ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS;
    const withLoadBalancerSubnets = props.loadBalancerSubnets ?? false;
    const taskNatGateways = egress === ChatbotEgress.NAT_GATEWAY_PER_AZ ? maxAzs : egress === ChatbotEgress.NAT_GATEWAY ? 1 : 0;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: props.publicSubnetCidrs || props.privateSubnetCidrs
        ? new ExplicitSubnetCidrs(cidr, {
          Public: props.publicSubnetCidrs,
          Private: props.privateSubnetCidrs,
          LoadBalancer: props.loadBalancerSubnetCidrs,
        })
        : ec2.IpAddresses.cidr(cidr),
      maxAzs,
      // The load balancer subnets need one NAT gateway even when the tasks have no egress; the
      // VPC routes every PRIVATE_WITH_EGRESS subnet to the NAT gateway of its zone, else the first.
      natGateways: withLoadBalancerSubnets ? Math.max(1, taskNatGateways) : taskNatGateways,
      // cdk-nag's VPCDefaultSecurityGroupClosed rule (HIPAA, NIST, PCI) requires it. CloudFormation
      // cannot change a VPC's default security group, so CDK does it with a small custom resource.
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: privateSubnetType, cidrMask: 22 },
        // Last, so that the other groups keep the addresses they have without it.
        ...(withLoadBalancerSubnets ? [{ name: 'LoadBalancer', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 }] : []),
      ],
    });

    // By group name when the load balancer subnets exist: with a NAT egress both groups are
    // PRIVATE_WITH_EGRESS, and the tasks belong in theirs only.
    this.taskSubnets = withLoadBalancerSubnets ? { subnetGroupName: 'Private' } : { subnetType: privateSubnetType };
    if (withLoadBalancerSubnets) {
      this.loadBalancerSubnets = { subnetGroupName: 'LoadBalancer' };
    }
    if (props.secondaryCidr && props.taskSubnetCidrs) {
      const association = new ec2.CfnVPCCidrBlock(this, 'SecondaryCidr', { vpcId: this.vpc.vpcId, cidrBlock: props.secondaryCidr });
      const subnets = props.taskSubnetCidrs.map((cidrBlock, i) => {
        const subnet = new ec2.PrivateSubnet(this, `TaskSubnet${i + 1}`, {
          vpcId: this.vpc.vpcId,
          availabilityZone: this.vpc.availabilityZones[i],
          cidrBlock,
          mapPublicIpOnLaunch: false,
        });
        subnet.node.addDependency(association);
        // Template checkers compare subnet CIDRs with the VPC's primary CIDR only; this subnet lies in
        // the secondary CIDR associated just above, which CloudFormation accepts.
        const cfnSubnet = subnet.node.defaultChild as ec2.CfnSubnet;
        acknowledgeFindings(cfnSubnet, ['CloudFormation-Validate::E3059'],
          'The subnet is carved from the secondary CIDR associated with the VPC (AWS::EC2::VPCCidrBlock, a dependency of this subnet), not from the primary CIDR the check compares with.');
        ignoreCfnLintChecks(cfnSubnet, ['E3059']);
        return subnet;
      });
      this.taskSubnets = { subnets };
    }

    markDefaultSecurityGroupHandler(this);
    // aws-cdk-lib's handler runs up to 15 minutes; CloudFormation need not wait an hour past that.
    limitServiceTimeout(this.vpc, 'RestrictDefaultSecurityGroupCustomResource', Duration.minutes(15));

    const key = props.logsEncryptionKey ?? createLogsKey(this, 'FlowLogsKey', 'Encrypts the chatbot VPC flow logs', props.removalPolicy);
    this.flowLogGroup = createEncryptedLogGroup(this, 'FlowLogs', {
      encryptionKey: key,
      retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup, new ManagedPolicyRole(this, 'FlowLogRole', {
        assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com'),
        description: 'Delivers the chatbot VPC flow logs to CloudWatch Logs',
      })),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    // An internet-facing load balancer (and a NAT gateway) needs the public subnets' default route
    // to the internet gateway. With the load balancer in its own private subnets, only the NAT
    // gateway's public subnet keeps that route: the others hold nothing, and the internet
    // gateway, which CloudFront VPC origins require attached to the VPC, stays attached.
    const natSubnets = new Set(this.vpc.publicSubnets.filter((s) => s.node.tryFindChild('NATGateway')).map((s) => s.node.path));
    const routed: ec2.PublicSubnet[] = [];
    for (const subnet of this.vpc.publicSubnets as ec2.PublicSubnet[]) {
      if (!subnet.node.tryFindChild('DefaultRoute')) {
        continue;
      }
      if (withLoadBalancerSubnets && !natSubnets.has(subnet.node.path)) {
        removeRoute(subnet, 'DefaultRoute', undefined);
        continue;
      }
      routed.push(subnet);
    }
    const route = sharePublicRouteTable(routed);
    if (route) {
      acknowledgeFindings(route, ['HIPAA.Security-VPCNoUnrestrictedRouteToIGW', 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', 'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW'],
        withLoadBalancerSubnets
          ? `${routed.length > 1 ? 'The public route table shared by the public subnets of the NAT gateways that let' : 'Public subnet of the NAT gateway that lets'} `
            + 'the internal load balancer\'s login reach Cognito\'s token endpoint: a NAT gateway needs the default route to the internet gateway. '
            + `Nothing else lives in ${routed.length > 1 ? 'these subnets' : 'this subnet'}; the load balancer and the tasks are in private subnets.`
          : 'The public route table shared by the public subnets of the internet-facing load balancer (and of the NAT gateways when egress is NAT): its default route '
            + 'to the internet gateway is what lets CloudFront reach the load balancer. The load balancer admits only the CloudFront origin-facing prefix list on 443; '
            + 'no task or endpoint lives in these subnets.');
    }
  }
}

/**
 * Gives the public subnets one route table, the first subnet's, as a hand-written VPC does:
 * `ec2.Vpc` creates a table with the same default route for each public subnet. The other
 * subnets' associations move to the first table, and their tables and routes are removed.
 * Each subnet object then reports the shared table as its `routeTable`, and whatever waits for
 * a removed route (a NAT gateway in that subnet, an internet-facing load balancer) waits for
 * the shared table's route instead, so no reference or dependency points at a removed resource.
 *
 * On an update of a stack deployed before, CloudFormation replaces the moved associations (their
 * `RouteTableId` cannot change in place): each moved subnet switches to the shared table, whose
 * routes are the same, then the old table and its route are deleted. No stateful resource is
 * touched.
 *
 * @returns the shared table's IPv4 default route, or undefined without public subnets that route
 * to the internet
 */
function sharePublicRouteTable(subnets: ec2.PublicSubnet[]): CfnResource | undefined {
  const [first, ...others] = subnets;
  if (!first) {
    return undefined;
  }
  for (const subnet of others) {
    const ownTable = subnet.node.findChild('RouteTable') as ec2.CfnRouteTable;
    const association = subnet.node.findChild('RouteTableAssociation') as ec2.CfnSubnetRouteTableAssociation;
    association.routeTableId = first.routeTable.routeTableId;
    for (const child of subnet.node.children) {
      if (child instanceof ec2.CfnRoute) {
        const shared = first.node.tryFindChild(child.node.id);
        // ec2.Vpc gives every public subnet the same routes (DefaultRoute, DefaultRoute6 with IPv6).
        if (!(shared instanceof ec2.CfnRoute) || child.destinationCidrBlock !== shared.destinationCidrBlock
          || child.destinationIpv6CidrBlock !== shared.destinationIpv6CidrBlock || child.gatewayId !== shared.gatewayId) {
          throw new Error(`${child.node.path} has no equal route in ${first.node.path}'s route table, which the public subnets share.`);
        }
        removeRoute(subnet, child.node.id, shared);
      }
    }
    subnet.node.tryRemoveChild(ownTable.node.id);
    Dependable.implement(ownTable, { dependencyRoots: [first.node.findChild('RouteTable')] });
    (subnet as { routeTable: ec2.IRouteTable }).routeTable = first.routeTable;
  }
  return first.node.findChild('DefaultRoute') as CfnResource;
}

/**
 * Removes a route of a public subnet. `ec2.Vpc` has already made the subnet's
 * `internetConnectivityEstablished` (which a NAT gateway in the subnet and an internet-facing load
 * balancer wait for) include it: those now wait for `replacement`, or for nothing more than the
 * subnet's association when the subnet keeps no route out.
 */
function removeRoute(subnet: ec2.PublicSubnet, id: string, replacement: ec2.CfnRoute | undefined): void {
  const route = subnet.node.findChild(id);
  subnet.node.tryRemoveChild(id);
  Dependable.implement(route, { dependencyRoots: replacement ? [replacement] : [] });
}

function validateCidrs(v: PropsValidator, props: ChatbotNetworkProps, maxAzs: number): void {
  const cidr = props.cidr ?? '10.0.0.0/16';
  const primary = parseCidr(cidr);
  v.check(primary !== undefined, 'cidr', `'${cidr}' is not an IPv4 CIDR block.`, 'Use a block such as 10.0.0.0/16.');
  checkPrefix(v, 'cidr', cidr, primary, 'a VPC CIDR block', '10.0.0.0/16');
  const secondary = props.secondaryCidr === undefined ? undefined : parseCidr(props.secondaryCidr);
  if (props.secondaryCidr !== undefined) {
    v.check(secondary !== undefined, 'secondaryCidr', `'${props.secondaryCidr}' is not an IPv4 CIDR block.`, 'Use a block such as 172.10.0.0/16.');
    checkPrefix(v, 'secondaryCidr', props.secondaryCidr, secondary, 'a VPC CIDR block', '172.10.0.0/16');
  }
  v.check(!props.taskSubnetCidrs || props.secondaryCidr !== undefined, 'taskSubnetCidrs', 'needs `secondaryCidr`.', 'Give the secondary CIDR the task subnets are carved from.');
  v.check(!props.secondaryCidr || !!props.taskSubnetCidrs, 'secondaryCidr', 'was given without `taskSubnetCidrs`, so nothing would use it.', 'List one task subnet CIDR per Availability Zone.');
  const seen: Array<[string, string, Ipv4Block]> = [];
  const check = (prop: string, list: string[] | undefined, parent: Ipv4Block | undefined, parentProp: string) => {
    if (!list) {
      return;
    }
    v.check(list.length === maxAzs, prop, `has ${list.length} entries for ${maxAzs} Availability Zones.`, 'Give one CIDR per Availability Zone.');
    for (const entry of list) {
      const block = parseCidr(entry);
      if (!block) {
        v.fail(prop, `'${entry}' is not an IPv4 CIDR block.`, 'Use blocks such as 10.0.1.0/24.');
        continue;
      }
      checkPrefix(v, prop, entry, block, 'a subnet', '10.0.1.0/24');
      if (parent) {
        v.check(contains(parent, block), prop, `'${entry}' is outside ${parentProp}.`, `Carve it from ${parentProp}.`);
      }
      for (const [otherProp, other, otherBlock] of seen) {
        v.check(!overlaps(block, otherBlock), prop, `'${entry}' overlaps '${other}' of ${otherProp}.`, 'Give every subnet its own range.');
      }
      seen.push([prop, entry, block]);
    }
  };
  check('publicSubnetCidrs', props.publicSubnetCidrs, primary, 'cidr');
  check('privateSubnetCidrs', props.privateSubnetCidrs, primary, 'cidr');
  check('taskSubnetCidrs', props.taskSubnetCidrs, secondary, 'secondaryCidr');
  check('loadBalancerSubnetCidrs', props.loadBalancerSubnetCidrs, primary, 'cidr');
  v.check(!props.loadBalancerSubnetCidrs || props.loadBalancerSubnets === true, 'loadBalancerSubnetCidrs', 'is unused without `loadBalancerSubnets: true`.',
    'Remove it, or set loadBalancerSubnets to true.');
  v.check(!(props.loadBalancerSubnets && props.publicSubnetCidrs && !props.loadBalancerSubnetCidrs), 'loadBalancerSubnetCidrs',
    'is missing: `publicSubnetCidrs` and `privateSubnetCidrs` list the other subnets explicitly.', 'List one load balancer subnet CIDR per Availability Zone too.');
  v.check(!(props.loadBalancerSubnetCidrs && !props.publicSubnetCidrs), 'loadBalancerSubnetCidrs',
    'needs `publicSubnetCidrs` and `privateSubnetCidrs`: explicit CIDRs are given for every group or for none.', 'List all three, or none to let the VPC allocate them.');
  v.check(!!props.publicSubnetCidrs === !!props.privateSubnetCidrs, 'publicSubnetCidrs',
    'and `privateSubnetCidrs` go together.', 'Give both lists, or neither to let the VPC allocate them.');
  if (primary && secondary) {
    v.check(!overlaps(primary, secondary), 'secondaryCidr', `'${props.secondaryCidr}' overlaps the VPC's primary CIDR '${cidr}'.`, 'Choose a range outside the primary one.');
    const primaryRange = privateRangeOf(primary);
    const secondaryRange = privateRangeOf(secondary);
    // AWS refuses a secondary block from another RFC 1918 range than a 10.0.0.0/8 primary's, and so on.
    v.check(!(primaryRange && secondaryRange && primaryRange !== secondaryRange), 'secondaryCidr',
      `'${props.secondaryCidr}' is in another RFC 1918 range than the primary '${cidr}', which AWS does not allow.`,
      'Use a block from the primary\'s own RFC 1918 range, or a non-RFC 1918 block such as 100.64.0.0/16 or 172.10.0.0/16.');
  }
}

/** AWS refuses VPC blocks and subnets larger than /16 or smaller than /28. */
function checkPrefix(v: PropsValidator, prop: string, cidr: string, block: Ipv4Block | undefined, what: string, example: string): void {
  if (!block) {
    return;
  }
  const prefix = prefixLength(block);
  v.check(prefix >= MIN_PREFIX && prefix <= MAX_PREFIX, prop, `'${cidr}' is a /${prefix}, but AWS accepts ${what} only from /16 (65,536 addresses) to /28 (16).`,
    `Use a block of that size, such as ${example}.`);
}

const NETWORK_TYPES: PropTypes = {
  cidr: stringType("'10.0.0.0/16'"),
  maxAzs: numberType('2'),
  publicSubnetCidrs: stringListType("['10.0.0.0/24', '10.0.1.0/24']"),
  privateSubnetCidrs: stringListType("['10.0.4.0/22', '10.0.8.0/22']"),
  secondaryCidr: stringType("'100.64.0.0/16'"),
  taskSubnetCidrs: stringListType("['100.64.0.0/20', '100.64.16.0/20']"),
  loadBalancerSubnets: booleanType(),
  loadBalancerSubnetCidrs: stringListType("['10.0.12.0/24', '10.0.13.0/24']"),
  egress: enumType('ChatbotEgress', ChatbotEgress),
  flowLogRetention: logRetentionType(),
  logsEncryptionKey: objectType('kms.IKey', 'keyArn'),
  removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
};

/**
 * Refuses props of a wrong type at once (the other checks assume the right types), then a primary
 * CIDR too small for the subnets the construct carves from it by default.
 */
function checkNetworkProps(scope: Construct, v: PropsValidator, props: ChatbotNetworkProps): void {
  if (!checkPropTypes(v, props, NETWORK_TYPES)) {
    v.throwIfInvalid();
  }
  const primary = parseCidr(props.cidr ?? '10.0.0.0/16');
  if (!primary || props.publicSubnetCidrs || props.privateSubnetCidrs || prefixLength(primary) < MIN_PREFIX || prefixLength(primary) > MAX_PREFIX) {
    return;
  }
  const azs = Math.min(props.maxAzs ?? 2, Stack.of(scope).availabilityZones.length);
  // The defaults: a /24 public subnet per zone, then a /22 private subnet per zone, then with
  // `loadBalancerSubnets` a /24 load balancer subnet per zone.
  const prefixes = [...Array(azs).fill(24), ...Array(azs).fill(22), ...Array(props.loadBalancerSubnets ? azs : 0).fill(24)];
  const what = props.loadBalancerSubnets ? 'a /24 public, a /22 private and a /24 load balancer subnet' : 'a /24 public and a /22 private subnet';
  v.check(fitsInOrder(primary, prefixes), 'cidr', `'${props.cidr}' is too small for the default subnets: ${what} in each of ${azs} Availability Zones.`,
    'Use a /20 or larger block, or list `publicSubnetCidrs` and `privateSubnetCidrs` that fit in it.');
}

/** Hands the VPC the exact subnet CIDRs the user chose, per subnet group, in Availability Zone order. */
class ExplicitSubnetCidrs implements ec2.IIpAddresses {
  constructor(private readonly cidr: string, private readonly byGroup: { [group: string]: string[] | undefined }) {}

  public allocateVpcCidr(): ec2.VpcIpamOptions {
    return { cidrBlock: this.cidr };
  }

  public allocateSubnetsCidr(input: ec2.AllocateCidrRequest): ec2.SubnetIpamOptions {
    const next: { [group: string]: number } = {};
    return {
      allocatedSubnets: input.requestedSubnets.map((request) => {
        const group = request.configuration.name;
        const index = next[group] ?? 0;
        next[group] = index + 1;
        return { cidr: this.byGroup[group]![index] };
      }),
    };
  }
}

/**
 * The Lambda function behind `restrictDefaultSecurityGroup` is aws-cdk-lib's own, one per stack,
 * reachable only by its path. It runs at deploy time only, so the checks meant for application
 * functions are skipped on it, each with its reason.
 */
function markDefaultSecurityGroupHandler(scope: Construct): void {
  const handler = Stack.of(scope).node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider')?.node.tryFindChild('Handler');
  if (!(handler instanceof CfnResource)) {
    return;
  }
  skipCheckovChecks(handler, [
    ['CKV_AWS_115', 'aws-cdk-lib deploy-time handler that closes the default security group; it runs once per VPC change, and reserving concurrency would take from the account\'s unreserved pool.'],
    ['CKV_AWS_116', 'CloudFormation waits for this handler\'s answer and CDK reports every error as FAILED, rolling the deployment back; a dead-letter queue would hold events that cannot be replayed.'],
    ['CKV_AWS_117', 'Deploy-time handler that only calls the EC2 API; running it in the VPC would need an EC2 endpoint and network permissions for no data it handles.'],
  ]);
  // aws-cdk-lib writes both DependsOn and a GetAtt to the handler's role.
  ignoreCfnLintChecks(handler, ['W3005']);
  acknowledgeFindings(handler, [controlTowerRule('lambda_inside_vpc_check')],
    'aws-cdk-lib\'s deploy-time function that removes the rules of the VPC\'s default security group: it runs only while CloudFormation deploys, '
    + 'calls two EC2 APIs and handles no data. Inside the VPC it would need an EC2 interface endpoint (about 15 USD a month) for those two calls.');
}
