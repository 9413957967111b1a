import { Duration, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { KnownKeys, PropsValidator, checkKnownKeys, isKnown } from '../shared/validation';

/** Options of `ChatbotDeploymentStrategy.blueGreen()`. */
export interface ChatbotBlueGreenOptions {
  /**
   * How long the old tasks keep running after all traffic has moved to the new ones, so that a
   * rollback needs no new tasks. Whole minutes from 0 to 1440.
   *
   * @default Duration.minutes(10)
   */
  readonly bakeTime?: Duration;
}

/** Options of `ChatbotDeploymentStrategy.linear()`. */
export interface ChatbotLinearOptions extends ChatbotBlueGreenOptions {
  /**
   * The share of traffic each step moves to the new tasks, in percent: from 3 to 100, in steps
   * of 0.1.
   *
   * @default 25
   */
  readonly stepPercent?: number;

  /**
   * How long each step waits, watching the alarms, before the next. Whole minutes from 0 to 1440.
   *
   * @default Duration.minutes(5)
   */
  readonly stepBakeTime?: Duration;
}

/** Options of `ChatbotDeploymentStrategy.canary()`. */
export interface ChatbotCanaryOptions extends ChatbotBlueGreenOptions {
  /**
   * The share of traffic the new tasks get first, in percent: from 0.1 to 100, in steps of 0.1.
   *
   * @default 10
   */
  readonly canaryPercent?: number;

  /**
   * How long the canary share runs, watching the alarms, before all traffic moves. Whole minutes
   * from 0 to 1440.
   *
   * @default Duration.minutes(10)
   */
  readonly canaryBakeTime?: Duration;
}

/** What a strategy sets on the ECS service. */
export interface DeploymentStrategyConfig {
  /** The ECS strategy. */
  readonly deploymentStrategy: ecs.DeploymentStrategy;
  /**
   * How long the old tasks stay after the traffic has moved.
   *
   * @default - none (rolling)
   */
  readonly bakeTime?: Duration;
  /**
   * The steps of a linear strategy.
   *
   * @default - none
   */
  readonly linearConfiguration?: ecs.TrafficShiftConfig;
  /**
   * The canary share and its bake time.
   *
   * @default - none
   */
  readonly canaryConfiguration?: ecs.TrafficShiftConfig;
}

/**
 * How ECS replaces the tasks of a service on a deployment.
 *
 * Rolling (the default) starts new tasks next to the old ones and moves every new connection to
 * them once they are healthy. Blue/green, linear and canary start a full set of new tasks in a
 * second target group and move traffic to it by rewriting the weights of the production listener
 * rule: all at once after they are healthy, in equal steps, or a first share and then the rest.
 * The old tasks keep running for the bake time, so a rollback (an alarm in ALARM, or a stopped
 * deployment) moves traffic back without starting anything.
 */
export abstract class ChatbotDeploymentStrategy {
  /** Rolling replacement behind one target group, rolled back by the circuit breaker. */
  public static rolling(): ChatbotDeploymentStrategy {
    return new Strategy('ROLLING', {}, () => ({ deploymentStrategy: ecs.DeploymentStrategy.ROLLING }));
  }

  /**
   * All traffic moves to the new tasks once they are healthy; the old ones stay for the bake time.
   *
   * @param options the bake time
   */
  public static blueGreen(options: ChatbotBlueGreenOptions = {}): ChatbotDeploymentStrategy {
    return new Strategy('BLUE_GREEN', options, () => ({
      deploymentStrategy: ecs.DeploymentStrategy.BLUE_GREEN,
      bakeTime: options.bakeTime ?? DEFAULT_BAKE_TIME,
    }));
  }

  /**
   * Traffic moves to the new tasks in equal steps, each watched for `stepBakeTime`.
   *
   * @param options the step and the bake times
   */
  public static linear(options: ChatbotLinearOptions = {}): ChatbotDeploymentStrategy {
    return new Strategy('LINEAR', options, () => ({
      deploymentStrategy: ecs.DeploymentStrategy.LINEAR,
      bakeTime: options.bakeTime ?? DEFAULT_BAKE_TIME,
      linearConfiguration: { stepPercent: options.stepPercent ?? 25, stepBakeTime: options.stepBakeTime ?? Duration.minutes(5) },
    }));
  }

  /**
   * A first share of traffic goes to the new tasks for `canaryBakeTime`, then the rest.
   *
   * @param options the canary share and the bake times
   */
  public static canary(options: ChatbotCanaryOptions = {}): ChatbotDeploymentStrategy {
    return new Strategy('CANARY', options, () => ({
      deploymentStrategy: ecs.DeploymentStrategy.CANARY,
      bakeTime: options.bakeTime ?? DEFAULT_BAKE_TIME,
      canaryConfiguration: { stepPercent: options.canaryPercent ?? 10, stepBakeTime: options.canaryBakeTime ?? Duration.minutes(10) },
    }));
  }

  /** The ECS strategy: ROLLING, BLUE_GREEN, LINEAR or CANARY. */
  public abstract readonly name: string;

  /** Whether traffic shifts between two target groups (every strategy but rolling). */
  public abstract readonly shiftsTraffic: boolean;

  /**
   * Records the options that ECS would refuse, named under `prefix` (`deployment.strategy.`).
   *
   * @internal
   */
  public abstract _check(v: PropsValidator, prefix: string): void;

  /**
   * What the strategy sets on the ECS service.
   *
   * @internal
   */
  public abstract _config(): DeploymentStrategyConfig;
}

const DEFAULT_BAKE_TIME = Duration.minutes(10);

// The options each factory takes, and which factory takes an option the others do not.
const STRATEGY_OPTIONS: { [name: string]: KnownKeys } = {
  ROLLING: [],
  BLUE_GREEN: ['bakeTime'],
  LINEAR: ['bakeTime', 'stepPercent', 'stepBakeTime'],
  CANARY: ['bakeTime', 'canaryPercent', 'canaryBakeTime'],
};
const OPTION_OF: { [key: string]: string } = {
  stepPercent: 'ChatbotDeploymentStrategy.linear()',
  stepBakeTime: 'ChatbotDeploymentStrategy.linear()',
  canaryPercent: 'ChatbotDeploymentStrategy.canary()',
  canaryBakeTime: 'ChatbotDeploymentStrategy.canary()',
};

class Strategy extends ChatbotDeploymentStrategy {
  public readonly shiftsTraffic: boolean;

  constructor(public readonly name: string, private readonly options: ChatbotCanaryOptions & ChatbotLinearOptions,
    private readonly config: () => DeploymentStrategyConfig) {
    super();
    this.shiftsTraffic = name !== 'ROLLING';
  }

  public _config(): DeploymentStrategyConfig {
    return this.config();
  }

  public _check(v: PropsValidator, prefix: string): void {
    // From JavaScript or Python, an option of another strategy would otherwise be ignored.
    checkKnownKeys(v, this.options, STRATEGY_OPTIONS[this.name], prefix, OPTION_OF);
    // Limits of ECS DeploymentConfiguration (BakeTimeInMinutes, LinearConfiguration, CanaryConfiguration).
    const minutes = (prop: string, value: Duration | undefined) => {
      if (value !== undefined && !value.isUnresolved()) {
        const m = value.toSeconds() / 60;
        v.check(Number.isInteger(m) && m >= 0 && m <= 1440, `${prefix}${prop}`, `must be whole minutes from 0 to 1440 (got ${value.toSeconds()} s).`,
          'ECS counts bake times in minutes, up to a day.');
      }
    };
    const percent = (prop: string, value: number | undefined, min: number) => {
      if (value !== undefined && isKnown(value) && !Token.isUnresolved(value)) {
        v.check(value >= min && value <= 100 && Math.abs(value * 10 - Math.round(value * 10)) < 1e-9, `${prefix}${prop}`,
          `must be from ${min} to 100 in steps of 0.1 (got ${value}).`, 'ECS shifts traffic in tenths of a percent.');
      }
    };
    minutes('bakeTime', this.options.bakeTime);
    minutes('stepBakeTime', this.options.stepBakeTime);
    minutes('canaryBakeTime', this.options.canaryBakeTime);
    percent('stepPercent', this.options.stepPercent, 3);
    percent('canaryPercent', this.options.canaryPercent, 0.1);
  }
}
