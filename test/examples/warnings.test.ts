import { EXAMPLES, exampleAssembly } from '../support/example-assemblies';

// `cdk synth --strict` (what `npm run synth:examples` runs) fails on any warning annotation, and a
// user's strict pipeline would too: the examples, built as users write them, must raise none.
describe.each(Object.keys(EXAMPLES))('examples/%s', (name) => {
  test('raises no warning annotation in any stack', () => {
    const warnings = exampleAssembly(name).stacks.flatMap((s) => s.warnings);
    expect(warnings).toEqual([]);
  });
});
