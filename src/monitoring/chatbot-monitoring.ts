import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { MONITORING_OPTION_TYPES } from './option-types';
import { createKey } from '../shared/encryption';
import { DEFAULT_REMOVAL_POLICY, checkRemovalPolicy } from '../shared/removal-policy';
import { PropTypes, PropsValidator, enumType, isKnown, numberType, objectType, refuseWrongTypes, stringType } from '../shared/validation';

/**
 * The alarm options that a user tunes: the 5xx threshold, the dashboard and the topic.
 * `ChatbotMonitoring` and the CloudFront ingress of `SecureContainerChatbot` take them under these
 * names; the ingress refuses each of them with `monitoring: false`.
 */
export interface ChatbotMonitoringOptions {
  /**
   * Percentage of requests answered with a target 5xx, over 5 minutes, that raises the alarm.
   *
   * @default 5
   */
  readonly serverErrorRatePercent?: number;

  /**
   * Whether to add a CloudWatch dashboard (requests, 5xx, latency, healthy hosts, task CPU and
   * memory, and the web ACL's requests when its metric name is known: `webAclMetricName`, which
   * `SecureContainerChatbot` passes for the web ACL it creates). It costs 3 USD a month; the
   * alarms watch the app without it.
   *
   * @default false
   */
  readonly dashboard?: boolean;

  /**
   * The topic the alarms notify.
   *
   * @default - a new topic encrypted with a customer-managed key, TLS only
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * Props for `ChatbotMonitoring`.
 */
export interface ChatbotMonitoringProps extends ChatbotMonitoringOptions {
  /** The load balancer of the app (its request count). */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;

  /** The app's target group (5xx, response time, healthy and unhealthy hosts). */
  readonly targetGroup: elbv2.IApplicationTargetGroup;

  /**
   * The ECS service of the app (its CPU and memory utilization, from the AWS/ECS metrics every
   * service has, with or without Container Insights).
   */
  readonly service: ecs.IBaseService;

  /**
   * The fewest tasks that should be running and healthy; fewer healthy targets in the target group
   * for 3 minutes raise the healthy-tasks alarm.
   */
  readonly minRunningTasks: number;

  /**
   * The name of the CLOUDFRONT-scope web ACL, whose allowed and blocked requests are graphed
   * (its metrics are in us-east-1).
   *
   * @default - no WAF widgets
   */
  readonly webAclMetricName?: string;

  /**
   * A KMS key of this app to encrypt the new alarm topic with, instead of a key of its own (a
   * customer-managed key costs 1 USD a month). The construct adds to its key policy the statement
   * that lets CloudWatch alarms use it. Refused together with `alarmTopic`.
   *
   * @default - a new key
   */
  readonly topicEncryptionKey?: kms.IKey;

  /**
   * What happens to the new topic's KMS key when the stack is deleted. Refused together with
   * `alarmTopic` or `topicEncryptionKey`.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Alarms on the 5xx rate, unhealthy hosts and too few healthy tasks, notifying an encrypted
 * SNS topic, and on request a CloudWatch dashboard for the chat app (requests, 5xx, latency,
 * healthy hosts, task CPU and memory, WAF allowed and blocked).
 */
export class ChatbotMonitoring extends Construct {
  /** The dashboard; undefined unless `dashboard` is true. */
  public readonly dashboard?: cloudwatch.Dashboard;

  /** The topic the alarms notify. Subscribe your team to it. */
  public readonly alarmTopic: sns.ITopic;

  /** The alarms. */
  public readonly alarms: cloudwatch.Alarm[];

  private readonly alarmAction: actions.SnsAction;
  private readonly serverErrorRatePercent: number;
  private readonly releaseAlarmList: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ChatbotMonitoringProps) {
    super(scope, id);
    refuseWrongTypes(this, 'ChatbotMonitoring', props, MONITORING_TYPES);
    const threshold = props.serverErrorRatePercent ?? 5;
    this.serverErrorRatePercent = threshold;
    const v = new PropsValidator('ChatbotMonitoring', this, props);
    if (isKnown(threshold)) {
      v.check(threshold > 0 && threshold <= 100, 'serverErrorRatePercent', `must be above 0 and at most 100 (got ${threshold}).`, 'Use a percentage such as 5.');
    }
    checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
    v.check(!(props.removalPolicy !== undefined && props.alarmTopic), 'removalPolicy',
      'only applies to the key of the topic this construct creates, but `alarmTopic` was given.', 'Remove it; your topic keeps its own settings.');
    v.check(!(props.topicEncryptionKey && props.alarmTopic), 'topicEncryptionKey',
      'encrypts the topic this construct creates, but `alarmTopic` was given.', 'Remove it; your topic keeps its own encryption.');
    v.check(!(props.removalPolicy !== undefined && props.topicEncryptionKey), 'removalPolicy',
      'only applies to a key this construct creates, but `topicEncryptionKey` was given.', 'Remove it; set the removal policy on your key.');
    v.throwIfInvalid();

    if (props.alarmTopic) {
      this.alarmTopic = props.alarmTopic;
    } else {
      const stack = Stack.of(this);
      const fromThisAccountsAlarms = {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
      };
      const key = props.topicEncryptionKey ?? createKey(this, 'TopicKey', 'Encrypts the chatbot alarm topic', props.removalPolicy ?? DEFAULT_REMOVAL_POLICY);
      // CloudWatch publishes alarm notifications to the encrypted topic.
      const added = key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromThisAccountsAlarms,
      }));
      const keyCheck = new PropsValidator('ChatbotMonitoring', this, props);
      keyCheck.check(added.statementAdded, 'topicEncryptionKey',
        'is an imported key, whose policy this construct cannot extend to let CloudWatch alarms use it: no alarm would be delivered.',
        'Pass a kms.Key defined in this app, or leave it out for a key of its own.');
      keyCheck.throwIfInvalid();
      const topic = new sns.Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true, displayName: 'Chatbot alarms' });
      // enforceSSL gives the topic a policy of its own, which replaces SNS's default one: without
      // this statement CloudWatch could not publish the alarms.
      topic.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromThisAccountsAlarms,
      }));
      this.alarmTopic = topic;
    }

    const lb = props.loadBalancer.metrics;
    const tg = props.targetGroup.metrics;
    const period = Duration.minutes(5);
    const requests = lb.requestCount({ period, statistic: 'Sum' });
    const target5xx = tg.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period, statistic: 'Sum' });
    const errorRate = new cloudwatch.MathExpression({
      expression: '100 * errors / MAX([requests, 1])',
      usingMetrics: { errors: target5xx, requests },
      label: 'Target 5xx (% of requests)',
      period,
    });
    const healthy = tg.healthyHostCount({ period: Duration.minutes(1), statistic: 'Minimum' });
    const unhealthy = tg.unhealthyHostCount({ period: Duration.minutes(1), statistic: 'Maximum' });

    // What BaseService.metricCpuUtilization() gives, from the IBaseService an imported service has too.
    const serviceMetric = (metricName: string) => new cloudwatch.Metric({
      namespace: 'AWS/ECS',
      metricName,
      dimensionsMap: { ClusterName: props.service.cluster.clusterName, ServiceName: props.service.serviceName },
      period,
    }).attachTo(props.service);

    this.alarmAction = new actions.SnsAction(this.alarmTopic);
    const alarm = this.newAlarm.bind(this);
    const serverErrors = alarm('ServerErrorRate', `More than ${threshold}% of requests ended in a target 5xx over 5 minutes`, errorRate, threshold,
      cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, 1);
    const unhealthyHosts = alarm('UnhealthyHosts', 'At least one task failed the target group health check for 3 minutes', unhealthy, 1,
      cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 3);
    // The target group's healthy count, not Container Insights' RunningTaskCount: it exists for
    // every cluster (a cluster the user passes may have Container Insights off, and the alarm
    // would then see no data and stay in alarm), costs no custom metric, and counts only tasks
    // that pass the health check.
    const healthyTasks = alarm('HealthyTasks', `Fewer than ${props.minRunningTasks} healthy tasks for 3 minutes`, healthy, props.minRunningTasks,
      cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD, 3);
    // No data from the target group is an outage, not a quiet night.
    (healthyTasks.node.defaultChild as cloudwatch.CfnAlarm).treatMissingData = cloudwatch.TreatMissingData.BREACHING;
    this.alarms = [serverErrors, unhealthyHosts, healthyTasks];
    this.releaseAlarmList = [serverErrors, unhealthyHosts];

    if (props.dashboard) {
      const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
      dashboard.addWidgets(
        new cloudwatch.GraphWidget({ title: 'Requests and target 5xx', left: [requests], right: [target5xx], width: 8 }),
        new cloudwatch.GraphWidget({ title: 'Target response time', left: [tg.targetResponseTime({ period, statistic: 'p90' }), tg.targetResponseTime({ period, statistic: 'p50' })], width: 8 }),
        new cloudwatch.GraphWidget({ title: 'Healthy and unhealthy tasks', left: [healthy, unhealthy], width: 8 }),
      );
      dashboard.addWidgets(
        new cloudwatch.GraphWidget({ title: 'Task CPU and memory (%)', left: [serviceMetric('CPUUtilization'), serviceMetric('MemoryUtilization')], width: 8 }),
        new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 16 }),
      );
      if (props.webAclMetricName) {
        const waf = (metricName: string) => new cloudwatch.Metric({
          namespace: 'AWS/WAFV2',
          metricName,
          dimensionsMap: { WebACL: props.webAclMetricName!, Rule: 'ALL' },
          region: 'us-east-1',
          period,
          statistic: 'Sum',
        });
        dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'WAF requests (us-east-1)', left: [waf('AllowedRequests'), waf('BlockedRequests')], width: 24 }));
      }
      this.dashboard = dashboard;
    }
  }

  /**
   * Adds an alarm on errors of `fn` (any error within 5 minutes), notifying the alarm topic like
   * the other alarms, and adds it to `alarms`. `SecureContainerChatbot` adds one for the
   * origin-verify rotation function.
   *
   * @param id the alarm's construct id, unique within this construct
   * @param fn the function to watch
   * @param description what an error means and what to do, sent with the notification
   */
  public alarmOnFunctionErrors(id: string, fn: lambda.IFunction, description: string): cloudwatch.Alarm {
    const errors = fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' });
    const alarm = this.newAlarm(id, description, errors, 1, cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, 1);
    this.alarms.push(alarm);
    return alarm;
  }

  /**
   * Adds an alarm on the share of requests that target groups of a load balancer answer with a
   * target 5xx (over 5 minutes, the threshold of `serverErrorRatePercent`), notifying the alarm
   * topic: for a backend whose deployment shifts traffic, over both of its target groups.
   *
   * @param id the alarm's construct id
   * @param loadBalancer the load balancer of the target groups
   * @param targetGroups the target groups whose answers count together
   * @param description what the alarm means and what to do, sent with the notification
   */
  public alarmOnServerErrors(id: string, loadBalancer: elbv2.IApplicationLoadBalancer, targetGroups: elbv2.IApplicationTargetGroup[],
    description: string): cloudwatch.Alarm {
    const period = Duration.minutes(5);
    const usingMetrics: { [name: string]: cloudwatch.IMetric } = {};
    targetGroups.forEach((tg, i) => {
      usingMetrics[`errors${i}`] = tg.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period, statistic: 'Sum' });
      usingMetrics[`requests${i}`] = tg.metrics.requestCount({ period, statistic: 'Sum' });
    });
    const sum = (name: string) => targetGroups.map((_, i) => `FILL(${name}${i}, 0)`).join(' + ');
    const errorRate = new cloudwatch.MathExpression({
      expression: `100 * (${sum('errors')}) / MAX([${sum('requests')}, 1])`,
      usingMetrics,
      label: `Target 5xx of ${loadBalancer.node.id} (% of requests)`,
      period,
    });
    const alarm = this.newAlarm(id, description, errorRate, this.serverErrorRatePercent, cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, 1);
    this.alarms.push(alarm);
    return alarm;
  }

  /**
   * The alarms that mean a bad release and can roll a deployment back: the target 5xx rate and
   * unhealthy tasks. Not the healthy-task alarm, which treats missing data as an outage and is
   * in ALARM before the first tasks of a new stack exist.
   */
  public releaseAlarms(): cloudwatch.Alarm[] {
    return [...this.releaseAlarmList];
  }

  private newAlarm(alarmId: string, description: string, metric: cloudwatch.IMetric, thresholdValue: number,
    comparisonOperator: cloudwatch.ComparisonOperator, evaluationPeriods: number): cloudwatch.Alarm {
    const a = new cloudwatch.Alarm(this, alarmId, {
      alarmDescription: description,
      metric,
      threshold: thresholdValue,
      comparisonOperator,
      evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    a.addAlarmAction(this.alarmAction);
    a.addOkAction(this.alarmAction);
    return a;
  }
}

const MONITORING_TYPES: PropTypes = {
  ...MONITORING_OPTION_TYPES,
  loadBalancer: objectType('elbv2 load balancer', 'loadBalancerArn'),
  targetGroup: objectType('elbv2 target group', 'targetGroupArn'),
  service: objectType('ecs service', 'serviceName'),
  minRunningTasks: numberType('2'),
  webAclMetricName: stringType(),
  topicEncryptionKey: objectType('kms.IKey', 'keyArn'),
  removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
};
