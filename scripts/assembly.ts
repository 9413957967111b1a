/**
 * Reads a synthesized cloud assembly (cdk.out): its stacks, their resources, the cdk-nag
 * acknowledgements recorded in the metadata, and the violations in the validation report.
 * Shared by the synth script and the tests.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CONTROL_TOWER_EXCEPTION } from '../src/shared/acknowledge';

/** One acknowledged finding: the construct path, the rule id and the reason. */
export interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

export interface AssemblyStack {
  readonly name: string;
  readonly artifactId: string;
  readonly region: string;
  readonly template: { Resources: { [logicalId: string]: { Type: string; Properties?: any } } };
  readonly resourceCount: number;
  readonly resourceTypes: { [type: string]: number };
  readonly acknowledgements: Acknowledgement[];
  /** Warning annotations (`aws:cdk:warning`), as `<construct path>: <message>`. */
  readonly warnings: string[];
}

export interface Assembly {
  /** The assembly directory: the templates and the asset manifests (`<artifactId>.assets.json`). */
  readonly outdir: string;
  readonly stacks: AssemblyStack[];
  readonly violations: number;
}

const ACK_KEY = 'aws:cdk:acknowledged-rules';
// The library's per-resource exceptions to AWS Control Tower controls are CONTROL_TOWER_EXCEPTION metadata.

export function readAssembly(outdir: string): Assembly {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf-8'));
  const stacks: AssemblyStack[] = [];
  for (const [artifactId, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') {
      continue;
    }
    const template = JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties.templateFile), 'utf-8'));
    const resourceTypes: { [type: string]: number } = {};
    for (const resource of Object.values<any>(template.Resources ?? {})) {
      resourceTypes[resource.Type] = (resourceTypes[resource.Type] ?? 0) + 1;
    }
    stacks.push({
      name: artifact.properties.stackName ?? artifactId,
      artifactId,
      region: String(artifact.environment).split('/').pop() ?? 'unknown',
      template,
      resourceCount: Object.keys(template.Resources ?? {}).length,
      resourceTypes,
      acknowledgements: readAcknowledgements(outdir, artifact),
      warnings: readWarnings(outdir, artifact),
    });
  }
  return { outdir, stacks, violations: countViolations(outdir) };
}

type Metadata = { [path: string]: Array<{ type: string; data: any }> };

function readMetadata(outdir: string, artifact: any): Metadata {
  // Metadata lives in the manifest or, for large assemblies, in <artifact>.metadata.json.
  let metadata: Metadata = artifact.metadata ?? {};
  const file = artifact.additionalMetadataFile ? path.join(outdir, artifact.additionalMetadataFile) : undefined;
  if (file && fs.existsSync(file)) {
    metadata = { ...metadata, ...JSON.parse(fs.readFileSync(file, 'utf-8')) };
  }
  return metadata;
}

function readWarnings(outdir: string, artifact: any): string[] {
  return Object.entries(readMetadata(outdir, artifact))
    .flatMap(([constructPath, entries]) => entries.filter((e) => e.type === 'aws:cdk:warning').map((e) => `${constructPath}: ${e.data}`))
    .sort();
}

function readAcknowledgements(outdir: string, artifact: any): Acknowledgement[] {
  const metadata = readMetadata(outdir, artifact);
  const acks: Acknowledgement[] = [];
  for (const [constructPath, entries] of Object.entries(metadata)) {
    for (const entry of entries) {
      if (entry.type === CONTROL_TOWER_EXCEPTION) {
        acks.push({ path: constructPath, id: entry.data.id, reason: entry.data.reason });
        continue;
      }
      if (entry.type !== ACK_KEY) {
        continue;
      }
      for (const [id, value] of Object.entries<any>(entry.data ?? {})) {
        acks.push({ path: constructPath, id, reason: typeof value === 'string' ? value : value?.reason ?? JSON.stringify(value) });
      }
    }
  }
  return acks.sort((a, b) => `${a.path} ${a.id}`.localeCompare(`${b.path} ${b.id}`));
}

function countViolations(outdir: string): number {
  const file = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(file)) {
    return 0;
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf-8'));
  let n = 0;
  for (const plugin of report.pluginReports ?? []) {
    for (const violation of plugin.violations ?? []) {
      n += Math.max(1, (violation.violatingResources ?? violation.violatingConstructs ?? []).length);
    }
  }
  return n;
}
