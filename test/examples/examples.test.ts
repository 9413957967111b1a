import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { sampleContext } from '../../examples/user-values';
import { CONTROL_TOWER_PREFIX } from '../../src/shared/acknowledge';
import { EXAMPLES, exampleAssembly } from '../support/example-assemblies';

const ROOT = path.resolve(__dirname, '..', '..');
const ACK_FILE = path.join(ROOT, 'test', 'nag-acknowledgements.json');
const GUARD_FILE = path.join(ROOT, 'test', 'guard-exceptions.json');

type Reviewed = { [example: string]: Array<{ path: string; id: string; reason: string }> };

/** The library's acknowledgements in every example: the Control Tower ones, or all the others. */
function acknowledgements(controlTower: boolean): Reviewed {
  const current: Reviewed = {};
  for (const name of Object.keys(EXAMPLES)) {
    current[name] = exampleAssembly(name).stacks.flatMap((s) => s.acknowledgements)
      .filter((a) => a.id.startsWith(CONTROL_TOWER_PREFIX) === controlTower)
      .map((a) => ({ path: a.path, id: a.id.replace(/^Annotation::/, ''), reason: a.reason }));
  }
  return current;
}

describe.each(Object.keys(EXAMPLES))('examples/%s', (name) => {
  test('synthesizes with zero findings under AwsSolutions, HIPAA Security, NIST 800-53 rev 5, PCI DSS 3.2.1 and the Control Tower proactive controls', () => {
    // exampleAssembly() synthesizes with the packs and the controls as validation plugins; any finding throws.
    const assembly = exampleAssembly(name);
    expect(assembly.violations).toBe(0);
    expect(assembly.stacks.length).toBeGreaterThan(0);
  });

  test('acknowledges nothing itself: every acknowledgement comes from the library', () => {
    const sources = fs.readdirSync(path.join(ROOT, 'examples', name)).filter((f) => f.endsWith('.ts'));
    for (const file of sources) {
      const text = fs.readFileSync(path.join(ROOT, 'examples', name, file), 'utf-8');
      expect(text).not.toMatch(/acknowledge|Validations/);
    }
  });
});

test('the library\'s cdk-nag acknowledgements match the reviewed list in test/nag-acknowledgements.json', () => {
  const current = acknowledgements(false);
  if (process.env.UPDATE_NAG_ACKNOWLEDGEMENTS === '1') {
    fs.writeFileSync(ACK_FILE, JSON.stringify(current, null, 2) + '\n');
  }
  const reviewed = JSON.parse(fs.readFileSync(ACK_FILE, 'utf-8'));
  // A new, changed or removed acknowledgement must show up as a reviewed diff of that file
  // (regenerate it with UPDATE_NAG_ACKNOWLEDGEMENTS=1 npx jest test/examples).
  expect(current).toEqual(reviewed);
  for (const acks of Object.values(current)) {
    for (const ack of acks) {
      expect(ack.reason.length).toBeGreaterThan(60);
    }
  }
});

test('the library\'s Control Tower exceptions match the reviewed list in test/guard-exceptions.json', () => {
  const current = acknowledgements(true);
  if (process.env.UPDATE_NAG_ACKNOWLEDGEMENTS === '1') {
    fs.writeFileSync(GUARD_FILE, JSON.stringify(current, null, 2) + '\n');
  }
  expect(current).toEqual(JSON.parse(fs.readFileSync(GUARD_FILE, 'utf-8')));
  for (const acks of Object.values(current)) {
    for (const ack of acks) {
      expect(ack.reason.length).toBeGreaterThan(60);
    }
  }
});

describe('values only the deploying team can give come from context, never from a sample', () => {
  test.each([
    ['enterprise-sso', 'enterprise-sso:entraIdMetadataUrl'],
    ['two-tier', 'two-tier:searchApiKeySecretName'],
  ])('examples/%s without its context fails at synth, naming %s', (name, key) => {
    expect(() => EXAMPLES[name](new App())).toThrow(new RegExp(`The context value \`${key}\` is missing: .+ Pass it with \`cdk deploy -c ${key}=<value>\``));
  });

  test.each(['enterprise-sso', 'two-tier'])('examples/%s: every sample key is read, and the samples reach the template', (name) => {
    const samples = sampleContext(name);
    expect(Object.keys(samples).length).toBeGreaterThan(0);
    const templates = JSON.stringify(exampleAssembly(name).stacks.map((s) => s.template));
    for (const [key, value] of Object.entries(samples)) {
      // Each key is required: without it alone, the app fails naming it.
      const rest = Object.fromEntries(Object.entries(samples).filter(([k]) => k !== key));
      expect(() => EXAMPLES[name](new App({ context: rest }))).toThrow(`\`${key}\``);
      expect(templates).toContain(value);
    }
  });
});
