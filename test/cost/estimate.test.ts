import {
  KIND, LineItem, PRICES, Template, estimateTemplate, parseCpu, parseMemory, repriceFargate, repriceInterfaceEndpoints, totalOf,
} from '../../scripts/cost/estimate';
import { exampleAssembly } from '../support/example-assemblies';

const P = (key: string): number => PRICES.items[key].price;

function sumOf(items: LineItem[], kind: string): number {
  return totalOf(items.filter((i) => i.kind === kind));
}

const subnets = (n: number) => Array.from({ length: n }, (_, i) => ({ Ref: `Subnet${i + 1}` }));

describe('price table', () => {
  test('holds the list prices the estimate is built on, each with unit, region, source and date', () => {
    expect(PRICES.hoursPerMonth).toBe(730);
    expect(P('vpcInterfaceEndpointAzHour')).toBe(0.01);
    expect(P('natGatewayHour')).toBe(0.045);
    expect(P('publicIpv4Hour')).toBe(0.005);
    expect(P('albHour')).toBe(0.0225);
    expect(P('fargateX86VcpuHour')).toBe(0.04048);
    expect(P('fargateX86GbHour')).toBe(0.004445);
    expect(P('fargateArmVcpuHour')).toBe(0.03238);
    expect(P('fargateArmGbHour')).toBe(0.00356);
    expect(P('cloudwatchCustomMetricMonth')).toBe(0.3);
    for (const [key, entry] of Object.entries(PRICES.items)) {
      expect({ key, unit: typeof entry.unit, region: typeof entry.region }).toEqual({ key, unit: 'string', region: 'string' });
      // The date each price was recorded: the table's date or a later one.
      expect(entry.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(entry.date >= PRICES.date).toBe(true);
      expect(entry.source).toMatch(/^https:\/\/aws\.amazon\.com\/.+\/pricing\//);
    }
  });
});

describe('estimateTemplate', () => {
  test('interface endpoints are billed per subnet (AZ) they are placed in; gateway endpoints are free', () => {
    const template: Template = {
      Resources: {
        Bedrock: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.us-east-1.bedrock-runtime', SubnetIds: subnets(2) } },
        Logs: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.us-east-1.logs', SubnetIds: subnets(2) } },
        S3: { Type: 'AWS::EC2::VPCEndpoint', Properties: { ServiceName: 'com.amazonaws.us-east-1.s3', RouteTableIds: [] } },
      },
    };
    const estimate = estimateTemplate(template, 'us-east-1');
    // 2 endpoints x 2 AZs x $0.01 x 730 h
    expect(sumOf(estimate.items, KIND.interfaceEndpoint)).toBeCloseTo(29.2, 2);
    expect(estimate.totalUsd).toBeCloseTo(29.2, 2);
    expect(estimate.items.find((i) => i.resource === 'S3')).toMatchObject({ kind: KIND.gatewayEndpoint, monthlyUsd: 0 });
    expect(estimate.items.find((i) => i.resource === 'Bedrock')?.detail).toBe('bedrock-runtime in 2 subnet(s)');

    const oneAz = repriceInterfaceEndpoints(estimate.items, 1);
    expect(totalOf(oneAz)).toBeCloseTo(14.6, 2);
  });

  test('a NAT gateway costs its hours plus the public IPv4 address of its Elastic IP, counted once', () => {
    const template: Template = {
      Resources: {
        Eip: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } },
        Nat: { Type: 'AWS::EC2::NatGateway', Properties: { AllocationId: { 'Fn::GetAtt': ['Eip', 'AllocationId'] }, SubnetId: { Ref: 'Subnet1' } } },
        Spare: { Type: 'AWS::EC2::EIP', Properties: { Domain: 'vpc' } },
      },
    };
    const { items, totalUsd } = estimateTemplate(template, 'us-east-1');
    expect(sumOf(items, KIND.natGateway)).toBeCloseTo(32.85, 2); // 0.045 x 730
    expect(items.filter((i) => i.kind === KIND.publicIpv4).map((i) => i.resource)).toEqual(['Nat', 'Spare']);
    expect(sumOf(items, KIND.publicIpv4)).toBeCloseTo(7.3, 2); // 2 x 0.005 x 730
    expect(totalUsd).toBeCloseTo(40.15, 2);
  });

  test('an internet-facing ALB in 2 subnets costs its hours plus one public IPv4 per AZ; an internal NLB has no public address', () => {
    const template: Template = {
      Resources: {
        Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application', Scheme: 'internet-facing', Subnets: subnets(2) } },
        Nlb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network', Scheme: 'internal', Subnets: subnets(3) } },
      },
    };
    const { items, totalUsd } = estimateTemplate(template, 'us-east-1');
    expect(sumOf(items, KIND.alb)).toBeCloseTo(16.43, 2); // 0.0225 x 730 = 16.425
    expect(sumOf(items, KIND.publicIpv4)).toBeCloseTo(7.3, 2); // 2 x 0.005 x 730
    expect(items.find((i) => i.kind === KIND.publicIpv4)?.count).toBe(2);
    expect(sumOf(items, KIND.nlb)).toBeCloseTo(16.43, 2);
    expect(totalUsd).toBeCloseTo(16.425 + 7.3 + 16.425, 2);
  });

  describe('Fargate', () => {
    const service = (desiredCount: unknown, architecture?: string): Template => ({
      Resources: {
        Task: {
          Type: 'AWS::ECS::TaskDefinition',
          Properties: { Cpu: '512', Memory: '1024', ...(architecture ? { RuntimePlatform: { CpuArchitecture: architecture, OperatingSystemFamily: 'LINUX' } } : {}) },
        },
        Service: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'FARGATE', TaskDefinition: { Ref: 'Task' }, DesiredCount: desiredCount } },
      },
    });
    // 0.5 vCPU and 1 GB per task, 2 tasks, 730 h
    const x86 = 0.5 * 0.04048 * 730 * 2 + 1 * 0.004445 * 730 * 2; // 29.5504 + 6.4897 = 36.0401
    const arm = 0.5 * 0.03238 * 730 * 2 + 1 * 0.00356 * 730 * 2; // 23.6374 + 5.1976 = 28.835

    test('512 CPU units / 1024 MiB x 2 tasks on x86_64 (the default architecture)', () => {
      const { items, totalUsd } = estimateTemplate(service(2), 'us-east-1');
      expect(totalUsd).toBeCloseTo(x86, 2);
      expect(totalUsd).toBeCloseTo(36.04, 2);
      expect(sumOf(items, KIND.fargateVcpu)).toBeCloseTo(29.55, 2);
      expect(sumOf(items, KIND.fargateMemory)).toBeCloseTo(6.49, 2);
      expect(items.find((i) => i.kind === KIND.fargateVcpu)).toMatchObject({ quantity: 730, unit: 'vCPU-hours', count: 2 });
      expect(items.every((i) => i.assumption === undefined)).toBe(true);
    });

    test('the same on ARM64, declared or re-priced, costs the ARM rates', () => {
      const declared = estimateTemplate(service(2, 'ARM64'), 'us-east-1');
      expect(declared.totalUsd).toBeCloseTo(arm, 2);
      expect(declared.totalUsd).toBeCloseTo(28.84, 2);

      const repriced = repriceFargate(estimateTemplate(service(2, 'X86_64'), 'us-east-1').items, 'ARM64');
      expect(totalOf(repriced)).toBeCloseTo(28.84, 2);
      expect(repriced[0].detail).toContain('ARM64');
      expect(totalOf(repriceFargate(declared.items, 'X86_64'))).toBeCloseTo(36.04, 2);
    });

    test('a token DesiredCount does not crash: 1 task is assumed and labelled', () => {
      const { items, totalUsd } = estimateTemplate(service({ Ref: 'TaskCount' }), 'us-east-1');
      expect(totalUsd).toBeCloseTo(x86 / 2, 2);
      const vcpu = items.find((i) => i.kind === KIND.fargateVcpu)!;
      expect(vcpu.assumption).toBe('DesiredCount is {"Ref":"TaskCount"}; 1 task assumed');
      expect(vcpu.detail).toContain('[assumption: DesiredCount is {"Ref":"TaskCount"}; 1 task assumed]');
    });

    test('token CPU, memory and task definition fall back to the Fargate minimum, labelled', () => {
      const template: Template = {
        Resources: {
          Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: { 'Fn::If': ['Big', '1024', '256'] }, Memory: { Ref: 'Memory' } } },
          Service: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'Task' }, DesiredCount: 1 } },
          Other: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: 'arn:aws:ecs:us-east-1:111122223333:task-definition/x:1', DesiredCount: '3' } },
        },
      };
      const { items, totalUsd } = estimateTemplate(template, 'us-east-1');
      const perTask = 0.25 * 0.04048 * 730 + 0.5 * 0.004445 * 730;
      expect(totalUsd).toBeCloseTo(4 * perTask, 2);
      expect(items.find((i) => i.resource === 'Service' && i.kind === KIND.fargateVcpu)?.assumption).toMatch(/Cpu is .*0\.25 vCPU.*Memory is .*512 MiB/);
      expect(items.find((i) => i.resource === 'Other' && i.kind === KIND.fargateVcpu)?.assumption).toMatch(/not in this template/);
    });

    test('at idle, an autoscaling minimum replaces DesiredCount', () => {
      const template = service(4);
      const scaled: Template = {
        Resources: {
          ...template.Resources,
          Target: {
            Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
            Properties: {
              MinCapacity: 2,
              MaxCapacity: 6,
              ScalableDimension: 'ecs:service:DesiredCount',
              ResourceId: { 'Fn::Join': ['', ['service/', { Ref: 'Cluster' }, '/', { 'Fn::GetAtt': ['Service', 'Name'] }]] },
            },
          },
        },
      };
      expect(estimateTemplate(scaled, 'us-east-1').totalUsd).toBeCloseTo(x86, 2);
    });
  });

  test('a WAF web ACL with 4 rules costs $5 + 4 x $1 per month', () => {
    const rule = (name: string) => ({ Name: name, Priority: 0, Statement: {}, VisibilityConfig: {} });
    const template: Template = {
      Resources: {
        Acl: { Type: 'AWS::WAFv2::WebACL', Properties: { Scope: 'CLOUDFRONT', Rules: ['Rate', 'IpReputation', 'Common', 'BadInputs'].map(rule) } },
      },
    };
    const { items, totalUsd } = estimateTemplate(template, 'us-east-1');
    expect(totalUsd).toBeCloseTo(9, 2);
    expect(items.find((i) => i.kind === KIND.wafRule)).toMatchObject({ count: 4, monthlyUsd: 4 });
  });

  test('a secret with one replica is billed as two secrets', () => {
    const template: Template = {
      Resources: {
        Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { ReplicaRegions: [{ Region: 'us-east-1' }] } },
        Plain: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      },
    };
    const { items, totalUsd } = estimateTemplate(template, 'eu-west-1');
    expect(items.find((i) => i.resource === 'Secret')?.monthlyUsd).toBeCloseTo(0.8, 2);
    expect(totalUsd).toBeCloseTo(1.2, 2);
  });

  test('monthly items: KMS keys, dashboard, alarms per metric; zero lines for CloudFront, Cognito, S3 and on-demand DynamoDB', () => {
    const template: Template = {
      Resources: {
        Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
        Key2: { Type: 'AWS::KMS::Key' },
        Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: {} },
        Simple: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'CPU', Period: 60 } },
        MathAlarm: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: { Metrics: [{ Id: 'e', Expression: 'a / b' }, { Id: 'a', MetricStat: { Period: 300 } }, { Id: 'b', MetricStat: { Period: 300 } }] },
        },
        Distribution: { Type: 'AWS::CloudFront::Distribution', Properties: {} },
        Pool: { Type: 'AWS::Cognito::UserPool', Properties: {} },
        Bucket: { Type: 'AWS::S3::Bucket' },
        Table: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } } },
        Vault: { Type: 'AWS::Backup::BackupVault', Properties: {} },
        Param: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'x' } },
      },
    };
    const { items, totalUsd } = estimateTemplate(template, 'us-east-1');
    expect(sumOf(items, KIND.kmsKey)).toBeCloseTo(2, 2);
    expect(sumOf(items, KIND.dashboard)).toBeCloseTo(3, 2);
    expect(sumOf(items, KIND.alarm)).toBeCloseTo(0.3, 2);
    expect(totalUsd).toBeCloseTo(5.3, 2);
    for (const kind of [KIND.cloudfront, KIND.cognito, KIND.s3Bucket, KIND.dynamodbTable, KIND.backupVault, KIND.ssmParameter]) {
      expect(items.filter((i) => i.kind === kind).map((i) => i.monthlyUsd)).toEqual([0]);
    }
    expect(items.find((i) => i.kind === KIND.dynamodbTable)!.detail).toMatch(/point-in-time recovery per GB stored/);
  });

  test('token-valued lists do not crash and are labelled', () => {
    const template: Template = {
      Resources: {
        Endpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', ServiceName: 'x', SubnetIds: { Ref: 'SubnetList' } } },
        Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Subnets: { 'Fn::Split': [',', { Ref: 'Subnets' }] } } },
        Acl: { Type: 'AWS::WAFv2::WebACL', Properties: { Scope: 'REGIONAL', Rules: { 'Fn::If': ['C', [], []] } } },
        Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { ReplicaRegions: { Ref: 'Replicas' } } },
      },
    };
    const { items, totalUsd } = estimateTemplate(template, 'us-east-1');
    // endpoint 2 AZs assumed 14.6 + ALB 16.425 + 2 public IPv4 7.3 + ACL 5 + 0 rules + 1 secret 0.40
    expect(totalUsd).toBeCloseTo(14.6 + 16.425 + 7.3 + 5 + 0.4, 2);
    expect(items.filter((i) => i.assumption).map((i) => i.resource).sort()).toEqual(['Acl', 'Alb', 'Endpoint', 'Secret']);
  });

  describe('Container Insights', () => {
    /*
     * Metric series of standard Container Insights for an ECS cluster on Fargate, from the table in
     * the CloudWatch user guide, "Amazon ECS Container Insights metrics"
     * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html):
     * - 10 metrics with each of the dimension sets ClusterName; ClusterName+ServiceName;
     *   ClusterName+TaskDefinitionFamily: CpuUtilized, CpuReserved, MemoryUtilized, MemoryReserved,
     *   NetworkRxBytes, NetworkTxBytes, StorageReadBytes, StorageWriteBytes, EphemeralStorageReserved,
     *   EphemeralStorageUtilized (Fargate platform 1.4.0 or later);
     * - 2 with ClusterName only: ServiceCount, TaskCount;
     * - 5 with ClusterName+ServiceName only: DeploymentCount, DesiredTaskCount, PendingTaskCount,
     *   RunningTaskCount, TaskSetCount;
     * - RestartCount at the three levels, only for containers with a restart policy.
     * Not published for Fargate tasks without EBS volumes: ContainerInstanceCount (EC2 instances),
     * EBSFilesystemSize/Utilized (EBS volumes), Instance*FilesystemUtilization (EC2, Managed Instances).
     */
    const CLUSTER = 10 + 2;
    const PER_SERVICE = 10 + 5;
    const PER_FAMILY = 10;

    const task = (family?: string, restart = false) => ({
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Cpu: '256',
        Memory: '512',
        ...(family ? { Family: family } : {}),
        ContainerDefinitions: [{ Name: 'app', ...(restart ? { RestartPolicy: { Enabled: true } } : {}) }],
      },
    });
    const service = (taskId: string, cluster: unknown = { Ref: 'Cluster' }) => ({
      Type: 'AWS::ECS::Service',
      Properties: { LaunchType: 'FARGATE', Cluster: cluster, TaskDefinition: { Ref: taskId }, DesiredCount: 1 },
    });
    const cluster = (settings?: unknown) => ({ Type: 'AWS::ECS::Cluster', Properties: settings === undefined ? {} : { ClusterSettings: settings } });
    const enabled = [{ Name: 'containerInsights', Value: 'enabled' }];
    const insights = (template: Template) => estimateTemplate(template, 'us-east-1').items.filter((i) => i.kind === KIND.containerInsights);

    test('a cluster with one service of one task definition family publishes 37 metric series, each a custom metric', () => {
      const lines = insights({ Resources: { Cluster: cluster(enabled), Task: task(), Service: service('Task') } });
      expect(lines).toHaveLength(1);
      // 12 cluster + 15 for the service + 10 for its family
      expect(CLUSTER + PER_SERVICE + PER_FAMILY).toBe(37);
      expect(lines[0]).toMatchObject({ resource: 'Cluster', count: 37, quantity: 37, unit: 'metric-months', priceKey: 'cloudwatchCustomMetricMonth' });
      expect(lines[0].monthlyUsd).toBeCloseTo(37 * 0.3, 6); // 11.10 USD a month
      expect(lines[0].assumption).toBeUndefined();
      expect(lines[0].detail).toContain('37 metric series = 12 cluster + 15 x 1 service(s) + 10 x 1 task definition family(ies)');
    });

    test('two services in one cluster count the service-level set twice; a shared family counts once', () => {
      const twoFamilies = insights({ Resources: { Cluster: cluster(enabled), A: task('a'), B: task('b'), SA: service('A'), SB: service('B') } });
      expect(twoFamilies[0].count).toBe(CLUSTER + 2 * PER_SERVICE + 2 * PER_FAMILY); // 62
      const oneFamily = insights({ Resources: { Cluster: cluster(enabled), A: task('same'), B: task('same'), SA: service('A'), SB: service('B') } });
      expect(oneFamily[0].count).toBe(CLUSTER + 2 * PER_SERVICE + PER_FAMILY); // 52
    });

    test('a service of another cluster is not counted in this one; each enabled cluster is priced', () => {
      const lines = insights({
        Resources: {
          Cluster: cluster(enabled),
          Other: cluster(enabled),
          Task: task(),
          Mine: service('Task'),
          Theirs: service('Task', { 'Fn::GetAtt': ['Other', 'Arn'] }),
        },
      });
      expect(lines.map((i) => [i.resource, i.count])).toEqual([['Cluster', 37], ['Other', 37]]);
    });

    test('a container with a restart policy adds RestartCount at the cluster, service and family levels', () => {
      const lines = insights({ Resources: { Cluster: cluster(enabled), Task: task(undefined, true), Service: service('Task') } });
      expect(lines[0].count).toBe(CLUSTER + PER_SERVICE + PER_FAMILY + 3);
    });

    test('disabled or absent setting: no metric line', () => {
      for (const settings of [undefined, [], [{ Name: 'containerInsights', Value: 'disabled' }]]) {
        expect(insights({ Resources: { Cluster: cluster(settings), Task: task(), Service: service('Task') } })).toEqual([]);
      }
    });

    test('enhanced observability is priced as standard, and the line says so', () => {
      const lines = insights({ Resources: { Cluster: cluster([{ Name: 'containerInsights', Value: 'enhanced' }]), Task: task(), Service: service('Task') } });
      expect(lines[0].count).toBe(37);
      expect(lines[0].detail).toMatch(/^enhanced \(priced as standard\)/);
      expect(lines[0].assumption).toMatch(/lower bound/);
    });

    test('a cluster without services still publishes its cluster-level series', () => {
      expect(insights({ Resources: { Cluster: cluster(enabled) } })[0].count).toBe(CLUSTER);
    });
  });

  test('an empty or resource-less template costs 0', () => {
    expect(estimateTemplate({}, 'us-east-1')).toEqual({ region: 'us-east-1', items: [], totalUsd: 0 });
  });
});

describe('parsers', () => {
  test('CPU units and memory MiB, or vCPU / GB strings; tokens are undefined', () => {
    expect(parseCpu('512')).toBe(0.5);
    expect(parseCpu(2048)).toBe(2);
    expect(parseCpu('1 vCPU')).toBe(1);
    expect(parseCpu({ Ref: 'Cpu' })).toBeUndefined();
    expect(parseMemory('1024')).toBe(1);
    expect(parseMemory('2 GB')).toBe(2);
    expect(parseMemory(undefined)).toBeUndefined();
  });
});

describe('the private origin next to the public-origin default (examples)', () => {
  const idle = (name: string) => {
    const items: LineItem[] = [];
    for (const stack of exampleAssembly(name).stacks) {
      items.push(...estimateTemplate(stack.template, stack.region).items);
    }
    return items;
  };
  const privateOrigin = idle('private-origin');
  const publicOrigin = idle('basic');

  test('each example prices Container Insights on its one cluster: one service of one family', () => {
    for (const items of [privateOrigin, publicOrigin]) {
      expect(items.filter((i) => i.kind === KIND.containerInsights).map((i) => i.count)).toEqual([12 + 15 + 10]);
    }
  });

  test('the private origin pays a NAT gateway and its address, and no public address for the load balancer', () => {
    expect(privateOrigin.filter((i) => i.kind === KIND.natGateway)).toHaveLength(1);
    expect(publicOrigin.filter((i) => i.kind === KIND.natGateway)).toHaveLength(0);
    expect(privateOrigin.filter((i) => i.kind === KIND.publicIpv4).map((i) => i.detail)).toEqual([expect.stringMatching(/^Elastic IP of NAT gateway/)]);
    expect(publicOrigin.filter((i) => i.kind === KIND.publicIpv4).map((i) => i.quantity)).toEqual([2 * 730]);
    expect(privateOrigin.filter((i) => i.kind === KIND.secret)).toEqual([]);
  });

  test('the difference is the NAT gateway and its address, less the load balancer\'s two addresses, the secret and its replica, and the rotation alarm', () => {
    // The one alarm only the public origin has: errors of the origin-verify rotation function.
    expect(publicOrigin.filter((i) => i.kind === KIND.alarm).length - privateOrigin.filter((i) => i.kind === KIND.alarm).length).toBe(1);
    const expected = 730 * (P('natGatewayHour') + P('publicIpv4Hour') - 2 * P('publicIpv4Hour')) - sumOf(publicOrigin, KIND.secret)
      - P('cloudwatchAlarmMetricMonth');
    expect(sumOf(publicOrigin, KIND.secret)).toBeGreaterThan(0);
    expect(totalOf(privateOrigin) - totalOf(publicOrigin)).toBeCloseTo(expected, 6);
  });
});
