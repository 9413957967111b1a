/**
 * How integ-runner runs an integ app (its `--app`): the app itself, in this process, then one
 * relabel of the cloud assembly it wrote (and its construct traces made relative to the repository).
 *
 * Why the relabel: aws-cdk-lib 2.258 and newer write cloud-assembly schema 54, and the newest
 * published @aws-cdk/integ-runner (2.197.10) bundles a toolkit that reads schema 53 at most, so it
 * refuses every assembly of this project ("Cloud assembly schema version mismatch"). npm overrides
 * cannot reach the schema package, which is bundled into the runner. The content of the assembly
 * is valid under schema 53's validation (the runner validates each manifest with the schema it
 * bundles), so the relabel changes the version numbers only: `version` of manifest.json, of each
 * asset manifest, of integ.json and of the `cdk.out` marker, from 54.x to 53.0.0. Templates are
 * untouched. Remove this file, and run the apps directly, once an integ-runner that reads schema 54
 * is published.
 *
 * Usage (what the projen tasks pass to integ-runner):
 *   --app "ts-node --project tsconfig.examples.json --transpile-only test/integ/run-app.ts {filePath}"
 */
import * as fs from 'fs';
import * as path from 'path';

/** The newest cloud-assembly schema major version that the pinned integ-runner reads. */
export const RUNNER_SCHEMA_MAJOR = 53;

/** Relabels every manifest under `outdir` written with a newer schema major version; returns the files changed. */
export function relabelAssembly(outdir: string, major: number = RUNNER_SCHEMA_MAJOR): string[] {
  const changed: string[] = [];
  for (const name of fs.readdirSync(outdir)) {
    const file = path.join(outdir, name);
    const isManifest = name === 'manifest.json' || name === 'integ.json' || name === 'cdk.out' || name.endsWith('.assets.json');
    if (!isManifest || !fs.statSync(file).isFile()) {
      continue;
    }
    const text = fs.readFileSync(file, 'utf-8');
    const json = JSON.parse(text);
    const written = typeof json.version === 'string' ? Number(json.version.split('.')[0]) : NaN;
    if (!(written > major)) {
      continue;
    }
    json.version = `${major}.0.0`;
    fs.writeFileSync(file, text.startsWith('{\n') ? JSON.stringify(json, undefined, 2) : JSON.stringify(json));
    changed.push(name);
  }
  return changed;
}

/**
 * Makes the paths of this checkout in the construct traces (`aws:cdk:creationStack` in the stacks'
 * metadata, the validation report) relative to the repository, so that a snapshot written on one
 * machine is the same on another. integ-runner compares the templates only; these files are
 * committed for reading.
 */
export function relativizeTraces(outdir: string, root: string): string[] {
  const changed: string[] = [];
  const prefix = root.endsWith(path.sep) ? root : `${root}${path.sep}`;
  for (const name of fs.readdirSync(outdir)) {
    if (!(name.endsWith('.metadata.json') || name === 'validation-report.json')) {
      continue;
    }
    const file = path.join(outdir, name);
    const text = fs.readFileSync(file, 'utf-8');
    if (text.includes(prefix)) {
      fs.writeFileSync(file, text.split(prefix).join(''));
      changed.push(name);
    }
  }
  return changed;
}

if (require.main === module) {
  const app = process.argv[2];
  const outdir = process.env.CDK_OUTDIR;
  if (!app || !outdir) {
    console.error('Usage: CDK_OUTDIR=<dir> ts-node test/integ/run-app.ts <integ app> (integ-runner sets CDK_OUTDIR)');
    process.exit(2);
  }
  // The app synthesizes on the process's beforeExit (aws-cdk-lib's autoSynth), registered while it
  // loads; this listener comes after it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded synchronously, so that its listener is first
  require(path.resolve(app));
  process.once('beforeExit', () => {
    relabelAssembly(outdir);
    relativizeTraces(outdir, path.resolve(__dirname, '..', '..'));
  });
}
