import { CfnResource } from 'aws-cdk-lib';

/**
 * Skips checkov checks on one resource, each with the reason a reviewer reads in the template
 * (`Metadata.checkov.skip`). Every skip is listed in `test/checkov-skips.json`.
 */
export function skipCheckovChecks(resource: CfnResource, checks: Array<[id: string, comment: string]>): void {
  const existing = (resource.getMetadata('checkov')?.skip ?? []) as Array<{ id: string; comment: string }>;
  const merged = [...existing];
  for (const [id, comment] of checks) {
    if (!merged.some((s) => s.id === id)) {
      merged.push({ id, comment });
    }
  }
  resource.addMetadata('checkov', { skip: merged });
}

/** Ignores cfn-lint rules on one resource (`Metadata.cfn-lint.config.ignore_checks`). */
export function ignoreCfnLintChecks(resource: CfnResource, ids: string[]): void {
  const existing = (resource.getMetadata('cfn-lint')?.config?.ignore_checks ?? []) as string[];
  resource.addMetadata('cfn-lint', { config: { ignore_checks: [...new Set([...existing, ...ids])] } });
}
