/**
 * Synthesizes every app under examples/ (each folder with a cdk.json) with the AWS CDK CLI into
 * examples/<name>/cdk.out/, in strict mode so that any warning annotation fails it, then prints one
 * screen per example: stacks, regions, resource counts, and the cdk-nag result (violations and the
 * library's acknowledgements).
 *
 * Usage: npm run synth:examples [-- name ...]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readAssembly } from './assembly';
import { CONTROL_TOWER_PREFIX } from '../src/shared/acknowledge';
import { sampleContext } from '../examples/user-values';

const root = path.resolve(__dirname, '..');
const examplesDir = path.join(root, 'examples');
const cdk = path.join(root, 'node_modules', '.bin', 'cdk');

const wanted = process.argv.slice(2);
const examples = fs.readdirSync(examplesDir)
  .filter((name) => fs.existsSync(path.join(examplesDir, name, 'cdk.json')))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

if (examples.length === 0) {
  console.error(`No example found${wanted.length ? ` named ${wanted.join(', ')}` : ''} under ${examplesDir}.`);
  process.exit(1);
}

let failed = 0;
for (const name of examples) {
  const dir = path.join(examplesDir, name);
  const outdir = path.join(dir, 'cdk.out');
  fs.rmSync(outdir, { recursive: true, force: true });
  const started = Date.now();
  // The values only a deploying team can give, as explicit samples (examples/<name>/sample-context.json).
  const samples = Object.entries(sampleContext(name)).flatMap(([key, value]) => ['--context', `${key}=${value}`]);
  const result = spawnSync(cdk, ['synth', '--strict', '--quiet', '--no-notices', '--no-version-reporting', '--output', outdir, ...samples], {
    cwd: dir,
    encoding: 'utf-8',
    // Offline and quiet: no telemetry, no update check.
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: 'true' },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);

  console.log(`\n=== examples/${name} (${seconds} s) ===`);
  if (result.status !== 0) {
    failed++;
    console.log(`cdk synth FAILED (exit ${result.status})`);
    console.log(`${result.stdout ?? ''}${result.stderr ?? ''}`.trim());
    continue;
  }
  const assembly = readAssembly(outdir);
  for (const stack of assembly.stacks) {
    const top = Object.entries(stack.resourceTypes).sort((a, b) => b[1] - a[1]).slice(0, 6)
      .map(([type, n]) => `${type.replace(/^AWS::/, '')} ${n}`).join(', ');
    const guard = stack.acknowledgements.filter((a) => a.id.startsWith(CONTROL_TOWER_PREFIX)).length;
    console.log(`  ${stack.name} (${stack.region}): ${stack.resourceCount} resources, ${stack.acknowledgements.length - guard} nag acknowledgements, `
      + `${guard} Control Tower exceptions`);
    console.log(`    ${top}`);
  }
  const all = assembly.stacks.flatMap((s) => s.acknowledgements);
  const guard = all.filter((a) => a.id.startsWith(CONTROL_TOWER_PREFIX)).length;
  const verdict = assembly.violations === 0 ? 'clean' : `${assembly.violations} violation(s)`;
  console.log(`  cdk-nag (AwsSolutions, HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1) and Control Tower proactive controls: ${verdict}; `
    + `${all.length - guard} nag acknowledgements and ${guard} Control Tower exceptions, all in the library`);
  console.log(`  output: ${path.relative(root, outdir)}/`);
  if (assembly.violations > 0) {
    failed++;
  }
}

if (failed > 0) {
  console.error(`\n${failed} of ${examples.length} example(s) failed.`);
  process.exit(1);
}
console.log(`\nAll ${examples.length} example(s) synthesized.`);
