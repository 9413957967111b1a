import * as fs from 'fs';
import * as path from 'path';

const SRC = path.resolve(__dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

test('no props field is named scope or id: jsii-pacmak flattens props into the Python constructor, after its own scope and id', () => {
  const clashes = sources(SRC).flatMap((file) => fs.readFileSync(file, 'utf-8').split('\n')
    .map((line, i) => ({ line, at: `${path.relative(SRC, file)}:${i + 1}` }))
    .filter(({ line }) => /^\s*readonly (scope|id)\??:/.test(line))
    .map(({ at }) => at));
  expect(clashes).toEqual([]);
});
