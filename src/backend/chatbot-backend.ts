import { RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { BACKEND_OPTION_TYPES, validateBackendOptions } from './validate-backend';
import { ChatbotGuardrail } from '../bedrock/chatbot-guardrail';
import { ChatbotService } from '../service/chatbot-service';
import { httpHealthCheck, resolveDeploymentSettings } from '../service/deployment-defaults';
import { ChatbotDeploymentSettings } from '../service/deployment-settings';
import { logRetentionType } from '../shared/aws-limits';
import { createHttpsLoadBalancer, createTargetGroup } from '../shared/https-load-balancer';
import { propName, propPrefix, withPropPath } from '../shared/prop-path';
import { checkDeletionProtection, checkRemovalPolicy } from '../shared/removal-policy';
import { PropTypes, PropsValidator, booleanType, checkPropTypes, enumType, checkDomainName, objectType, required, stringType } from '../shared/validation';

/**
 * What a backend service runs: used by `SecureContainerChatbot`'s `backend` prop and by
 * `ChatbotBackend`.
 */
export interface ChatbotBackendOptions {
  /**
   * The backend's container image. An image asset must be built for `cpuArchitecture`
   * (`ChatbotImage.fromAsset` does that).
   */
  readonly image: ecs.ContainerImage;

  /**
   * The port the backend container listens on, where the internal load balancer forwards.
   * Required (or its 1.0 name `containerPort`).
   *
   * @default - none: give the port
   */
  readonly port?: number;

  /**
   * The port the backend container listens on: the name of `port` before the backend took the
   * container's names. Refused together with `port`.
   *
   * @default - none: give `port`
   * @deprecated Use `port`.
   */
  readonly containerPort?: number;

  /**
   * The health check path of the backend's target group.
   *
   * @default '/health'
   */
  readonly healthCheckPath?: string;

  /**
   * How many backend tasks to run (at least 2), and the autoscaling minimum.
   *
   * @default 2
   */
  readonly desiredCount?: number;

  /**
   * The most backend tasks autoscaling may run.
   *
   * @default - equal to `desiredCount` (no autoscaling)
   */
  readonly maxTaskCount?: number;

  /**
   * vCPU units of a backend task.
   *
   * @default 512
   */
  readonly cpu?: number;

  /**
   * Memory of a backend task in MiB.
   *
   * @default 1024
   */
  readonly memoryLimitMiB?: number;

  /**
   * CPU architecture of the backend tasks; the image must be built for it.
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  /**
   * Secrets Manager secrets injected into the backend container as ECS secrets.
   *
   * @default - none
   */
  readonly secrets?: { [name: string]: secretsmanager.ISecret };

  /**
   * Secrets the construct creates with a generated value, injected into the backend container.
   *
   * @default - none
   */
  readonly generatedSecrets?: string[];

  /**
   * Non-secret configuration values for the backend container, as plain environment variables
   * (names that look like credentials are refused: use `secrets` or `generatedSecrets`).
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Non-secret configuration values for the backend container: the name of `environment` before
   * the backend took the container's names. Refused together with `environment`.
   *
   * @default - none
   * @deprecated Use `environment`.
   */
  readonly config?: { [name: string]: string };

  /**
   * Amazon Bedrock models the backend may invoke.
   *
   * @default - none
   */
  readonly bedrockModels?: string[];

  /**
   * A Bedrock guardrail for the backend's model calls (see the chatbot's `bedrockGuardrail`).
   *
   * @default - the chatbot's `bedrockGuardrail` when the backend has `bedrockModels`, else none
   */
  readonly bedrockGuardrail?: ChatbotGuardrail;

  /**
   * Deployment timings and strategy of the backend service. A traffic-shifting
   * `strategy` (`ChatbotDeploymentStrategy.blueGreen()`, `linear()` or `canary()`) gets a second
   * target group and a production listener rule that forwards to both (weights 100 and 0), whose
   * weights ECS then moves; a chat whose turn is in flight finishes on the task that started it.
   * In the chatbot, `rollbackOnChatbotAlarms` rolls the backend back on a 5xx-rate alarm over both
   * target groups, which goes to the chatbot's alarm topic.
   *
   * @default - rolling, with the timings of `ChatbotDeploymentSettings`
   */
  readonly deployment?: ChatbotDeploymentSettings;
}

/**
 * Props for `ChatbotBackend`.
 */
export interface ChatbotBackendProps extends ChatbotBackendOptions {
  /** The VPC; the internal load balancer and the tasks go in its private subnets. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the backend tasks and of the internal load balancer.
   *
   * @default - the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;

  /** The cluster to run the backend service in. */
  readonly cluster: ecs.ICluster;

  /** The one security group allowed to call the backend (the frontend tasks'). */
  readonly clientSecurityGroup: ec2.ISecurityGroup;

  /**
   * The DNS name of the internal load balancer, such as `backend.chat.example.com`, covered by
   * `certificate`.
   */
  readonly domainName: string;

  /** The certificate of the internal HTTPS listener. */
  readonly certificate: acm.ICertificate;

  /**
   * A bucket for the internal load balancer's legacy access logs (SSE-S3), for those who want them
   * in S3. Without it, the access logs go through CloudWatch Logs vended delivery into
   * `accessLogGroup`, encrypted with `logsEncryptionKey` (or the key this construct creates).
   *
   * @default - no bucket: the access logs go into a new KMS-encrypted log group
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * Hosted zone for the alias record of `domainName`.
   *
   * @default - no record
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * KMS key for the backend log group, the internal load balancer's access-log group and the
   * generated secrets.
   *
   * @default - a new key
   */
  readonly logsEncryptionKey?: kms.IKey;

  /**
   * Retention of the backend logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Whether the internal load balancer has deletion protection (see
   * `ChatbotLoadBalancerProps.deletionProtection`). Refused together with `removalPolicy: DESTROY`.
   *
   * @default false
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the backend's log groups (the service's and the load balancer's access logs)
   * and their key, when this construct creates one, when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A private backend service: its own Fargate service behind an internal HTTPS load balancer in the
 * private subnets. Security groups form a chain: only `clientSecurityGroup` reaches the internal
 * load balancer, and only the internal load balancer reaches the backend tasks.
 */
export class ChatbotBackend extends Construct {
  /** The backend's Fargate service. */
  public readonly service: ChatbotService;

  /** The internal load balancer. */
  public readonly applicationLoadBalancer: elbv2.ApplicationLoadBalancer;

  /** Its security group. */
  public readonly securityGroup: ec2.SecurityGroup;

  /**
   * The log group of the internal load balancer's access logs (vended delivery); undefined when
   * `accessLogsBucket` was given.
   */
  public readonly accessLogGroup?: logs.LogGroup;

  /** The backend's target group. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The second target group, which a traffic-shifting `deployment.strategy` moves traffic to; undefined for rolling. */
  public readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;

  /** The listener rule whose forward weights ECS moves between the two target groups; undefined for rolling. */
  public readonly productionRule?: elbv2.ApplicationListenerRule;

  /** The URL the frontend calls, `https://<domainName>`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: ChatbotBackendProps) {
    super(scope, id);
    validateBackendOptions(this, 'ChatbotBackend', propPrefix(props), props, Object.keys(BACKEND_PROP_TYPES));
    const v = new PropsValidator('ChatbotBackend', this);
    checkBackendPropTypes(v, props);
    checkDomainName(v, 'domainName', props.domainName, 'backend.chat.example.com');
    checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
    checkDeletionProtection(v, props.deletionProtection, props.removalPolicy);
    v.throwIfInvalid();
    this.url = `https://${props.domainName}`;
    // Checked above: one of the two names is given.
    const port = (props.port ?? props.containerPort) as number;

    // Messages about the image name the prop as the caller wrote it (`backend.image` in the L3).
    this.service = new ChatbotService(this, 'Service', withPropPath({
      vpc: props.vpc,
      subnets: props.subnets,
      cluster: props.cluster,
      image: props.image,
      port,
      desiredCount: props.desiredCount,
      maxTaskCount: props.maxTaskCount,
      cpu: props.cpu,
      memoryLimitMiB: props.memoryLimitMiB,
      cpuArchitecture: props.cpuArchitecture,
      secrets: props.secrets,
      generatedSecrets: props.generatedSecrets,
      environment: props.environment ?? props.config,
      bedrockModels: props.bedrockModels,
      bedrockGuardrail: props.bedrockGuardrail,
      logsEncryptionKey: props.logsEncryptionKey,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      deployment: props.deployment,
    }, propPrefix(props), {
      // A value given under its 1.0 name is reported under that name.
      port: propName(props, props.port === undefined ? 'containerPort' : 'port'),
      environment: propName(props, props.environment === undefined && props.config !== undefined ? 'config' : 'environment'),
    }));

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Chatbot internal load balancer: HTTPS from the frontend tasks only',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(props.clientSecurityGroup, ec2.Port.tcp(443), 'HTTPS from the frontend tasks');
    // A group that allows all outbound already reaches the load balancer; CDK would ignore the rule with a warning.
    if (!props.clientSecurityGroup.allowAllOutbound) {
      props.clientSecurityGroup.addEgressRule(this.securityGroup, ec2.Port.tcp(443), 'HTTPS to the internal load balancer');
    }

    const target = {
      port,
      // A traffic-shifting strategy registers the tasks itself, with the alternate target group.
      targets: this.service.shiftsTraffic ? [] : [this.service.fargateService],
      connections: this.service.fargateService,
      ruleDescription: 'Backend port from the internal load balancer',
      deregistrationDelay: resolveDeploymentSettings(props.deployment).deregistrationDelay,
      healthCheck: httpHealthCheck(props.healthCheckPath ?? '/health', props.deployment),
    };
    const alb = createHttpsLoadBalancer(this, {
      vpc: props.vpc,
      internetFacing: false,
      vpcSubnets: { subnets: props.vpc.selectSubnets(this.service.subnets).subnets },
      securityGroup: this.securityGroup,
      deletionProtection: props.deletionProtection,
      accessLogsBucket: props.accessLogsBucket,
      accessLogsPrefix: 'internal-alb',
      accessLogGroup: () => ({ encryptionKey: this.service.logsEncryptionKey, retention: props.logRetention, removalPolicy: props.removalPolicy }),
      withoutWebAclReason: 'Internal load balancer in private subnets whose security group admits only the frontend tasks; requests reach the frontend through CloudFront and its web ACL first.',
      target,
      certificate: props.certificate,
      defaultAction: (targetGroup) => elbv2.ListenerAction.forward([targetGroup]),
    });
    this.applicationLoadBalancer = alb.loadBalancer;
    this.targetGroup = alb.targetGroup;
    this.accessLogGroup = alb.accessLogGroup;
    if (this.service.shiftsTraffic) {
      // ECS needs a rule (a listener's default action has no rule ARN) that forwards to both groups.
      this.alternateTargetGroup = createTargetGroup(this, 'AlternateTargetGroup', props.vpc, { ...target, targets: [] });
      this.productionRule = new elbv2.ApplicationListenerRule(this, 'ProductionRule', {
        listener: alb.listener,
        priority: 1,
        conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
        action: elbv2.ListenerAction.weightedForward([
          { targetGroup: this.targetGroup, weight: 100 },
          { targetGroup: this.alternateTargetGroup, weight: 0 },
        ]),
      });
      this.service.attachWithAlternateTarget(this.targetGroup, this.alternateTargetGroup, this.productionRule);
    }

    if (props.hostedZone) {
      new route53.ARecord(this, 'AliasRecord', {
        zone: props.hostedZone,
        recordName: props.domainName,
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.applicationLoadBalancer)),
      });
    }
  }
}

/** The props ChatbotBackend adds to the options: set by the L3 from its own level, so never prefixed. */
function checkBackendPropTypes(v: PropsValidator, props: ChatbotBackendProps): void {
  const ok = checkPropTypes(v, props, BACKEND_PROP_TYPES, '', Object.keys(BACKEND_OPTION_TYPES));
  if (!ok) {
    v.throwIfInvalid();
  }
}

const BACKEND_PROP_TYPES: PropTypes = {
  vpc: required(objectType('ec2.IVpc', 'selectSubnets')),
  subnets: objectType('ec2.SubnetSelection', undefined, '{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }'),
  cluster: required(objectType('ecs.ICluster', 'clusterName')),
  clientSecurityGroup: required(objectType('ec2.ISecurityGroup', 'securityGroupId')),
  domainName: required(stringType("'backend.chat.example.com'")),
  certificate: required(objectType('acm.ICertificate', 'certificateArn')),
  accessLogsBucket: objectType('s3.IBucket', 'bucketName'),
  hostedZone: objectType('route53.IHostedZone', 'hostedZoneId'),
  logsEncryptionKey: objectType('kms.IKey', 'keyArn'),
  logRetention: logRetentionType(),
  deletionProtection: booleanType(),
  removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
};
