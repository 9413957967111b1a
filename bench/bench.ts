/**
 * Synth benchmark: examples/basic (the library, without cdk-nag packs) against bench/baseline (the
 * same architecture by hand with stock aws-cdk-lib). Runs alternate between the two, each in a
 * fresh child process timed from here, so both pay the same Node and ts-node start-up. Prints the
 * median and range of each, their ratio, and template size and resource count per stack; then the
 * same sizes for every examples/<name>/cdk.out found. Not part of the test suite; nothing asserted.
 *
 * Usage: ts-node --project tsconfig.examples.json bench/bench.ts [--runs N]   (default 5)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readAssembly } from '../scripts/assembly';

type Target = 'basic' | 'baseline';

const root = path.resolve(__dirname, '..');
// What `npx ts-node` resolves to, without npx's own start-up on every run.
const tsNode = path.join(root, 'node_modules', '.bin', 'ts-node');

function parseRuns(argv: string[]): number {
  const i = argv.indexOf('--runs');
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--runs='))?.split('=')[1];
  if (value === undefined) {
    return 5;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--runs needs a positive integer, got ${value}`);
    process.exit(2);
  }
  return n;
}

interface Run {
  readonly wallMs: number;
  readonly readyMs: number;
  readonly synthMs: number;
}

function synthOnce(target: Target, outdir: string): Run {
  const started = process.hrtime.bigint();
  const result = spawnSync(tsNode, ['--project', 'tsconfig.examples.json', '--transpile-only', 'bench/synth-once.ts', target, outdir], {
    cwd: root,
    encoding: 'utf-8',
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    console.error(`synth of ${target} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    process.exit(1);
  }
  const line = result.stdout.trim().split('\n').pop() ?? '{}';
  const { readyMs, synthMs } = JSON.parse(line);
  return { wallMs, readyMs, synthMs };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);

function summary(runs: Run[], pick: (r: Run) => number): string {
  const values = runs.map(pick);
  return `median ${seconds(median(values))} s (min ${seconds(Math.min(...values))}, max ${seconds(Math.max(...values))})`;
}

/** Template bytes and resource count of each stack of a cloud assembly. */
function sizes(outdir: string): Array<{ stack: string; region: string; bytes: number; resources: number }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf-8'));
  return readAssembly(outdir).stacks.map((stack) => ({
    stack: stack.name,
    region: stack.region,
    bytes: fs.statSync(path.join(outdir, manifest.artifacts[stack.artifactId].properties.templateFile)).size,
    resources: stack.resourceCount,
  }));
}

function printSizes(title: string, outdir: string): void {
  const rows = sizes(outdir);
  console.log(`  ${title}`);
  for (const r of rows) {
    console.log(`    ${r.stack.padEnd(28)} ${r.region.padEnd(14)} ${r.bytes.toLocaleString('en-US').padStart(9)} bytes  ${String(r.resources).padStart(4)} resources`);
  }
  const bytes = rows.reduce((n, r) => n + r.bytes, 0);
  const resources = rows.reduce((n, r) => n + r.resources, 0);
  console.log(`    ${'total'.padEnd(28)} ${''.padEnd(14)} ${bytes.toLocaleString('en-US').padStart(9)} bytes  ${String(resources).padStart(4)} resources`);
}

const runs = parseRuns(process.argv.slice(2));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'chatbot-bench-'));
const results: Record<Target, Run[]> = { basic: [], baseline: [] };
const lastOutdir: Partial<Record<Target, string>> = {};

try {
  console.log(`Synth benchmark: ${runs} run(s) each, alternating, one child process per run (node ${process.version}, ${os.cpus().length} CPUs)`);
  for (let i = 0; i < runs; i++) {
    // Swap the order every round so neither target always runs on a warmer disk cache.
    const order: Target[] = i % 2 === 0 ? ['basic', 'baseline'] : ['baseline', 'basic'];
    for (const target of order) {
      const outdir = path.join(scratch, `${target}-${i}`);
      const run = synthOnce(target, outdir);
      results[target].push(run);
      if (lastOutdir[target]) {
        fs.rmSync(lastOutdir[target]!, { recursive: true, force: true });
      }
      lastOutdir[target] = outdir;
      console.log(`  run ${i + 1} ${target.padEnd(8)} wall ${seconds(run.wallMs)} s (in process: ready ${seconds(run.readyMs)} s, build+synth ${seconds(run.synthMs)} s)`);
    }
  }

  console.log('\nWall time per synth (child process start to exit):');
  console.log(`  basic (library, no nag packs)  ${summary(results.basic, (r) => r.wallMs)}`);
  console.log(`  baseline (stock aws-cdk-lib)   ${summary(results.baseline, (r) => r.wallMs)}`);
  const ratio = median(results.basic.map((r) => r.wallMs)) / median(results.baseline.map((r) => r.wallMs));
  console.log(`  ratio basic / baseline (medians) ${ratio.toFixed(2)}`);
  console.log('Build + synth inside the child (after Node and ts-node start-up):');
  console.log(`  basic     ${summary(results.basic, (r) => r.synthMs)}`);
  console.log(`  baseline  ${summary(results.baseline, (r) => r.synthMs)}`);
  const synthRatio = median(results.basic.map((r) => r.synthMs)) / median(results.baseline.map((r) => r.synthMs));
  console.log(`  ratio basic / baseline (medians) ${synthRatio.toFixed(2)}`);

  console.log('\nTemplates (this benchmark\'s synth, no nag packs):');
  printSizes('basic', lastOutdir.basic!);
  printSizes('baseline', lastOutdir.baseline!);
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}

const examplesDir = path.join(root, 'examples');
const synthesized = fs.readdirSync(examplesDir)
  .filter((name) => fs.existsSync(path.join(examplesDir, name, 'cdk.out', 'manifest.json')))
  .sort();
if (synthesized.length) {
  console.log('\nTemplates of examples/*/cdk.out (from `npm run synth:examples`, with nag packs, so with nag metadata):');
  for (const name of synthesized) {
    printSizes(`examples/${name}`, path.join(examplesDir, name, 'cdk.out'));
  }
} else {
  console.log('\nNo examples/*/cdk.out found; run `npm run synth:examples` to add their template sizes here.');
}
