/**
 * Other configurations of an example that `npm run cost` synthesizes and prices next to the
 * example as built, so that their cost is measured on real templates rather than estimated.
 */
import { App } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { buildBasicExample } from '../../examples/basic/app';

export interface MeasuredConfiguration {
  /** Short name, shown in the output. */
  readonly name: string;
  /** What differs from the example as built. */
  readonly description: string;
  /** The idle monthly cost (USD) this configuration must stay within, if the project set one. */
  readonly goalUsd?: number;
  /** Builds the configuration's stacks into the app. */
  readonly build: (app: App) => void;
}

const SMALL_TASKS = { cpu: 256, memoryLimitMiB: 512 };

/** The configurations measured for each example, by example folder name. */
export const CONFIGURATIONS: { [example: string]: MeasuredConfiguration[] } = {
  basic: [
    {
      name: 'Small tasks',
      description: 'tasks of 0.25 vCPU / 0.5 GB (X86_64), every protection as built',
      goalUsd: 112,
      build: (app) => buildBasicExample(app, SMALL_TASKS),
    },
    {
      name: 'Lean',
      description: 'tasks of 0.25 vCPU / 0.5 GB on ARM64, interface endpoints in one AZ, every protection as built',
      goalUsd: 80,
      build: (app) => buildBasicExample(app, { ...SMALL_TASKS, cpuArchitecture: ecs.CpuArchitecture.ARM64, interfaceEndpointsInOneAz: true }),
    },
  ],
};

/** The templates (with their regions) of a configuration, synthesized in-process into a scratch folder. */
export function synthesizeConfiguration(configuration: MeasuredConfiguration, outdir: string): { template: any; region: string }[] {
  const app = new App({ outdir });
  configuration.build(app);
  return app.synth().stacks.map((stack) => ({ template: stack.template, region: stack.environment.region }));
}
