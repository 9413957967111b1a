/**
 * Idle monthly cost of a synthesized CloudFormation template, from the committed price table
 * (prices.json). Pure functions: a parsed template and its region in, line items and a total out.
 *
 * "Idle" means the stack is deployed and nobody uses it: only the charges that run by the hour or
 * by the month whether or not there is traffic are counted. Values that are not plain numbers in
 * the template (CloudFormation tokens such as Ref or Fn::If) never throw: a documented default is
 * used and the line item says so in `detail` and `assumption`.
 */
import * as priceFile from './prices.json';

export interface PriceEntry {
  readonly price: number;
  readonly unit: string;
  readonly region: string;
  readonly source: string;
  readonly date: string;
  readonly note?: string;
}

export interface PriceTable {
  readonly currency: string;
  readonly hoursPerMonth: number;
  readonly date: string;
  readonly basis: string;
  readonly items: { readonly [key: string]: PriceEntry };
}

/** The committed price table (scripts/cost/prices.json). */
export const PRICES: PriceTable = priceFile as PriceTable;

/** A parsed CloudFormation template; only Resources is read. */
export interface Template {
  readonly Resources?: { readonly [logicalId: string]: { readonly Type: string; readonly Properties?: any } };
}

export interface LineItem {
  /** What is billed, e.g. 'Interface VPC endpoint'. Lines of one kind are summed by the CLI. */
  readonly kind: string;
  /** Logical id of the resource the line comes from. */
  readonly resource: string;
  /** How many billed things (endpoints, addresses, tasks, rules ...). */
  readonly count: number;
  /** Billed quantity per month, in `unit`. */
  readonly quantity: number;
  readonly unit: string;
  readonly monthlyUsd: number;
  readonly detail: string;
  /** Key of the price used, in PriceTable.items. */
  readonly priceKey: string;
  /** Set when a value was not a plain number (a token) or was missing and a default was used. */
  readonly assumption?: string;
}

export interface Estimate {
  readonly region: string;
  readonly items: LineItem[];
  readonly totalUsd: number;
}

export type CpuArchitecture = 'X86_64' | 'ARM64';

/** Price key of resources that are listed but not in the price table (priced at 0, with an assumption). */
export const NOT_PRICED = 'notPriced';

/** Subnets assumed when a subnet list is a token instead of a list. */
export const ASSUMED_AZS = 2;

const FARGATE_KEYS: { [arch in CpuArchitecture]: { vcpu: string; gb: string } } = {
  X86_64: { vcpu: 'fargateX86VcpuHour', gb: 'fargateX86GbHour' },
  ARM64: { vcpu: 'fargateArmVcpuHour', gb: 'fargateArmGbHour' },
};

export const KIND = {
  interfaceEndpoint: 'Interface VPC endpoint',
  gatewayEndpoint: 'Gateway VPC endpoint',
  natGateway: 'NAT gateway',
  publicIpv4: 'Public IPv4 address',
  alb: 'Application Load Balancer',
  nlb: 'Network Load Balancer',
  wafWebAcl: 'WAF web ACL',
  wafRule: 'WAF rule',
  fargateVcpu: 'Fargate vCPU',
  fargateMemory: 'Fargate memory',
  kmsKey: 'KMS key',
  secret: 'Secrets Manager secret',
  dashboard: 'CloudWatch dashboard',
  alarm: 'CloudWatch alarm metric',
  compositeAlarm: 'CloudWatch composite alarm',
  containerInsights: 'Container Insights metrics',
  ssmParameter: 'SSM parameter',
  cloudfront: 'CloudFront distribution',
  cognito: 'Cognito user pool',
  hostedZone: 'Route 53 hosted zone',
  s3Bucket: 'S3 bucket',
  dynamodbTable: 'DynamoDB table',
  backupVault: 'AWS Backup vault',
  httpApi: 'API Gateway API',
  notPriced: 'Not priced',
} as const;

/** Sum of the line items, in USD per month. */
export function totalOf(items: readonly LineItem[]): number {
  return items.reduce((sum, item) => sum + item.monthlyUsd, 0);
}

/** Line items of the resources of one template whose cost does not depend on traffic. */
export function estimateTemplate(template: Template, region: string, prices: PriceTable = PRICES): Estimate {
  const resources = template.Resources ?? {};
  const ctx = new Context(prices);
  const natEips = new Set<string>();

  for (const [id, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::EC2::VPCEndpoint':
        vpcEndpoint(ctx, id, props);
        break;
      case 'AWS::EC2::NatGateway':
        natGateway(ctx, id, props, natEips);
        break;
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        loadBalancer(ctx, id, props);
        break;
      case 'AWS::WAFv2::WebACL':
        webAcl(ctx, id, props);
        break;
      case 'AWS::ECS::Service':
        ecsService(ctx, id, props, resources);
        break;
      case 'AWS::ECS::Cluster':
        containerInsights(ctx, id, props, resources);
        break;
      case 'AWS::KMS::Key':
      case 'AWS::KMS::ReplicaKey':
        ctx.monthly(KIND.kmsKey, id, 1, 'kmsKeyMonth', 'key-months',
          props.EnableKeyRotation === true ? 'rotation on: each of the first two yearly rotations adds $1/month later (not counted)' : 'customer managed key');
        break;
      case 'AWS::SecretsManager::Secret':
        secret(ctx, id, props);
        break;
      case 'AWS::CloudWatch::Dashboard':
        ctx.monthly(KIND.dashboard, id, 1, 'cloudwatchDashboardMonth', 'dashboard-months', 'free tier of 3 dashboards not applied');
        break;
      case 'AWS::CloudWatch::Alarm':
        alarm(ctx, id, props);
        break;
      case 'AWS::CloudWatch::CompositeAlarm':
        ctx.monthly(KIND.compositeAlarm, id, 1, 'cloudwatchCompositeAlarmMonth', 'alarm-months', 'composite alarm');
        break;
      case 'AWS::SSM::Parameter':
        ctx.monthly(KIND.ssmParameter, id, 1, props.Tier === 'Advanced' ? 'ssmAdvancedParameterMonth' : 'ssmStandardParameterMonth',
          'parameter-months', props.Tier === 'Advanced' ? 'advanced tier' : 'standard tier');
        break;
      case 'AWS::CloudFront::Distribution':
        ctx.monthly(KIND.cloudfront, id, 1, 'cloudfrontDistributionMonth', 'distributions', 'pay as you go; 0 without requests');
        break;
      case 'AWS::Cognito::UserPool':
        ctx.monthly(KIND.cognito, id, 1, 'cognitoUserPoolMonth', 'user pools', 'billed per monthly active user; 0 without sign-ins');
        break;
      case 'AWS::Route53::HostedZone':
        ctx.monthly(KIND.hostedZone, id, 1, 'route53HostedZoneMonth', 'zone-months', 'hosted zone created by the template');
        break;
      case 'AWS::S3::Bucket':
        ctx.monthly(KIND.s3Bucket, id, 1, 's3BucketMonth', 'buckets', 'storage and requests only; 0 when empty');
        break;
      case 'AWS::DynamoDB::Table':
        dynamodbTable(ctx, id, props);
        break;
      case 'AWS::Backup::BackupVault':
        ctx.monthly(KIND.backupVault, id, 1, 'backupVaultMonth', 'vaults', 'recovery points billed per GB stored; 0 for empty tables');
        break;
      case 'AWS::ApiGatewayV2::Api':
        ctx.monthly(KIND.httpApi, id, 1, 'apiGatewayHttpApiMonth', 'APIs', `${text(props.ProtocolType ?? 'HTTP')} API; per request only`);
        break;
      default:
        break;
    }
  }

  // Elastic IPs that no NAT gateway uses are still public IPv4 addresses.
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::EC2::EIP' && !natEips.has(id)) {
      ctx.hourly(KIND.publicIpv4, id, 1, 'publicIpv4Hour', 'address-hours', 'Elastic IP not used by a NAT gateway of this template');
    }
  }

  return { region, items: ctx.items, totalUsd: totalOf(ctx.items) };
}

/**
 * Re-prices the Fargate lines at the rates of another CPU architecture (same vCPU-hours and
 * GB-hours). Other lines are returned unchanged.
 */
export function repriceFargate(items: readonly LineItem[], architecture: CpuArchitecture, prices: PriceTable = PRICES): LineItem[] {
  const keys = FARGATE_KEYS[architecture];
  return items.map((item) => {
    const key = item.kind === KIND.fargateVcpu ? keys.vcpu : item.kind === KIND.fargateMemory ? keys.gb : undefined;
    if (!key) {
      return item;
    }
    return {
      ...item,
      priceKey: key,
      monthlyUsd: item.quantity * price(prices, key),
      detail: item.detail.replace(/\b(X86_64|ARM64)\b/, architecture),
    };
  });
}

/** Re-prices every interface endpoint line as if the endpoint had a network interface in `azs` subnets only. */
export function repriceInterfaceEndpoints(items: readonly LineItem[], azs: number, prices: PriceTable = PRICES): LineItem[] {
  return items.map((item) => {
    if (item.kind !== KIND.interfaceEndpoint) {
      return item;
    }
    const quantity = item.count * azs * prices.hoursPerMonth;
    return {
      ...item,
      quantity,
      monthlyUsd: quantity * price(prices, item.priceKey),
      detail: `${item.detail.replace(/ in .*$/, '')} in ${azs} subnet(s) (what-if)`,
    };
  });
}

class Context {
  readonly items: LineItem[] = [];

  constructor(readonly prices: PriceTable) {}

  /** A charge per hour: quantity = count x hours per month. */
  hourly(kind: string, resource: string, count: number, priceKey: string, unit: string, detail: string, assumption?: string): void {
    this.add(kind, resource, count, count * this.prices.hoursPerMonth, priceKey, unit, detail, assumption);
  }

  /** A charge per month: quantity = count. */
  monthly(kind: string, resource: string, count: number, priceKey: string, unit: string, detail: string, assumption?: string): void {
    this.add(kind, resource, count, count, priceKey, unit, detail, assumption);
  }

  add(kind: string, resource: string, count: number, quantity: number, priceKey: string, unit: string, detail: string, assumption?: string): void {
    this.items.push({
      kind,
      resource,
      count,
      quantity,
      unit,
      monthlyUsd: quantity * price(this.prices, priceKey),
      detail: assumption ? `${detail} [assumption: ${assumption}]` : detail,
      priceKey,
      ...(assumption ? { assumption } : {}),
    });
  }
}

function price(prices: PriceTable, key: string): number {
  if (key === NOT_PRICED) {
    return 0;
  }
  const entry = prices.items[key];
  if (!entry || typeof entry.price !== 'number') {
    throw new Error(`No price '${key}' in the price table`);
  }
  return entry.price;
}

function vpcEndpoint(ctx: Context, id: string, props: any): void {
  const service = serviceName(props.ServiceName);
  // CloudFormation's default endpoint type is Gateway.
  const type = props.VpcEndpointType ?? 'Gateway';
  if (type === 'Gateway') {
    ctx.monthly(KIND.gatewayEndpoint, id, 1, 'vpcGatewayEndpoint', 'endpoints', `${service}; no charge`);
    return;
  }
  const notes: string[] = [];
  if (typeof type !== 'string') {
    notes.push(`VpcEndpointType is ${text(type)}; priced as an interface endpoint`);
  } else if (type !== 'Interface') {
    notes.push(`${type} endpoint priced as an interface endpoint`);
  }
  let azs = list(props.SubnetIds)?.length;
  if (azs === undefined) {
    azs = ASSUMED_AZS;
    notes.push(`SubnetIds is ${text(props.SubnetIds)}; ${ASSUMED_AZS} subnets assumed`);
  }
  const quantity = azs * ctx.prices.hoursPerMonth;
  ctx.add(KIND.interfaceEndpoint, id, 1, quantity, 'vpcInterfaceEndpointAzHour', 'endpoint-AZ-hours', `${service} in ${azs} subnet(s)`,
    notes.length ? notes.join('; ') : undefined);
}

function natGateway(ctx: Context, id: string, props: any, natEips: Set<string>): void {
  const privateNat = props.ConnectivityType === 'private';
  ctx.hourly(KIND.natGateway, id, 1, 'natGatewayHour', 'gateway-hours', privateNat ? 'private NAT gateway' : 'public NAT gateway');
  if (privateNat) {
    return;
  }
  const eip = referencedId(props.AllocationId);
  if (eip) {
    natEips.add(eip);
  }
  ctx.hourly(KIND.publicIpv4, id, 1, 'publicIpv4Hour', 'address-hours', `Elastic IP of NAT gateway ${id}`);
}

function loadBalancer(ctx: Context, id: string, props: any): void {
  const type = props.Type ?? 'application';
  if (type === 'application') {
    ctx.hourly(KIND.alb, id, 1, 'albHour', 'load-balancer-hours', 'hourly charge; 0 LCU assumed at idle');
  } else if (type === 'network') {
    ctx.hourly(KIND.nlb, id, 1, 'nlbHour', 'load-balancer-hours', 'hourly charge; 0 NLCU assumed at idle');
  } else {
    ctx.monthly(KIND.notPriced, id, 1, NOT_PRICED, 'resources', `load balancer of type ${text(type)} is not in the price table`,
      'priced at 0');
    return;
  }
  // CloudFormation's default scheme is internet-facing; each AZ node of such a balancer holds a public IPv4 address.
  const scheme = props.Scheme ?? 'internet-facing';
  if (scheme !== 'internet-facing' || props.IpAddressType === 'dualstack-without-public-ipv4') {
    return;
  }
  let azs = list(props.Subnets)?.length ?? list(props.SubnetMappings)?.length;
  let assumption: string | undefined;
  if (azs === undefined) {
    azs = ASSUMED_AZS;
    assumption = `Subnets is ${text(props.Subnets ?? props.SubnetMappings)}; ${ASSUMED_AZS} AZs assumed`;
  }
  ctx.hourly(KIND.publicIpv4, id, azs, 'publicIpv4Hour', 'address-hours', `one per AZ of internet-facing ${type} load balancer ${id}`, assumption);
}

function webAcl(ctx: Context, id: string, props: any): void {
  ctx.monthly(KIND.wafWebAcl, id, 1, 'wafWebAclMonth', 'web-ACL-months', `${text(props.Scope ?? '?')} scope; 0 requests at idle`);
  const rules = list(props.Rules);
  if (rules === undefined) {
    ctx.monthly(KIND.wafRule, id, 0, 'wafRuleMonth', 'rule-months', 'rules unknown', `Rules is ${text(props.Rules)}; 0 rules assumed`);
    return;
  }
  const names = rules.map((rule: any) => typeof rule?.Name === 'string' ? rule.Name : '?');
  ctx.monthly(KIND.wafRule, id, rules.length, 'wafRuleMonth', 'rule-months', names.length ? names.join(', ') : 'no rules');
}

function ecsService(ctx: Context, id: string, props: any, resources: NonNullable<Template['Resources']>): void {
  const notes: string[] = [];
  const providers = (list(props.CapacityProviderStrategy) ?? []).map((p: any) => p?.CapacityProvider);
  if (props.LaunchType === 'EC2' || props.LaunchType === 'EXTERNAL' || providers.some((p: any) => p !== 'FARGATE' && p !== 'FARGATE_SPOT')) {
    ctx.monthly(KIND.notPriced, id, 1, NOT_PRICED, 'services', 'ECS service not on Fargate: its instances are not priced', 'priced at 0');
    return;
  }
  if (providers.includes('FARGATE_SPOT')) {
    notes.push('FARGATE_SPOT capacity priced at on-demand rates');
  }

  const taskId = referencedId(props.TaskDefinition);
  const task = taskId ? resources[taskId] : undefined;
  const taskProps = task?.Type === 'AWS::ECS::TaskDefinition' ? task.Properties ?? {} : undefined;
  if (!taskProps) {
    notes.push(`TaskDefinition ${text(props.TaskDefinition)} is not in this template`);
  }

  let vcpu = parseCpu(taskProps?.Cpu);
  if (vcpu === undefined) {
    vcpu = 0.25;
    notes.push(`task Cpu is ${text(taskProps?.Cpu)}; 256 units (0.25 vCPU) assumed`);
  }
  let gb = parseMemory(taskProps?.Memory);
  if (gb === undefined) {
    gb = 0.5;
    notes.push(`task Memory is ${text(taskProps?.Memory)}; 512 MiB assumed`);
  }

  const declaredArch = taskProps?.RuntimePlatform?.CpuArchitecture;
  let arch: CpuArchitecture = 'X86_64';
  if (declaredArch === 'ARM64') {
    arch = 'ARM64';
  } else if (declaredArch !== undefined && declaredArch !== 'X86_64') {
    notes.push(`CpuArchitecture is ${text(declaredArch)}; X86_64 assumed`);
  }
  const os = taskProps?.RuntimePlatform?.OperatingSystemFamily;
  if (typeof os === 'string' && os !== 'LINUX') {
    notes.push(`${os} priced at Linux rates (Windows adds a license fee)`);
  }

  let tasks: number;
  let taskSource: string;
  const desired = num(props.DesiredCount);
  if (desired !== undefined) {
    tasks = desired;
    taskSource = `DesiredCount ${desired}`;
  } else {
    tasks = 1;
    taskSource = '1 task';
    notes.push(props.DesiredCount === undefined ? 'DesiredCount not set; ECS starts 1 task' : `DesiredCount is ${text(props.DesiredCount)}; 1 task assumed`);
  }
  // At idle, target-tracking scaling settles at the scalable target's minimum capacity.
  const minCapacity = scalingMinimum(id, resources);
  if (minCapacity !== undefined && minCapacity !== tasks) {
    taskSource = `autoscaling minimum ${minCapacity} (${taskSource})`;
    tasks = minCapacity;
  }

  const assumption = notes.length ? notes.join('; ') : undefined;
  const keys = FARGATE_KEYS[arch];
  const shape = `${vcpu} vCPU, ${gb} GB, ${arch}, ${tasks} task(s) from ${taskSource}`;
  ctx.add(KIND.fargateVcpu, id, tasks, vcpu * tasks * ctx.prices.hoursPerMonth, keys.vcpu, 'vCPU-hours', shape, assumption);
  ctx.add(KIND.fargateMemory, id, tasks, gb * tasks * ctx.prices.hoursPerMonth, keys.gb, 'GB-hours', shape);

  if (props.NetworkConfiguration?.AwsvpcConfiguration?.AssignPublicIp === 'ENABLED') {
    ctx.hourly(KIND.publicIpv4, id, tasks, 'publicIpv4Hour', 'address-hours', `public IP of each task of ${id}`);
  }
}

/**
 * The metrics standard Container Insights publishes in the ECS/ContainerInsights namespace for a
 * cluster whose tasks run on Fargate, grouped by the dimension sets they are published with. From
 * the CloudWatch user guide, "Amazon ECS Container Insights metrics":
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html
 * Each metric name with one dimension set is one metric series, billed as one custom metric.
 */
export const CONTAINER_INSIGHTS_METRICS = {
  /** Published with each of ClusterName; ClusterName+ServiceName; ClusterName+TaskDefinitionFamily. */
  everyLevel: [
    'CpuUtilized', 'CpuReserved', 'MemoryUtilized', 'MemoryReserved', 'NetworkRxBytes', 'NetworkTxBytes',
    'StorageReadBytes', 'StorageWriteBytes', 'EphemeralStorageReserved', 'EphemeralStorageUtilized',
  ],
  /** ClusterName only. */
  clusterOnly: ['ServiceCount', 'TaskCount'],
  /** ClusterName+ServiceName only. */
  serviceOnly: ['DeploymentCount', 'DesiredTaskCount', 'PendingTaskCount', 'RunningTaskCount', 'TaskSetCount'],
  /** Like everyLevel, but only for containers that have a restart policy enabled. */
  withRestartPolicy: ['RestartCount'],
  /**
   * Not published for Fargate tasks without EBS volumes: ContainerInstanceCount (EC2 container
   * instances), EBSFilesystemSize and EBSFilesystemUtilized (EBS volumes), InstanceOSFilesystemUtilization
   * and InstanceDataFilesystemUtilization (EC2 and Managed Instances), instance_* (CloudWatch agent on EC2).
   */
  notCounted: [
    'ContainerInstanceCount', 'EBSFilesystemSize', 'EBSFilesystemUtilized', 'InstanceOSFilesystemUtilization',
    'InstanceDataFilesystemUtilization',
  ],
} as const;

/** Number of Container Insights metric series of one cluster, and how it is made up. */
export interface ContainerInsightsSeries {
  readonly total: number;
  readonly services: number;
  readonly families: number;
  readonly detail: string;
}

/**
 * Metric series of a cluster with `services` services and `families` task definition families, of
 * which `restartServices` services and `restartFamilies` families run a container with a restart policy.
 */
export function containerInsightsSeries(services: number, families: number, restartServices = 0, restartFamilies = 0): ContainerInsightsSeries {
  const m = CONTAINER_INSIGHTS_METRICS;
  const restart = restartServices + restartFamilies > 0 ? m.withRestartPolicy.length : 0;
  const cluster = m.everyLevel.length + m.clusterOnly.length + restart;
  const perService = m.everyLevel.length + m.serviceOnly.length;
  const perFamily = m.everyLevel.length;
  const total = cluster + perService * services + perFamily * families + m.withRestartPolicy.length * (restartServices + restartFamilies);
  const restartText = restart ? ` + ${restartServices + restartFamilies} RestartCount (restart policy)` : '';
  return {
    total,
    services,
    families,
    detail: `${total} metric series = ${cluster} cluster + ${perService} x ${services} service(s) + ${perFamily} x ${families} task definition family(ies)${restartText}`,
  };
}

function containerInsights(ctx: Context, id: string, props: any, resources: NonNullable<Template['Resources']>): void {
  const setting = (list(props.ClusterSettings) ?? []).find((s: any) => s?.Name === 'containerInsights') as any;
  const value = setting?.Value;
  if (value === undefined || value === 'disabled') {
    return;
  }
  const notes: string[] = [];
  if (value === 'enhanced') {
    notes.push('enhanced observability is billed per observation and adds task- and container-level metrics; '
      + 'only the standard metric series are priced (a lower bound)');
  } else if (value !== 'enabled') {
    notes.push(`containerInsights is ${text(value)}; priced as enabled`);
  }

  const services = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::ECS::Service' && referencedId(r.Properties?.Cluster) === id);
  const families = new Set<string>();
  const restartFamilies = new Set<string>();
  let restartServices = 0;
  for (const [serviceId, service] of services) {
    const serviceProps = service.Properties ?? {};
    const taskId = referencedId(serviceProps.TaskDefinition);
    const task = taskId ? resources[taskId] : undefined;
    let family: string;
    let restart = false;
    if (task?.Type === 'AWS::ECS::TaskDefinition') {
      // Without Family, CloudFormation names one family per task definition resource.
      family = typeof task.Properties?.Family === 'string' ? task.Properties.Family : `(${taskId})`;
      restart = (list(task.Properties?.ContainerDefinitions) ?? []).some((c: any) => c?.RestartPolicy?.Enabled === true);
    } else {
      const arn = typeof serviceProps.TaskDefinition === 'string' ? /task-definition\/([^:]+)/.exec(serviceProps.TaskDefinition) : null;
      family = arn ? arn[1] : `(${serviceId})`;
      notes.push(`task definition of ${serviceId} is not in this template; one family and no restart policy assumed`);
    }
    families.add(family);
    if (restart) {
      restartServices++;
      restartFamilies.add(family);
    }
    const providers = (list(serviceProps.CapacityProviderStrategy) ?? []).map((p: any) => p?.CapacityProvider);
    if (serviceProps.LaunchType === 'EC2' || serviceProps.LaunchType === 'EXTERNAL' || providers.some((p: any) => p !== 'FARGATE' && p !== 'FARGATE_SPOT')) {
      notes.push(`${serviceId} is not on Fargate: container-instance metrics are not counted`);
    }
    const platform = serviceProps.PlatformVersion;
    if (typeof platform === 'string' && /^1\.[0-3]\./.test(platform)) {
      notes.push(`${serviceId} runs platform version ${platform}: its ephemeral storage metrics (1.4.0 or later) are counted anyway`);
    }
  }
  const series = containerInsightsSeries(services.length, families.size, restartServices, restartFamilies.size);
  ctx.monthly(KIND.containerInsights, id, series.total, 'cloudwatchCustomMetricMonth', 'metric-months',
    `${value === 'enhanced' ? 'enhanced (priced as standard)' : 'standard'}: ${series.detail}; free tier not applied`,
    notes.length ? notes.join('; ') : undefined);
}

/** MinCapacity of an ECS scalable target whose ResourceId mentions the service, when it is a number. */
function scalingMinimum(serviceId: string, resources: NonNullable<Template['Resources']>): number | undefined {
  for (const resource of Object.values(resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::ApplicationAutoScaling::ScalableTarget'
      && props.ScalableDimension === 'ecs:service:DesiredCount'
      && JSON.stringify(props.ResourceId ?? '').includes(`"${serviceId}"`)) {
      return num(props.MinCapacity);
    }
  }
  return undefined;
}

function secret(ctx: Context, id: string, props: any): void {
  if (props.ReplicaRegions === undefined) {
    ctx.monthly(KIND.secret, id, 1, 'secretMonth', 'secret-months', 'no replica');
    return;
  }
  const replicas = list(props.ReplicaRegions);
  if (replicas === undefined) {
    ctx.monthly(KIND.secret, id, 1, 'secretMonth', 'secret-months', 'replicas unknown', `ReplicaRegions is ${text(props.ReplicaRegions)}; no replica assumed`);
    return;
  }
  const regions = replicas.map((r: any) => text(r?.Region ?? r)).join(', ');
  ctx.monthly(KIND.secret, id, 1 + replicas.length, 'secretMonth', 'secret-months',
    replicas.length ? `primary + ${replicas.length} replica(s) (${regions})` : 'no replica');
}

function alarm(ctx: Context, id: string, props: any): void {
  const metrics = list(props.Metrics);
  let count = 1;
  let periods: unknown[] = [props.Period];
  let detail = 'one metric';
  if (metrics !== undefined) {
    const stats = metrics.filter((m: any) => m?.MetricStat !== undefined);
    count = Math.max(1, stats.length);
    periods = stats.map((m: any) => m.MetricStat.Period);
    detail = `metric math over ${stats.length} metric(s)`;
  }
  const highResolution = periods.some((p) => {
    const seconds = num(p);
    return seconds !== undefined && seconds < 60;
  });
  ctx.monthly(KIND.alarm, id, count, highResolution ? 'cloudwatchAlarmHighResolutionMetricMonth' : 'cloudwatchAlarmMetricMonth', 'alarm-metric-months',
    `${detail}, ${highResolution ? 'high' : 'standard'} resolution; free tier not applied`);
}

function dynamodbTable(ctx: Context, id: string, props: any): void {
  const pitr = props.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled === true ? ', point-in-time recovery per GB stored' : '';
  if (props.BillingMode === 'PAY_PER_REQUEST') {
    ctx.monthly(KIND.dynamodbTable, id, 1, 'dynamodbOnDemandTableMonth', 'tables', `on demand; requests and storage only${pitr}`);
  } else {
    ctx.monthly(KIND.dynamodbTable, id, 1, 'dynamodbOnDemandTableMonth', 'tables', 'provisioned capacity',
      `BillingMode is ${text(props.BillingMode ?? 'PROVISIONED (default)')}; provisioned capacity not priced`);
  }
}

/** A number, or a string holding only a number; anything else (tokens) is undefined. */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) {
    return Number(value);
  }
  return undefined;
}

/** Task CPU in vCPU: '512' (CPU units) or '0.5 vCPU'; undefined for tokens. */
export function parseCpu(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*vcpu\s*$/i.exec(value) : null;
  if (match) {
    return Number(match[1]);
  }
  const units = num(value);
  return units === undefined ? undefined : units / 1024;
}

/** Task memory in GB: '1024' (MiB) or '1 GB'; undefined for tokens. */
export function parseMemory(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*gb\s*$/i.exec(value) : null;
  if (match) {
    return Number(match[1]);
  }
  const mib = num(value);
  return mib === undefined ? undefined : mib / 1024;
}

function list(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** Logical id of `{ Ref: id }` or `{ 'Fn::GetAtt': [id, attr] }`. */
function referencedId(value: any): string | undefined {
  if (typeof value?.Ref === 'string') {
    return value.Ref;
  }
  const getAtt = value?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
    return getAtt[0];
  }
  if (typeof getAtt === 'string') {
    return getAtt.split('.')[0];
  }
  return undefined;
}

/** Short label of a template value for `detail`: strings as they are, tokens as compact JSON. */
function text(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') {
    return String(value);
  }
  if (value === undefined) {
    return 'not set';
  }
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** 'bedrock-runtime' from 'com.amazonaws.eu-west-1.bedrock-runtime' or its Fn::Join form. */
function serviceName(value: unknown): string {
  let name: string;
  const join = (value as any)?.['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) {
    name = join[1].map((part: unknown) => typeof part === 'string' ? part : '*').join(typeof join[0] === 'string' ? join[0] : '');
  } else {
    name = text(value);
  }
  return name.replace(/^com\.amazonaws\.[^.]+\./, '');
}
