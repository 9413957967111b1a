/**
 * Idle monthly cost of each synthesized example (examples/<name>/cdk.out), summed over all its
 * stacks, from the committed price table. Beside the cost as built it shows two what-ifs: Fargate
 * on ARM64 (Graviton) and the interface VPC endpoints in one AZ instead of all. For an example with
 * configurations in configurations.ts, it then synthesizes each one and prices its templates
 * against the configuration's goal.
 *
 * Usage: ts-node --project tsconfig.examples.json scripts/cost/cost.ts [name ...]
 * Run `npm run synth:examples` first.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CONFIGURATIONS, synthesizeConfiguration } from './configurations';
import { KIND, LineItem, PRICES, estimateTemplate, repriceFargate, repriceInterfaceEndpoints, totalOf } from './estimate';
import { readAssembly } from '../assembly';

const root = path.resolve(__dirname, '..', '..');
const examplesDir = path.join(root, 'examples');

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const available = fs.existsSync(examplesDir)
  ? fs.readdirSync(examplesDir).filter((name) => fs.existsSync(path.join(examplesDir, name, 'cdk.out', 'manifest.json'))).sort()
  : [];
const missing = wanted.filter((name) => !available.includes(name));
const examples = wanted.length ? wanted.filter((name) => available.includes(name)) : available;

if (examples.length === 0 || missing.length > 0) {
  const which = missing.length ? `examples/${missing.join(', examples/')}` : 'examples/*';
  console.error(`No synthesized cloud assembly found for ${which} (looked for <example>/cdk.out/manifest.json).`);
  console.error('Run `npm run synth:examples` first, then run this again.');
  process.exit(1);
}

const usd = (n: number): string => n.toFixed(2);
const number = (n: number): string => (Number.isInteger(n) ? n : Number(n.toFixed(2))).toLocaleString('en-US');

interface Row {
  readonly kind: string;
  readonly count: number;
  readonly quantity: string;
  readonly asBuilt: number;
  readonly arm64: number;
  readonly oneAz: number;
}

/** Sums the line items of each kind in the three scenarios (the arrays are parallel: same index, same resource). */
function rows(asBuilt: LineItem[], arm64: LineItem[], oneAz: LineItem[]): Row[] {
  const byKind = new Map<string, { count: number; quantity: number; units: Set<string>; asBuilt: number; arm64: number; oneAz: number }>();
  asBuilt.forEach((item, i) => {
    const row = byKind.get(item.kind) ?? { count: 0, quantity: 0, units: new Set<string>(), asBuilt: 0, arm64: 0, oneAz: 0 };
    row.count += item.count;
    row.quantity += item.quantity;
    row.units.add(item.unit);
    row.asBuilt += item.monthlyUsd;
    row.arm64 += arm64[i].monthlyUsd;
    row.oneAz += oneAz[i].monthlyUsd;
    byKind.set(item.kind, row);
  });
  return [...byKind.entries()]
    .map(([kind, r]) => ({
      kind,
      count: r.count,
      quantity: r.units.size === 1 ? `${number(r.quantity)} ${[...r.units][0]}` : '-',
      asBuilt: r.asBuilt,
      arm64: r.arm64,
      oneAz: r.oneAz,
    }))
    .sort((a, b) => b.asBuilt - a.asBuilt || a.kind.localeCompare(b.kind));
}

function table(header: string[], body: string[][], rightAligned: number[]): string {
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r: string[]): string => r.map((cell, c) => (rightAligned.includes(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.slice(0, -2).map(line), rule, ...body.slice(-2).map(line)].join('\n');
}

const usedPriceKeys = new Set<string>();
const totalsByExample = new Map<string, number>();

for (const name of examples) {
  const assembly = readAssembly(path.join(examplesDir, name, 'cdk.out'));
  const items: LineItem[] = [];
  for (const stack of assembly.stacks) {
    items.push(...estimateTemplate(stack.template, stack.region).items);
  }
  items.forEach((item) => usedPriceKeys.add(item.priceKey));
  const arm64 = repriceFargate(items, 'ARM64');
  const oneAz = repriceInterfaceEndpoints(items, 1);
  const both = repriceInterfaceEndpoints(arm64, 1);
  const totals = { asBuilt: totalOf(items), arm64: totalOf(arm64), oneAz: totalOf(oneAz), both: totalOf(both) };
  totalsByExample.set(name, totals.asBuilt);

  console.log(`\n=== examples/${name}: idle cost per month (USD) ===`);
  console.log(`Stacks: ${assembly.stacks.map((s) => `${s.name} (${s.region})`).join(', ')}`);
  const body = rows(items, arm64, oneAz).map((r) => [r.kind, String(r.count), r.quantity, usd(r.asBuilt), usd(r.arm64), usd(r.oneAz)]);
  body.push(['Total', '', '', usd(totals.asBuilt), usd(totals.arm64), usd(totals.oneAz)]);
  body.push(['Saving vs as built', '', '', '', usd(totals.asBuilt - totals.arm64), usd(totals.asBuilt - totals.oneAz)]);
  console.log(table(['Kind', 'Count', 'Billed quantity', 'As built', 'ARM64 Fargate', 'Endpoints 1 AZ'], body, [1, 3, 4, 5]));
  console.log(`Both what-ifs together: ${usd(totals.both)} (saves ${usd(totals.asBuilt - totals.both)}, ${(100 * (totals.asBuilt - totals.both) / totals.asBuilt).toFixed(0)}%).`);

  const endpoints = items.filter((i) => i.kind === KIND.interfaceEndpoint);
  if (endpoints.length) {
    console.log(`Interface endpoints: ${endpoints.map((i) => i.detail).join('; ')}. One AZ trades resilience and adds cross-AZ traffic for the other AZ.`);
  }
  const fargate = items.filter((i) => i.kind === KIND.fargateVcpu);
  if (fargate.length) {
    console.log(`Fargate: ${fargate.map((i) => `${i.resource}: ${i.detail.replace(/ \[assumption:.*$/, '')}`).join('; ')}. ARM64 needs an arm64 image.`);
  }
  const insights = items.filter((i) => i.kind === KIND.containerInsights);
  if (insights.length) {
    const price = PRICES.items[insights[0].priceKey].price;
    console.log(`Container Insights: ${insights.map((i) => `${i.resource}: ${i.detail.replace(/ \[assumption:.*$/, '')}`).join('; ')}; `
      + `each series a custom metric at ${price.toFixed(2)} USD a month. Its performance log events are not counted.`);
  }
  const assumptions = items.filter((i) => i.assumption);
  for (const item of assumptions) {
    console.log(`Assumption (${item.resource}): ${item.assumption}`);
  }

  const configurations = CONFIGURATIONS[name] ?? [];
  if (configurations.length) {
    console.log(`\nexamples/${name}, other configurations, each synthesized and priced like the above:`);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `cost-${name}-`));
    const lines = [['Configuration', 'USD/month', 'Goal', 'What differs'], ['As built', usd(totals.asBuilt), '', 'the example as committed']];
    configurations.forEach((configuration, i) => {
      const configItems = synthesizeConfiguration(configuration, path.join(scratch, String(i)))
        .flatMap((stack) => estimateTemplate(stack.template, stack.region).items);
      configItems.forEach((item) => usedPriceKeys.add(item.priceKey));
      const total = totalOf(configItems);
      const goal = configuration.goalUsd === undefined ? '' : `<= ${usd(configuration.goalUsd)} ${total <= configuration.goalUsd ? 'met' : 'MISSED'}`;
      lines.push([configuration.name, usd(total), goal, configuration.description]);
    });
    fs.rmSync(scratch, { recursive: true, force: true });
    const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
    for (const l of lines) {
      console.log(l.map((cell, c) => (c === 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
    }
  }
}

// The private origin (CloudFront VPC origin, examples/private-origin) next to its public-origin
// default (examples/basic): the same app, load balancer and endpoints.
const privateOrigin = totalsByExample.get('private-origin');
const publicOrigin = totalsByExample.get('basic');
if (privateOrigin !== undefined && publicOrigin !== undefined) {
  const delta = privateOrigin - publicOrigin;
  console.log(`\nPrivate origin (examples/private-origin) ${usd(privateOrigin)} against the public-origin default (examples/basic) ${usd(publicOrigin)}: `
    + `${delta >= 0 ? '+' : ''}${usd(delta)} a month (its NAT gateway for the login, less the public load balancer's addresses and the origin-verify secret).`);
}

const sources = [...new Set([...usedPriceKeys].map((key) => PRICES.items[key]?.source).filter((s): s is string => Boolean(s)))].sort();
const dates = [...new Set([PRICES.date, ...[...usedPriceKeys].map((key) => PRICES.items[key]?.date).filter((d): d is string => Boolean(d))])].sort();
const asKnown = dates.length > 1 ? `between ${dates[0]} and ${dates[dates.length - 1]}` : `on ${dates[0]}`;
console.log(`\nPrices: ${PRICES.currency} on-demand list prices for us-east-1 as known ${asKnown} (scripts/cost/prices.json, each with its date), recorded by hand,`);
console.log(`not fetched live; applied to every stack whatever its region; ${PRICES.hoursPerMonth} h/month; no free tier. Sources: ${sources.join(' ')}`);
console.log('Not counted (usage-based, 0 at idle): requests, data transfer and processing, ALB LCUs, WAF requests, log ingestion and storage,');
console.log('VPC flow log and access log volume, KMS and Secrets Manager API calls, Bedrock tokens, Cognito MAUs, Lambda invocations.');
console.log('Not counted (not 0 at idle, but AWS documents no size or rate to price them from): Container Insights performance log events,');
console.log('ingested into /aws/ecs/containerinsights/<cluster>/performance while tasks run, with or without traffic.');
