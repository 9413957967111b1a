import { Duration } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ChatbotDeploymentSettings } from './deployment-settings';
import { PropsValidator, durationType, isKnown, numberType, structType } from '../shared/validation';

/**
 * The timings of `ChatbotDeploymentSettings` with every default filled in: the one place the
 * defaults live, shared by the services and the load balancers in front of them.
 */
export function resolveDeploymentSettings(settings: ChatbotDeploymentSettings = {}): Required<ChatbotDeploymentSettings> {
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
});
