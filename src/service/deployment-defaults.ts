import { Duration } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ChatbotDeploymentSettings } from './deployment-settings';

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
