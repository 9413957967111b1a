import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CONFIGURATIONS, synthesizeConfiguration } from '../../scripts/cost/configurations';
import { LineItem, estimateTemplate, repriceFargate, repriceInterfaceEndpoints, totalOf } from '../../scripts/cost/estimate';
import { EXAMPLES, exampleAssembly } from '../support/example-assemblies';

const ROOT = path.resolve(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
const costSection = readme.slice(readme.indexOf('## Cost and performance'), readme.indexOf('\n## ', readme.indexOf('## Cost and performance') + 1));

/** Body rows of the markdown table whose header line starts with `header`, as cells. */
function tableRows(header: string): string[][] {
  const lines = costSection.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) {
      break;
    }
    rows.push(line.split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}

const usd = (n: number) => n.toFixed(2);
const itemsOf = (stacks: { template: any; region: string }[]): LineItem[] => stacks.flatMap((s) => estimateTemplate(s.template, s.region).items);

describe('the README\'s cost section is what `npm run cost` prints', () => {
  test('each example: as built, with ARM64 tasks, with endpoints in one AZ', () => {
    const rows = tableRows('| example | idle USD/month');
    expect(rows.map((r) => r[0]).sort()).toEqual(Object.keys(EXAMPLES).sort());
    for (const [name, asBuilt, arm64, oneAz] of rows) {
      const items = itemsOf(exampleAssembly(name).stacks);
      expect({ name, figures: [asBuilt, arm64, oneAz] }).toEqual({
        name,
        figures: [usd(totalOf(items)), usd(totalOf(repriceFargate(items, 'ARM64'))), usd(totalOf(repriceInterfaceEndpoints(items, 1)))],
      });
    }
  });

  test('the configurations of basic, against their goals', () => {
    const rows = tableRows('| configuration of `basic`');
    const configurations = CONFIGURATIONS.basic;
    expect(rows).toHaveLength(configurations.length);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-cost-'));
    try {
      configurations.forEach((configuration, i) => {
        const total = totalOf(itemsOf(synthesizeConfiguration(configuration, path.join(scratch, String(i)))));
        const goal = configuration.goalUsd!;
        const verdict = total <= goal ? `${goal}` : `${goal} (missed by ${usd(total - goal)})`;
        expect({ configuration: configuration.name, row: rows[i].slice(1) })
          .toEqual({ configuration: configuration.name, row: [usd(total), verdict] });
      });
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});
