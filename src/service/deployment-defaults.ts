import { Duration, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ChatbotDeploymentSettings } from './deployment-settings';
import { PropsValidator, booleanType, durationType, isKnown, numberType, objectListType, objectType, regionOfArn, structType } from '../shared/validation';

/**
 * The timings of `ChatbotDeploymentSettings` with every default filled in: the one place the
 * defaults live, shared by the services and the load balancers in front of them.
 */
export function resolveDeploymentSettings(settings: ChatbotDeploymentSettings = {}): Required<Omit<ChatbotDeploymentSettings, 'rollbackAlarms' | 'rollbackOnChatbotAlarms' | 'strategy'>> {
  return {
    healthCheckInterval: settings.healthCheckInterval ?? Duration.seconds(10),
    healthCheckTimeout: settings.healthCheckTimeout ?? Duration.seconds(5),
    healthyThresholdCount: settings.healthyThresholdCount ?? 2,
    unhealthyThresholdCount: settings.unhealthyThresholdCount ?? 3,
    deregistrationDelay: settings.deregistrationDelay ?? Duration.seconds(30),
    healthCheckGracePeriod: settings.healthCheckGracePeriod ?? Duration.seconds(60),
    stopTimeout: settings.stopTimeout ?? Duration.seconds(30),
    minHealthyPercent: settings.minHealthyPercent ?? 100,
    maxHealthyPercent: settings.maxHealthyPercent ?? 200,
  };
}

/** The settings that act on the service, not on the load balancer in front of it. */
export const SERVICE_ONLY_SETTINGS = ['rollbackAlarms', 'rollbackOnChatbotAlarms', 'strategy'] as const;

/** The settings a load balancer takes (health check and drain timings), without the service's own. */
export function loadBalancerTimings(settings: ChatbotDeploymentSettings | undefined): ChatbotDeploymentSettings | undefined {
  return settings && { ...settings, rollbackAlarms: undefined, rollbackOnChatbotAlarms: undefined, strategy: undefined };
}

/** The HTTP health check of an application target group, from the deployment settings. */
export function httpHealthCheck(path: string, settings: ChatbotDeploymentSettings = {}): elbv2.HealthCheck {
  const d = resolveDeploymentSettings(settings);
  return {
    path,
    healthyHttpCodes: '200',
    interval: d.healthCheckInterval,
    timeout: d.healthCheckTimeout,
    healthyThresholdCount: d.healthyThresholdCount,
    unhealthyThresholdCount: d.unhealthyThresholdCount,
  };
}

/**
 * Records the deployment settings that AWS would refuse, named under `prefix` (`deployment.`):
 * the target group's health check (Elastic Load Balancing CreateTargetGroup: interval 5-300 s,
 * timeout 2-120 s and shorter than the interval, thresholds 2-10) and its deregistration delay
 * (0-3600 s), and the service's health check grace period (0-2147483647 s). Each one is checked
 * only when known at synth time.
 */
export function checkHealthCheckSettings(v: PropsValidator, settings: ChatbotDeploymentSettings | undefined, prefix: string): void {
  const d = settings ?? {};
  const seconds = (duration: Duration | undefined) => (duration && !duration.isUnresolved() ? duration.toSeconds() : undefined);
  const range = (prop: string, value: number | undefined, min: number, max: number, fix: string) => {
    if (value !== undefined) {
      v.check(Number.isInteger(value) && value >= min && value <= max, `${prefix}${prop}`,
        `must be a whole number of seconds from ${min} to ${max} (got ${value}).`, fix);
    }
  };
  const interval = seconds(d.healthCheckInterval);
  const timeout = seconds(d.healthCheckTimeout);
  range('healthCheckInterval', interval, 5, 300, 'Target groups check every 5 to 300 seconds; 10 suits a chat app.');
  range('healthCheckTimeout', timeout, 2, 120, 'Target groups wait 2 to 120 seconds for an answer; 5 suits a chat app.');
  if (interval !== undefined && timeout !== undefined) {
    v.check(timeout < interval, `${prefix}healthCheckTimeout`, `(${timeout} s) must be shorter than the interval (${interval} s).`,
      'Shorten the timeout or lengthen the interval.');
  }
  for (const prop of ['healthyThresholdCount', 'unhealthyThresholdCount'] as const) {
    const value = d[prop];
    if (value !== undefined && isKnown(value)) {
      v.check(Number.isInteger(value) && value >= 2 && value <= 10, `${prefix}${prop}`, `must be a whole number from 2 to 10 (got ${value}).`,
        'Target groups accept 2 to 10 consecutive checks.');
    }
  }
  range('deregistrationDelay', seconds(d.deregistrationDelay), 0, 3600, 'Target groups drain for 0 to 3600 seconds; 30 suits a chat app.');
  range('healthCheckGracePeriod', seconds(d.healthCheckGracePeriod), 0, 2147483647, 'Give a new task the seconds it needs to start, such as 60.');
}

/**
 * Records the deployment settings of a service that AWS would refuse, named under `prefix`: the
 * percentages (ECS: minimum 0-100, maximum above 100; here at least half the tasks keep serving),
 * Fargate's stop timeout (2-120 s), the health checks, and rollback alarms in another Region
 * (ECS reads deployment alarms in the service's Region).
 */
export function checkServiceDeployment(v: PropsValidator, settings: ChatbotDeploymentSettings | undefined, prefix: string,
  stackRegion: string): void {
  const d = settings ?? {};
  const at = (prop: string) => `${prefix}${prop}`;
  if (d.minHealthyPercent !== undefined && isKnown(d.minHealthyPercent)) {
    v.check(d.minHealthyPercent >= 50 && d.minHealthyPercent <= 100, at('minHealthyPercent'), `must be between 50 and 100 (got ${d.minHealthyPercent}).`,
      'Keep at least half the tasks serving during a deployment; 100 keeps all of them.');
  }
  if (d.maxHealthyPercent !== undefined && isKnown(d.maxHealthyPercent)) {
    v.check(d.maxHealthyPercent > 100 && d.maxHealthyPercent <= 400, at('maxHealthyPercent'), `must be above 100 and at most 400 (got ${d.maxHealthyPercent}).`,
      'Allow extra tasks during a deployment, or no new task could start while all old ones keep serving.');
  }
  if (d.stopTimeout && !d.stopTimeout.isUnresolved()) {
    v.check(d.stopTimeout.toSeconds() >= 2 && d.stopTimeout.toSeconds() <= 120, at('stopTimeout'), `must be between 2 and 120 seconds (got ${d.stopTimeout.toSeconds()}).`,
      'Fargate allows up to 120 seconds between SIGTERM and SIGKILL.');
  }
  checkHealthCheckSettings(v, settings, prefix);
  v.check(d.rollbackAlarms === undefined || d.rollbackAlarms.length > 0, at('rollbackAlarms'), 'is an empty list.',
    'Leave it out to roll back on the circuit breaker alone, or list the alarms that mean a bad release.');
  for (const alarm of d.rollbackAlarms ?? []) {
    const region = regionOfArn(alarm.alarmArn);
    if (region !== undefined && !Token.isUnresolved(stackRegion)) {
      v.check(region === stackRegion, at('rollbackAlarms'), `holds an alarm in ${region}, but the service runs in ${stackRegion}, and ECS reads deployment alarms in its own Region.`,
        'Create the alarm in the service\'s Region.');
    }
  }
  d.strategy?._check(v, `${prefix}strategy.`);
  // The L3 takes this one out before it builds the service: here it would have nothing to point at.
  v.check(!d.rollbackOnChatbotAlarms, at('rollbackOnChatbotAlarms'), 'is set outside SecureContainerChatbot, where there are no chatbot alarms.',
    `Pass your alarms in \`${at('rollbackAlarms')}\`, or leave it to SecureContainerChatbot.`);
}

/** What a JavaScript or Python caller must pass as `deployment`: each timing of the right type. */
export const DEPLOYMENT_SETTINGS_TYPE = structType('ChatbotDeploymentSettings', {
  healthCheckInterval: durationType('Duration.seconds(10)'),
  healthCheckTimeout: durationType('Duration.seconds(5)'),
  healthyThresholdCount: numberType('2'),
  unhealthyThresholdCount: numberType('3'),
  deregistrationDelay: durationType('Duration.seconds(30)'),
  healthCheckGracePeriod: durationType('Duration.seconds(60)'),
  stopTimeout: durationType('Duration.seconds(30)'),
  minHealthyPercent: numberType('100'),
  maxHealthyPercent: numberType('200'),
  rollbackAlarms: objectListType('cloudwatch.IAlarm', 'alarmArn', '[alarm]'),
  rollbackOnChatbotAlarms: booleanType(),
  strategy: objectType('ChatbotDeploymentStrategy', '_config', 'ChatbotDeploymentStrategy.canary()'),
});
