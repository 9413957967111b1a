import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ChatbotDeploymentStrategy } from './deployment-strategy';

/**
 * The settings that decide how long a rolling deployment and a rollback take. The defaults are
 * chosen for a Streamlit app that starts in seconds and keeps each session on one task.
 *
 * Modelled critical path of a rolling deployment with the defaults (2 tasks, up to 200%, so both
 * new tasks start at once): Fargate places the tasks and pulls the image (about 30-60 s, outside
 * these settings), the app starts (Streamlit: a few seconds), the target group sees it healthy
 * after `healthyThresholdCount` x `healthCheckInterval` = 20 s, the old tasks drain for
 * `deregistrationDelay` = 30 s, then get SIGTERM and stop well within `stopTimeout` (Streamlit
 * exits in under a second). About 50 s plus placement and pull: 80-110 s in all.
 *
 * A failing deployment: each new task has `healthCheckGracePeriod` = 60 s, then fails after
 * `unhealthyThresholdCount` x `healthCheckInterval` = 30 s; the circuit breaker rolls back after
 * 3 failed tasks (two rounds of two), about 2 x (pull + 90 s) = 4-5 minutes, then the rollback
 * itself takes one rolling deployment.
 */
export interface ChatbotDeploymentSettings {
  /**
   * Time between two target group health checks.
   *
   * @default Duration.seconds(10)
   */
  readonly healthCheckInterval?: Duration;

  /**
   * How long a health check may take; less than the interval.
   *
   * @default Duration.seconds(5)
   */
  readonly healthCheckTimeout?: Duration;

  /**
   * Consecutive passed checks before a new task gets traffic.
   *
   * @default 2
   */
  readonly healthyThresholdCount?: number;

  /**
   * Consecutive failed checks before a task is replaced.
   *
   * @default 3
   */
  readonly unhealthyThresholdCount?: number;

  /**
   * How long a deregistering task keeps serving in-flight requests. Streamlit sessions reconnect to
   * another task, so long drains only slow deployments.
   *
   * @default Duration.seconds(30)
   */
  readonly deregistrationDelay?: Duration;

  /**
   * How long ECS ignores failed health checks of a new task.
   *
   * @default Duration.seconds(60)
   */
  readonly healthCheckGracePeriod?: Duration;

  /**
   * How long a container has between SIGTERM and SIGKILL.
   *
   * @default Duration.seconds(30)
   */
  readonly stopTimeout?: Duration;

  /**
   * Percentage of the desired tasks that stays in service during a deployment.
   *
   * @default 100
   */
  readonly minHealthyPercent?: number;

  /**
   * Percentage of the desired tasks that may run during a deployment; 200 starts every new task
   * at once.
   *
   * @default 200
   */
  readonly maxHealthyPercent?: number;

  /**
   * CloudWatch alarms, in the service's Region, that stop a deployment and roll it back to the
   * last revision that completed when one of them goes into ALARM: while the new tasks start, and
   * for the bake time ECS adds after they reach steady state (derived from the alarms' periods).
   * The deployment circuit breaker still rolls back tasks that fail to start or to pass the health
   * check; the alarms add what a healthy-looking bad release does, such as a rise in 5xx answers.
   *
   * @default - none: only the circuit breaker rolls a deployment back
   */
  readonly rollbackAlarms?: cloudwatch.IAlarm[];

  /**
   * `SecureContainerChatbot` only: also roll a deployment back on the chatbot's own alarms that
   * mean a bad release. For its service: the target 5xx rate (`ingress.serverErrorRatePercent`)
   * and unhealthy tasks, not the healthy-task alarm, which treats missing data as an outage, so it
   * is in ALARM before the first tasks of a new stack exist and would roll the first deployment
   * back. For the backend (`backend.deployment`): a 5xx-rate alarm over its target groups, added
   * to the alarm topic for it. Needs the CloudFront ingress with `monitoring` on; refused elsewhere.
   *
   * @default false
   */
  readonly rollbackOnChatbotAlarms?: boolean;

  /**
   * How ECS replaces the tasks: rolling, or shifting traffic between two target groups (blue/green,
   * linear, canary) with a bake time in which the alarms of `rollbackAlarms` roll it back by moving
   * traffic back to the old tasks. A traffic-shifting strategy needs the service attached with an
   * alternate target group (`ChatbotService.attachWithAlternateTarget`), which `ChatbotBackend`
   * does (`backend.deployment` in the chatbot). The chatbot's own front service is refused one:
   * its listener rules authenticate before they forward, a combination ECS has documented as
   * unsupported for these strategies.
   *
   * @default ChatbotDeploymentStrategy.rolling()
   */
  readonly strategy?: ChatbotDeploymentStrategy;
}
