import * as fs from 'fs';
import * as path from 'path';
import { EXAMPLES, exampleAssembly } from '../support/example-assemblies';

const FILE = path.join(__dirname, '..', 'logical-ids.json');

// Construct ids inside the library are API: renaming one changes a logical id, and CloudFormation
// then replaces that resource in every user's stack. This test makes any such change a reviewed
// diff of test/logical-ids.json (regenerate with UPDATE_LOGICAL_IDS=1 npx jest test/examples/logical-ids).
test('the logical ids of every example match the reviewed list', () => {
  const current: { [example: string]: { [stack: string]: string[] } } = {};
  for (const example of Object.keys(EXAMPLES)) {
    current[example] = {};
    for (const stack of exampleAssembly(example).stacks) {
      current[example][stack.name] = Object.entries(stack.template.Resources)
        .map(([logicalId, resource]) => `${logicalId} ${resource.Type}`)
        .sort();
    }
  }
  if (process.env.UPDATE_LOGICAL_IDS === '1') {
    fs.writeFileSync(FILE, JSON.stringify(current, null, 2) + '\n');
  }
  expect(current).toEqual(JSON.parse(fs.readFileSync(FILE, 'utf-8')));
});
