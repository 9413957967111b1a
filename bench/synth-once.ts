/**
 * One synth for the benchmark, in its own process: `synth-once.ts <basic|baseline> <outdir>`.
 * Only the chosen app's module is loaded, so a baseline run never loads the library. Prints one
 * JSON line: readyMs (process start to the app module loaded: Node, ts-node, aws-cdk-lib and,
 * for basic, the library transpiled) and synthMs (constructs built and the assembly written).
 */
import { App, Stack } from 'aws-cdk-lib';

type Builder = (app: App) => Stack;

const [which, outdir] = process.argv.slice(2);
if ((which !== 'basic' && which !== 'baseline') || !outdir) {
  console.error('usage: synth-once.ts <basic|baseline> <outdir>');
  process.exit(2);
}

// A lazy require keeps the other app (and, for the baseline, the library) out of the process.
/* eslint-disable @typescript-eslint/no-require-imports */
const build: Builder = which === 'basic'
  ? require('../examples/basic/app').buildBasicExample
  : require('./baseline/app').buildBaseline;
/* eslint-enable @typescript-eslint/no-require-imports */
const readyMs = process.uptime() * 1000;

const started = performance.now();
const app = new App({ outdir });
build(app); // no cdk-nag packs: this measures the library, not the rule packs
app.synth();
const synthMs = performance.now() - started;

console.log(JSON.stringify({ which, readyMs: Math.round(readyMs), synthMs: Math.round(synthMs) }));
