import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');

test('the README\'s Python example is the app CI synthesizes against the built wheel', () => {
  const app = fs.readFileSync(path.join(ROOT, 'test', 'python', 'app.py'), 'utf-8');
  expect(readme).toContain('```python\n' + app + '```');
});

test('the README\'s TypeScript example is the app CI synthesizes against the packed library', () => {
  const app = fs.readFileSync(path.join(ROOT, 'test', 'typescript', 'app.ts'), 'utf-8');
  expect(readme).toContain('```ts\n' + app + '```');
});

test('the README gives the two quick-start commands that CI runs', () => {
  expect(readme).toContain('npm ci && npm run synth:examples');
  expect(readme).toContain('npm ci && npm test');
  const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf-8');
  expect(ci).toMatch(/npm run synth:examples/);
  expect(ci).toMatch(/npm test/);
});
