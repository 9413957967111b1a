import { Token } from 'aws-cdk-lib';
import { PropType, PropsValidator, isKnown } from './validation';

// Values AWS accepts, from its API references, so that a wrong one is refused at synth time
// instead of failing the deployment.

/**
 * The retention periods CloudWatch Logs accepts (PutRetentionPolicy, `retentionInDays`), and
 * 9999, `logs.RetentionDays.INFINITE`, which aws-cdk-lib renders as no retention.
 */
const CLOUDWATCH_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 9999,
];

/** A `logs.RetentionDays` value: a retention CloudWatch Logs offers. Tokens pass. */
export function logRetentionType(): PropType {
  return {
    expected: 'a logs.RetentionDays value',
    accepted: `CloudWatch Logs keeps logs for ${CLOUDWATCH_RETENTION_DAYS.filter((d) => d !== 9999).join(', ')} days, or forever (INFINITE)`,
    fix: 'Pass a member of the enum, such as logs.RetentionDays.ONE_YEAR.',
    test: (v) => CLOUDWATCH_RETENTION_DAYS.includes(v as number) || (typeof v === 'number' && Token.isUnresolved(v)),
  };
}

/**
 * The task sizes Fargate offers for Linux tasks: memory in MiB by CPU units, each a range with a
 * step (Amazon ECS developer guide, "Task CPU and memory"; 8 and 16 vCPU need platform 1.4.0).
 */
const FARGATE_SIZES: ReadonlyArray<{ cpu: number; min: number; max: number; step: number; only?: number[] }> = [
  { cpu: 256, min: 512, max: 2048, step: 512, only: [512, 1024, 2048] },
  { cpu: 512, min: 1024, max: 4096, step: 1024 },
  { cpu: 1024, min: 2048, max: 8192, step: 1024 },
  { cpu: 2048, min: 4096, max: 16384, step: 1024 },
  { cpu: 4096, min: 8192, max: 30720, step: 1024 },
  { cpu: 8192, min: 16384, max: 61440, step: 4096 },
  { cpu: 16384, min: 32768, max: 122880, step: 8192 },
];

/** The memory sizes (MiB) Fargate offers for `cpu` units, as text: '512, 1024 or 2048', or '' for no such CPU size. */
function memoryChoices(cpu: number): string {
  const size = FARGATE_SIZES.find((s) => s.cpu === cpu);
  if (!size) {
    return '';
  }
  if (size.only) {
    return size.only.join(', ');
  }
  const count = (size.max - size.min) / size.step + 1;
  return count <= 4
    ? Array.from({ length: count }, (_, i) => size.min + i * size.step).join(', ')
    : `${size.min} to ${size.max} in steps of ${size.step}`;
}

/**
 * Records a problem when `cpu` and `memoryLimitMiB` are not a task size Fargate offers: both are
 * named, since either may be the one to change. Unknown values (tokens) are skipped.
 */
export function checkFargateSize(v: PropsValidator, cpu: number, memoryLimitMiB: number, cpuProp: string, memoryProp: string): void {
  if (!isKnown(cpu)) {
    return;
  }
  const size = FARGATE_SIZES.find((s) => s.cpu === cpu);
  if (!size) {
    v.fail(cpuProp, `is ${cpu}, which is not a Fargate task CPU size.`,
      `Use one of ${FARGATE_SIZES.map((s) => s.cpu).join(', ')} CPU units (1024 = 1 vCPU), with a \`${memoryProp}\` Fargate offers for it.`);
    return;
  }
  if (!isKnown(memoryLimitMiB)) {
    return;
  }
  const offers = (s: typeof size) => (s.only
    ? s.only.includes(memoryLimitMiB)
    : memoryLimitMiB >= s.min && memoryLimitMiB <= s.max && (memoryLimitMiB - s.min) % s.step === 0);
  if (!offers(size)) {
    const cpus = FARGATE_SIZES.filter(offers).map((s) => s.cpu);
    v.fail(cpuProp, `${cpu} and \`${memoryProp}\` ${memoryLimitMiB} are not a task size Fargate offers: with ${cpu} CPU units it offers ${memoryChoices(cpu)} MiB.`,
      cpus.length > 0
        ? `Set \`${memoryProp}\` to one of those, or \`${cpuProp}\` to ${cpus.join(' or ')} for ${memoryLimitMiB} MiB.`
        : `Set \`${memoryProp}\` to one of those.`);
  }
}

