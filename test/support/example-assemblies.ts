import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildBasicExample } from '../../examples/basic/app';
import { buildEnterpriseSsoExample } from '../../examples/enterprise-sso/app';
import { buildHttpApiExample } from '../../examples/http-api/app';
import { addNagPacks } from '../../examples/nag-packs';
import { buildPrivateOriginExample } from '../../examples/private-origin/app';
import { buildStorageExample } from '../../examples/storage/app';
import { buildTwoTierExample } from '../../examples/two-tier/app';
import { sampleContext } from '../../examples/user-values';
import { Assembly, AssemblyStack, readAssembly } from '../../scripts/assembly';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every example app, by folder name, as the tests build it. */
export const EXAMPLES: { [name: string]: (app: App) => Stack } = {
  'basic': buildBasicExample,
  'storage': buildStorageExample,
  'two-tier': buildTwoTierExample,
  'http-api': buildHttpApiExample,
  'private-origin': buildPrivateOriginExample,
  'enterprise-sso': buildEnterpriseSsoExample,
};

/**
 * The cloud assembly of an example, synthesized in-process with the four cdk-nag packs. Test files
 * share it through a cache under .tmp/ keyed by the content of src/ and examples/, so the suite
 * synthesizes each example once per change rather than once per test file.
 */
export function exampleAssembly(name: string): Assembly {
  const build = EXAMPLES[name];
  if (!build) {
    throw new Error(`No example named ${name}`);
  }
  const dir = path.join(ROOT, '.tmp', 'test-assemblies', `${name}-${sourceHash()}`);
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    const staging = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
    const app = new App({ outdir: staging, context: sampleContext(name) });
    build(app);
    addNagPacks(app);
    app.synth(); // throws when a nag pack reports a finding
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    try {
      fs.renameSync(staging, dir);
    } catch {
      // Another test worker got there first with the same content.
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  return readAssembly(dir);
}

/** The template of the stack in `region` of an example (named `stackName` when the region has several). */
export function exampleTemplate(name: string, region: string, stackName?: string): Template {
  return Template.fromJSON(exampleStack(name, region, stackName).template as any);
}

export function exampleStack(name: string, region: string, stackName?: string): AssemblyStack {
  const stacks = exampleAssembly(name).stacks.filter((s) => s.region === region && (stackName === undefined || s.name === stackName));
  if (stacks.length !== 1) {
    throw new Error(`Example ${name} has ${stacks.length} stacks in ${region}${stackName ? ` named ${stackName}` : ''}: ${stacks.map((s) => s.name).join(', ')}`);
  }
  return stacks[0];
}

let cachedHash: string | undefined;
function sourceHash(): string {
  if (cachedHash) {
    return cachedHash;
  }
  const hash = crypto.createHash('sha256');
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['cdk.out', 'node_modules', '.venv', '__pycache__', '.pytest_cache', 'app'].includes(entry.name)) {
          visit(full);
        }
      } else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) {
        hash.update(full).update(fs.readFileSync(full));
      }
    }
  };
  visit(path.join(ROOT, 'src'));
  visit(path.join(ROOT, 'examples'));
  hash.update(fs.readFileSync(path.join(ROOT, 'package-lock.json')));
  cachedHash = hash.digest('hex').slice(0, 16);
  return cachedHash;
}
