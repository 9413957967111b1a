import { CfnResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ChatbotTaskContainerOptions } from './chatbot-container-options';
import { DEPLOYMENT_SETTINGS_TYPE, checkServiceDeployment, resolveDeploymentSettings } from './deployment-defaults';
import { ChatbotDeploymentSettings } from './deployment-settings';
import { ChatbotDeploymentStrategy } from './deployment-strategy';
import { TASK_CONTAINER_OPTION_TYPES } from './option-types';
import { checkBedrockModels, checkKnowledgeBases, grantBedrock } from '../bedrock/bedrock-grants';
import { ChatbotGuardrail, ChatbotGuardrailConfig } from '../bedrock/chatbot-guardrail';
import { repositoryImageOf } from '../image/chatbot-image';
import { checkImagePlatform } from '../image/image-platform';
import { ImagePresenceCheck } from '../image/image-presence-check';
import { acknowledgeFindings } from '../shared/acknowledge';
import { checkFargateSize, logRetentionType } from '../shared/aws-limits';
import { BEDROCK_VARIABLES, DEFAULT_DESIRED_COUNT, DEFAULT_SIGN_OUT_PATH, setsBedrockVariable } from '../shared/constants';
import { createEncryptedLogGroup, createLogsKey } from '../shared/encryption';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
import { propName, propPathOf, withPropPath } from '../shared/prop-path';
import { checkRemovalPolicy } from '../shared/removal-policy';
import { looksLikeCredential } from '../shared/secret-names';
import { defaultPrivateSubnets } from '../shared/subnets';
import { ignoreCfnLintChecks } from '../shared/template-checks';
import {
  ENVIRONMENT_VARIABLE_NAME,
  PropTypes, PropsValidator, checkPropTypes, enumType, isKnown, numberType, objectType, regionOfArn, required,
  stringListType, stringMapType, stringType,
} from '../shared/validation';

/**
 * Props for `ChatbotService`.
 */
export interface ChatbotServiceProps extends ChatbotTaskContainerOptions {
  /** The VPC of the tasks. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the tasks. They must be private: tasks never get a public IP.
   *
   * @default - the VPC's private subnets (isolated ones first, then private with egress)
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * An existing ECS cluster to run the service in.
   *
   * @default - a new cluster with Container Insights enabled
   */
  readonly cluster?: ecs.ICluster;

  /**
   * The port the container listens on: the name of `port` before the service shared the
   * container's options. Refused together with `port`.
   *
   * @default 8501 (Streamlit)
   * @deprecated Use `port`.
   */
  readonly containerPort?: number;

  /**
   * How many tasks to run. At least 2, so that each Availability Zone has one.
   *
   * @default 2
   */
  readonly desiredCount?: number;

  /**
   * The most tasks autoscaling may run. Above `desiredCount` (the minimum), the service scales on
   * CPU and memory with target tracking; equal to it, autoscaling is off.
   *
   * @default - equal to `desiredCount` (no autoscaling)
   */
  readonly maxTaskCount?: number;

  /**
   * Average CPU utilization (%) that autoscaling keeps the tasks at.
   *
   * @default 60
   */
  readonly cpuTargetPercent?: number;

  /**
   * Average memory utilization (%) that autoscaling keeps the tasks at.
   *
   * @default 70
   */
  readonly memoryTargetPercent?: number;

  /**
   * Amazon Bedrock models the task may invoke, as the Bedrock console shows them: foundation-model
   * ids (`anthropic.claude-3-haiku-20240307-v1:0`), geographic or global inference profile ids
   * (`eu.anthropic...`, `us.`, `apac.`, `jp.`, `au.`, `us-gov.`, `global.`), or the ARN of any of
   * these, of an application inference profile, or of a provisioned or custom model. The task role
   * gets `bedrock:InvokeModel` and `bedrock:InvokeModelWithResponseStream` (which the Converse APIs
   * use) on exactly what each entry needs: a profile's ARN, and the foundation model in the regions
   * the profile routes to, usable only through the profile (`bedrock:InferenceProfileArn`). A
   * profile whose geography does not serve the stack's region is refused. The first entry reaches
   * the container as `BEDROCK_MODEL_ID`, all of them (comma-separated) as `BEDROCK_ALLOWED_MODELS`.
   *
   * @default - no Bedrock access
   */
  readonly bedrockModels?: string[];

  /**
   * A guardrail for every model call: the task role may invoke the models only with it, may call
   * `bedrock:ApplyGuardrail` on it, and gets its id and version as `BEDROCK_GUARDRAIL_ID` and
   * `BEDROCK_GUARDRAIL_VERSION`. Refused without `bedrockModels`.
   *
   * @default - no guardrail
   */
  readonly bedrockGuardrail?: ChatbotGuardrail;

  /**
   * Bedrock knowledge bases (ids, or ARNs in the stack's region) the task may query with
   * `bedrock:Retrieve` and `bedrock:RetrieveAndGenerate`.
   *
   * @default - none
   */
  readonly bedrockKnowledgeBases?: string[];

  /**
   * Non-secret configuration for the container, by environment variable name: the name of
   * `environment` before the service shared the container's options. Refused together with
   * `environment`.
   *
   * @default - only the built-in values (`SIGNOUT_PATH`, and the `BEDROCK_*` ones from the Bedrock props)
   * @deprecated Use `environment`.
   */
  readonly config?: { [name: string]: string };

  /**
   * The user the container runs as: the name of `user` before the service shared the container's
   * options. Refused together with `user`.
   *
   * @default '1000:1000'
   * @deprecated Use `user`.
   */
  readonly containerUser?: string;

  /**
   * Retention of the container logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * KMS key for the container log group. It must allow CloudWatch Logs in this region to use it.
   *
   * @default - a new key with rotation enabled
   */
  readonly logsEncryptionKey?: kms.IKey;

  /**
   * What happens to the container log group (and its key, when this construct creates one) when
   * the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Deployment timings: health check grace period, stop timeout, minimum and maximum percent.
   *
   * @default - see `ChatbotDeploymentSettings`
   */
  readonly deployment?: ChatbotDeploymentSettings;

  /**
   * The path the app's sign-out link points to, passed to the container as `SIGNOUT_PATH`.
   *
   * @default '/signout'
   */
  readonly signOutPath?: string;
}

/**
 * The chat app on ECS Fargate: a hardened task definition (non-root user, read-only root
 * filesystem with writable volumes, encrypted logs) and a service in private subnets without
 * public IPs, at least two tasks, a deployment circuit breaker with rollback and rolling
 * deployments that keep 100% of the tasks healthy.
 */
export class ChatbotService extends Construct {
  /** The ECS cluster. */
  public readonly cluster: ecs.ICluster;

  /** The Fargate service. */
  public readonly fargateService: ecs.FargateService;

  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;

  /** The app container. */
  public readonly container: ecs.ContainerDefinition;

  /** The security group of the tasks. It admits nothing until a load balancer is attached. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** The KMS key of the container log group: `logsEncryptionKey`, or the key this construct creates. */
  public readonly logsEncryptionKey: kms.IKey;

  /** The container log group. */
  public readonly logGroup: logs.LogGroup;

  /** The port the container listens on. */
  public readonly containerPort: number;

  /** The subnets of the tasks. */
  public readonly subnets: ec2.SubnetSelection;

  /** The autoscaling target, when `maxTaskCount` is above `desiredCount`. */
  public readonly scaling?: ecs.ScalableTaskCount;

  /** The secrets this construct generated, by environment variable name. */
  public readonly generatedSecrets: { [name: string]: secretsmanager.Secret };

  /** The guardrail the app calls Bedrock with, when `bedrockGuardrail` is set. */
  public readonly bedrockGuardrail?: ChatbotGuardrailConfig;

  /** Whether `deployment.strategy` shifts traffic between two target groups (every strategy but rolling). */
  public readonly shiftsTraffic: boolean;

  private alternateTargetAttached = false;

  constructor(scope: Construct, id: string, given: ChatbotServiceProps) {
    super(scope, id);
    const props = withCurrentNames(this, given);
    validateServiceProps(this, props);

    this.containerPort = props.port ?? 8501;
    const desiredCount = props.desiredCount ?? DEFAULT_DESIRED_COUNT;
    const cpu = props.cpu ?? 512;
    const memoryLimitMiB = props.memoryLimitMiB ?? 1024;
    const user = props.user ?? '1000:1000';
    const subnets = props.subnets ?? defaultPrivateSubnets(props.vpc);
    this.subnets = subnets;
    const deployment = resolveDeploymentSettings(props.deployment);
    this.shiftsTraffic = props.deployment?.strategy?.shiftsTraffic ?? false;
    this.node.addValidation({ validate: () => this.alternateTargetProblems(props) });

    this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    const ecsTasks = new iam.ServicePrincipal('ecs-tasks.amazonaws.com');
    const executionRole = new ManagedPolicyRole(this, 'ExecutionRole', { assumedBy: ecsTasks, description: 'Pulls the chatbot image, writes its logs and reads its secrets' });
    const taskRole = new ManagedPolicyRole(this, 'TaskRole', { assumedBy: ecsTasks, description: 'The chatbot app: Amazon Bedrock and the resources granted to it' });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      executionRole,
      taskRole,
      cpu,
      memoryLimitMiB,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture ?? ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });

    const logsKey = props.logsEncryptionKey ?? createLogsKey(this, 'LogsKey', 'Encrypts the chatbot container logs', props.removalPolicy);
    this.logsEncryptionKey = logsKey;
    this.logGroup = createEncryptedLogGroup(this, 'Logs', {
      encryptionKey: logsKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy,
    });

    checkImageBeforeTasks(this, this.taskDefinition, props, logsKey);

    const models = props.bedrockModels ?? [];
    const guardrail = props.bedrockGuardrail?.bind(this, propName(props, 'bedrockGuardrail'));
    this.bedrockGuardrail = guardrail;
    const config: { [name: string]: string } = {
      SIGNOUT_PATH: props.signOutPath ?? DEFAULT_SIGN_OUT_PATH,
      ...(models.length > 0 ? { BEDROCK_MODEL_ID: models[0], BEDROCK_ALLOWED_MODELS: models.join(',') } : {}),
      ...(guardrail ? { BEDROCK_GUARDRAIL_ID: guardrail.guardrailId, BEDROCK_GUARDRAIL_VERSION: guardrail.guardrailVersion } : {}),
      ...(props.environment ?? {}),
    };
    const secrets: { [name: string]: ecs.Secret } = {};
    for (const [name, secret] of Object.entries(props.secrets ?? {})) {
      secrets[name] = ecs.Secret.fromSecretsManager(secret);
    }
    this.generatedSecrets = {};
    for (const name of props.generatedSecrets ?? []) {
      const secret = new secretsmanager.Secret(this, `Secret${name}`, {
        description: `Chatbot container secret ${name}: replace the generated value with the real one`,
        encryptionKey: logsKey,
        generateSecretString: { excludePunctuation: true, passwordLength: 32 },
      });
      acknowledgeFindings(secret, ['AwsSolutions-SMG4', 'HIPAA.Security-SecretsManagerRotationEnabled', 'NIST.800.53.R5-SecretsManagerRotationEnabled'],
        'A credential of a third party that the user pastes in; how it rotates depends on that party. Attach a rotation schedule (secret.addRotationSchedule) where the provider supports it; ECS reads the value at each task start.');
      this.generatedSecrets[name] = secret;
      secrets[name] = ecs.Secret.fromSecretsManager(secret);
    }

    this.container = this.taskDefinition.addContainer('App', {
      image: props.image,
      // A hard limit equal to the task's memory: the one container may use all of it, and no more.
      memoryLimitMiB,
      portMappings: [{ containerPort: this.containerPort, name: 'http' }],
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: 'app',
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
      }),
      user,
      command: props.command,
      entryPoint: props.entryPoint,
      readonlyRootFilesystem: true,
      stopTimeout: deployment.stopTimeout,
      environment: config,
      secrets,
    });
    acknowledgeFindings(this.taskDefinition, ['AwsSolutions-ECS2'],
      'The plain environment variables are non-secret settings (resource names, model ids, paths); names that look like credentials are '
      + 'refused at synth and every secret is injected from Secrets Manager. Reading these from SSM parameters instead would add an ssm '
      + 'interface endpoint (about 15 USD a month in two zones) to protect values that are not secret.');

    const writable = props.writableDirectories ?? ['/tmp', '/home/chatbot'];
    writable.forEach((path, i) => {
      const name = `writable-${i}`;
      this.taskDefinition.addVolume({ name });
      this.container.addMountPoints({ sourceVolume: name, containerPath: path, readOnly: false });
    });

    grantBedrock(this, this.taskDefinition, models, guardrail, props.bedrockKnowledgeBases ?? []);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Chatbot tasks: the app port from the load balancer only',
      allowAllOutbound: true,
    });

    this.fargateService = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount,
      vpcSubnets: subnets,
      assignPublicIp: false,
      securityGroups: [this.securityGroup],
      minHealthyPercent: deployment.minHealthyPercent,
      maxHealthyPercent: deployment.maxHealthyPercent,
      circuitBreaker: { enable: true, rollback: true },
      ...trafficShift(props.deployment?.strategy),
      healthCheckGracePeriod: deployment.healthCheckGracePeriod,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableExecuteCommand: false,
    });

    const rollbackAlarms = props.deployment?.rollbackAlarms ?? [];
    if (rollbackAlarms.length > 0) {
      this.rollBackOnAlarms(rollbackAlarms);
    }

    this.scaling = this.scaleOnLoad(props, desiredCount);

    // ECR's GetAuthorizationToken has no resource-level permissions: AWS documents `*` as its only resource.
    const executionPolicy = executionRole.grantsPolicy;
    if (executionPolicy && JSON.stringify(executionPolicy.document.toJSON()).includes('ecr:GetAuthorizationToken')) {
      acknowledgeFindings(executionPolicy, ['AwsSolutions-IAM5[Resource::*]'],
        'ecr:GetAuthorizationToken supports no resource-level permission (its only resource is *); every other action of the execution role is scoped to the image repository, the log group and the container secrets.');
    }
  }

  /**
   * Rolls a deployment back to the last revision that completed when one of these alarms goes
   * into ALARM, during the deployment and its bake time (ECS deployment alarms). May be called
   * more than once; the alarms add up.
   *
   * @param alarms CloudWatch alarms in the service's Region
   */
  public rollBackOnAlarms(alarms: cloudwatch.IAlarm[]): void {
    this.fargateService.enableDeploymentAlarms(alarms.map((alarm) => alarm.alarmName), { behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM });
  }

  /**
   * Registers the tasks in `targetGroup`, with `alternateTargetGroup` for the new tasks of a
   * traffic-shifting `deployment.strategy`: ECS moves traffic between the two by rewriting the
   * weights of `productionRule`'s forward action, which must forward to both (weights 100 and 0).
   * Refused for the rolling strategy, which has one target group; a traffic-shifting strategy is
   * refused at synth time unless this was called.
   *
   * @param targetGroup the target group that serves first
   * @param alternateTargetGroup the second target group, on the same port and health check
   * @param productionRule the listener rule that forwards to both
   * @param role the role ECS shifts traffic with; by default a new one that may change only this rule and register tasks only in these target groups
   */
  public attachWithAlternateTarget(targetGroup: elbv2.IApplicationTargetGroup, alternateTargetGroup: elbv2.IApplicationTargetGroup,
    productionRule: elbv2.ApplicationListenerRule, role?: iam.IRole): void {
    const v = new PropsValidator('ChatbotService', this);
    v.check(this.shiftsTraffic, 'deployment.strategy', 'is rolling, which serves from one target group, but attachWithAlternateTarget was called.',
      'Set a traffic-shifting strategy (ChatbotDeploymentStrategy.blueGreen(), linear() or canary()), or attach the service to one target group.');
    v.throwIfInvalid();
    this.alternateTargetAttached = true;
    // aws-cdk-lib makes the service depend on the target group's listener and rule, which the
    // alternate target's configuration already references.
    ignoreCfnLintChecks(this.fargateService.node.defaultChild as CfnResource, ['W3005']);
    targetGroup.addTarget(this.fargateService.loadBalancerTarget({
      containerName: this.container.containerName,
      containerPort: this.containerPort,
      alternateTarget: new ecs.AlternateTarget('AlternateTarget', {
        alternateTargetGroup,
        productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(productionRule),
        role: role ?? this.trafficShiftRole(targetGroup, alternateTargetGroup, productionRule),
      }),
    }));
  }

  /** Target tracking on CPU and memory between `desiredCount` and `maxTaskCount`, when they differ. */
  private scaleOnLoad(props: ChatbotServiceProps, desiredCount: number): ecs.ScalableTaskCount | undefined {
    const maxTaskCount = props.maxTaskCount ?? desiredCount;
    if (!Token.isUnresolved(maxTaskCount) && !Token.isUnresolved(desiredCount) && maxTaskCount <= desiredCount) {
      return undefined;
    }
    const scaling = this.fargateService.autoScaleTaskCount({ minCapacity: desiredCount, maxCapacity: maxTaskCount });
    // Scale out fast, scale in slowly so that a burst of chats does not make the count flap.
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: props.cpuTargetPercent ?? 60,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });
    scaling.scaleOnMemoryUtilization('Memory', {
      targetUtilizationPercent: props.memoryTargetPercent ?? 70,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.seconds(300),
    });
    return scaling;
  }

  /** The role ECS shifts traffic with: the actions of AWS's load-balancer infrastructure policy, on this rule and these target groups. */
  private trafficShiftRole(targetGroup: elbv2.IApplicationTargetGroup, alternateTargetGroup: elbv2.IApplicationTargetGroup,
    productionRule: elbv2.ApplicationListenerRule): iam.IRole {
    const role = new ManagedPolicyRole(this, 'TrafficShiftRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description: 'ECS shifts the chatbot service\'s traffic between its two target groups',
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadTheLoadBalancer',
      actions: ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth'],
      resources: ['*'],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ShiftTheWeights',
      actions: ['elasticloadbalancing:ModifyRule'],
      resources: [productionRule.listenerRuleArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'RegisterTheTasks',
      actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      resources: [targetGroup.targetGroupArn, alternateTargetGroup.targetGroupArn],
    }));
    // ECS uses the role from the service's first deployment on; the service goes after its policy.
    this.fargateService.node.addDependency(role.grantsPolicy!);
    acknowledgeFindings(role.grantsPolicy!, ['AwsSolutions-IAM5[Resource::*]'],
      'The Elastic Load Balancing Describe actions support no resource-level permission (the Service Authorization Reference lists no resource type for them); '
      + 'the actions that change anything name the production rule and the two target groups.');
    return role;
  }

  private alternateTargetProblems(props: ChatbotServiceProps): string[] {
    if (!this.shiftsTraffic || this.alternateTargetAttached) {
      return [];
    }
    return [`ChatbotService: \`${propName(props, 'deployment.strategy')}\`: is ${props.deployment!.strategy!.name}, which shifts traffic between two target groups, `
      + 'but the service was attached to none with an alternate. Call attachWithAlternateTarget(targetGroup, alternateTargetGroup, productionRule), or use the rolling strategy.'];
  }
}

// Props a parent construct passes from its own level rather than from the options it prefixes
// (`ChatbotBackend` and the L3 set these from their top-level props): named without the prefix.
const SERVICE_CONTEXT_TYPES: PropTypes = {
  vpc: required(objectType('ec2.IVpc', 'selectSubnets')),
  subnets: objectType('ec2.SubnetSelection', undefined, '{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }'),
  cluster: objectType('ecs.ICluster', 'clusterName'),
  logRetention: logRetentionType(),
  logsEncryptionKey: objectType('kms.IKey', 'keyArn'),
  removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
};

const SERVICE_TYPES: PropTypes = {
  ...TASK_CONTAINER_OPTION_TYPES,
  containerPort: numberType('8501'),
  desiredCount: numberType('2'),
  maxTaskCount: numberType('4'),
  cpuTargetPercent: numberType('60'),
  memoryTargetPercent: numberType('70'),
  bedrockModels: stringListType("['eu.anthropic.claude-3-haiku-20240307-v1:0']"),
  bedrockGuardrail: objectType('ChatbotGuardrail', 'bind', 'ChatbotGuardrail.create()'),
  bedrockKnowledgeBases: stringListType("['KB12345678']"),
  config: stringMapType("{ APP_MODE: 'production' }"),
  containerUser: stringType("'1000:1000'"),
  deployment: DEPLOYMENT_SETTINGS_TYPE,
  signOutPath: stringType("'/signout'"),
};

/** The service props of a traffic-shifting strategy; none for rolling, which keeps ECS's default. */
function trafficShift(strategy: ChatbotDeploymentStrategy | undefined): Partial<ecs.FargateServiceProps> {
  if (!strategy?.shiftsTraffic) {
    return {};
  }
  const config = strategy._config();
  return {
    deploymentStrategy: config.deploymentStrategy,
    bakeTime: config.bakeTime,
    linearConfiguration: config.linearConfiguration,
    canaryConfiguration: config.canaryConfiguration,
  };
}

/** An image a pipeline pushes: no task definition that names it is registered before it is there. */
function checkImageBeforeTasks(scope: Construct, taskDefinition: ecs.TaskDefinition, props: ChatbotServiceProps, logsKey: kms.IKey): void {
  const pushed = repositoryImageOf(props.image);
  if (pushed) {
    const check = new ImagePresenceCheck(scope, 'ImageCheck', {
      ...pushed,
      logsKey,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy,
    });
    taskDefinition.node.addDependency(check);
  }
}

// The names of three props before the service shared the container's options (1.0, deprecated).
const OLD_NAMES = [['containerPort', 'port'], ['config', 'environment'], ['containerUser', 'user']] as const;

/**
 * `props` under the current names: a value given under an old name moves to the new one, and its
 * messages keep naming it as the caller wrote it. Both names at once are refused.
 */
function withCurrentNames(scope: Construct, props: ChatbotServiceProps): ChatbotServiceProps {
  if (typeof props !== 'object' || props === null || OLD_NAMES.every(([old]) => props[old] === undefined)) {
    return props;
  }
  const v = new PropsValidator('ChatbotService', scope);
  const moved: { [prop: string]: unknown } = {};
  const names: { [prop: string]: string } = {};
  for (const [old, now] of OLD_NAMES) {
    if (props[old] !== undefined) {
      v.check(props[now] === undefined, propName(props, old), `is the old name of \`${propName(props, now)}\`, and both are given.`, `Pass only \`${propName(props, now)}\`.`);
      moved[old] = undefined;
      moved[now] = props[old];
      names[now] = propName(props, old);
    }
  }
  v.throwIfInvalid();
  const path = propPathOf(props);
  return withPropPath({ ...props, ...moved }, path?.prefix ?? '', { ...path?.names, ...names });
}

function validateServiceProps(scope: Construct, props: ChatbotServiceProps) {
  // Labels are reported as the caller wrote them (`container.port` in the L3, `backend.image` ...),
  // except the props a parent passes from its own level, which keep their plain names.
  const context = new PropsValidator('ChatbotService', scope);
  const v = new PropsValidator('ChatbotService', scope, typeof props === 'object' && props !== null ? props : undefined);
  const typesOk = checkPropTypes(context, props, SERVICE_CONTEXT_TYPES, '', Object.keys(SERVICE_TYPES))
    && checkPropTypes(v, props, SERVICE_TYPES, '', Object.keys(SERVICE_CONTEXT_TYPES));
  context.throwIfInvalid();
  if (!typesOk) {
    v.throwIfInvalid();
  }
  // Props named in a message's text too, as the caller wrote them.
  const p = (prop: string) => propName(props, prop);
  const containerPort = props.port ?? 8501;
  const desiredCount = props.desiredCount ?? DEFAULT_DESIRED_COUNT;
  const stackRegion = Stack.of(scope).region;
  const user = props.user ?? '1000:1000';
  checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
  if (isKnown(containerPort)) {
    v.check(Number.isInteger(containerPort) && containerPort >= 1 && containerPort <= 65535, p('port'),
      `must be a whole number from 1 to 65535 (got ${containerPort}).`, 'Use the port your app listens on, for Streamlit 8501.');
  }
  if (isKnown(desiredCount)) {
    v.check(Number.isInteger(desiredCount) && desiredCount >= 2, p('desiredCount'), `must be at least 2 (got ${desiredCount}).`,
      'Run at least one task per Availability Zone so that losing one zone keeps the chat up; set 2 or more.');
  }
  checkFargateSize(v, props.cpu ?? 512, props.memoryLimitMiB ?? 1024, p('cpu'), p('memoryLimitMiB'));
  checkServiceDeployment(v, props.deployment, p('deployment.'), stackRegion);
  const max = props.maxTaskCount;
  if (max !== undefined && isKnown(max) && isKnown(desiredCount)) {
    v.check(Number.isInteger(max) && max >= desiredCount, p('maxTaskCount'), `(${max}) is below desiredCount (${desiredCount}), the minimum.`,
      'Set maxTaskCount to at least desiredCount, or leave it out to run a fixed number of tasks.');
  }
  for (const [prop, value] of [['cpuTargetPercent', props.cpuTargetPercent], ['memoryTargetPercent', props.memoryTargetPercent]] as const) {
    if (value !== undefined && isKnown(value)) {
      v.check(value >= 10 && value <= 90, p(prop), `must be between 10 and 90 (got ${value}).`, 'Target a utilization that leaves headroom, such as 60.');
    }
  }
  if (!Token.isUnresolved(user)) {
    v.check(!/^(root|0)(:|$)/.test(user), p('user'), `must not be root (got '${user}').`,
      'Run the app as an unprivileged user, for example \'1000:1000\', and give that user a home in `writableDirectories`.');
  }
  for (const path of props.writableDirectories ?? []) {
    v.check(path.startsWith('/') && path !== '/', p('writableDirectories'), `must hold absolute paths below / (got '${path}').`,
      'Name each directory the app writes to, such as /tmp.');
  }
  checkBedrockModels(scope, v, props.bedrockModels ?? [], p('bedrockModels'));
  checkTaskSubnets(v, props);
  for (const [name, secret] of Object.entries(props.secrets ?? {})) {
    const region = regionOfArn(secret.secretArn);
    if (region !== undefined && !Token.isUnresolved(stackRegion)) {
      v.check(region === stackRegion, p('secrets'), `'${name}' is a secret in ${region}, but the tasks run in ${stackRegion}.`,
        'ECS reads secrets from the task\'s own region: replicate the secret to this region (replicaRegions) and pass the replica.');
    }
  }
  const injected = [...Object.keys(props.environment ?? {}), ...Object.keys(props.secrets ?? {}), ...(props.generatedSecrets ?? [])];
  for (const name of injected) {
    v.check(injected.indexOf(name) === injected.lastIndexOf(name), p('secrets'), `'${name}' is set more than once across ${propName(props, 'environment')}, ${propName(props, 'secrets')} and ${propName(props, 'generatedSecrets')}.`,
      'Give each environment variable one source.');
  }
  for (const name of injected) {
    v.check(ENVIRONMENT_VARIABLE_NAME.test(name), p('environment'), `key '${name}' is not a valid environment variable name (${propName(props, 'environment')}, ${propName(props, 'secrets')} and ${propName(props, 'generatedSecrets')}).`,
      'Use letters, digits and underscores, not starting with a digit.');
  }
  // The construct sets these two itself; a second source would silently replace one of them.
  v.check(!injected.includes('SIGNOUT_PATH'), p('environment'), 'sets SIGNOUT_PATH, which the construct sets from `signOutPath`.',
    'Set `signOutPath` instead and remove the variable.');
  for (const [name, prop] of BEDROCK_VARIABLES) {
    v.check(!(injected.includes(name) && setsBedrockVariable(props, prop)), p('environment'), `sets ${name}, which the construct sets from \`${propName(props, prop)}\`.`,
      `Set it through \`${propName(props, prop)}\` and remove the variable.`);
  }
  v.check(props.bedrockGuardrail === undefined || (props.bedrockModels ?? []).length > 0, p('bedrockGuardrail'),
    `is set, but \`${p('bedrockModels')}\` is empty, so the app may call no model to guard.`, `List the models in \`${p('bedrockModels')}\`, or remove the guardrail.`);
  checkKnowledgeBases(scope, v, props.bedrockKnowledgeBases ?? [], p('bedrockKnowledgeBases'));
  // Plain environment variables are visible to whoever may describe the task definition.
  for (const name of Object.keys(props.environment ?? {})) {
    v.check(!looksLikeCredential(name), p('environment'), `'${name}' looks like a credential, and configuration values are plain environment variables of the task definition.`,
      `Pass it in \`${propName(props, 'secrets')}\` (a Secrets Manager secret) or \`${propName(props, 'generatedSecrets')}\` instead.`);
  }
  for (const [prop, list] of [['command', props.command], ['entryPoint', props.entryPoint]] as const) {
    v.check(list === undefined || list.length > 0, prop, 'is an empty list.', 'Leave it out to use the image\'s own, or give the program and its arguments.');
  }
  v.throwIfInvalid();
  if (props.image) {
    // Its own validator: the names go into the message text too, already as the caller wrote them.
    const images = new PropsValidator('ChatbotService', scope);
    checkImagePlatform(scope, images, props.image, props.cpuArchitecture ?? ecs.CpuArchitecture.X86_64, propName(props, 'image'), propName(props, 'cpuArchitecture'));
    images.throwIfInvalid();
  }
}

/** Tasks never get a public IP: in a public subnet they could not pull their image or reach AWS. */
function checkTaskSubnets(v: PropsValidator, props: ChatbotServiceProps): void {
  const prop = props.subnets ? 'subnets' : 'vpc';
  let selected: ec2.ISubnet[];
  try {
    selected = props.vpc.selectSubnets(props.subnets ?? defaultPrivateSubnets(props.vpc)).subnets;
  } catch (error) {
    v.fail(prop, props.subnets ? `selects no subnets of \`vpc\` (${(error as Error).message.replace(/\.$/, '')}).` : 'has no private subnets for the tasks.',
      'Give the VPC private subnets (isolated, or with a NAT gateway), or select the ones for the tasks with `subnets`.');
    return;
  }
  const publicIds = new Set(props.vpc.publicSubnets.map((s) => s.subnetId));
  const inPublic = selected.filter((s) => publicIds.has(s.subnetId));
  v.check(inPublic.length === 0, prop, `selects ${inPublic.length} public subnet(s); tasks get no public IP, so there they could not pull their image or reach AWS.`,
    'Select private subnets (isolated with VPC endpoints, or with a NAT gateway), for example { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }.');
}
