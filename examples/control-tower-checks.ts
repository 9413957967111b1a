import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { CfnResource, IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CONTROL_TOWER_EXCEPTION, controlTowerRule } from '../src/shared/acknowledge';

/**
 * AWS Control Tower's proactive controls (all the CloudFormation Guard rules bundled with
 * `@cdklabs/cdk-validator-cfnguard`), with the library's exceptions applied per resource: a finding
 * passes only on the resource whose construct (or whose L2 parent) carries an exception for that
 * control. aws-cdk-lib's own acknowledgements would silence a rule for every resource of the app.
 */
export class ControlTowerChecks implements IPolicyValidationPluginBeta1 {
  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];
  private readonly guard = new CfnGuardValidator({ controlTowerRulesEnabled: true, maxBuffer: 256 * 1024 * 1024 });

  constructor(private readonly app: IConstruct) {
    this.name = this.guard.name;
    this.version = this.guard.version;
    this.ruleIds = this.guard.ruleIds;
  }

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const report = this.guard.validate(context);
    const exceptions = exceptionsByResource(this.app);
    const violations = report.violations
      .map((v) => ({
        ...v,
        violatingResources: v.violatingResources.filter((r) =>
          !exceptions.get(`${path.basename(r.templatePath)} ${r.resourceLogicalId}`)?.has(controlTowerRule(v.ruleName))),
      }))
      .filter((v) => v.violatingResources.length > 0);
    return { ...report, success: violations.length === 0, violations };
  }
}

/** The acknowledged control ids of every resource, by `<template file> <logical id>`. */
function exceptionsByResource(app: IConstruct): Map<string, Set<string>> {
  const byResource = new Map<string, Set<string>>();
  for (const construct of app.node.findAll()) {
    if (!CfnResource.isCfnResource(construct)) {
      continue;
    }
    const stack = Stack.of(construct);
    const owners: IConstruct[] = [construct];
    const parent = construct.node.scope;
    if (parent && parent.node.defaultChild === construct) {
      owners.push(parent); // the L2 that this resource is the default child of
    }
    const ids = owners.flatMap((owner) => owner.node.metadata.filter((m) => m.type === CONTROL_TOWER_EXCEPTION).map((m) => m.data.id as string));
    if (ids.length) {
      byResource.set(`${path.basename(stack.templateFile)} ${stack.resolve(construct.logicalId)}`, new Set(ids));
    }
  }
  return byResource;
}
