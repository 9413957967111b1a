import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** Metadata type of an AWS Control Tower control acknowledged on one construct (see `controlTowerRule`). */
export const CONTROL_TOWER_EXCEPTION = 'secure-container-chatbot:control-tower-exception';

/** How `@cdklabs/cdk-validator-cfnguard` prefixes the ids of its rules. */
export const CONTROL_TOWER_PREFIX = 'cdk-validator-cfnguard::';

/**
 * Acknowledges findings that this architecture cannot avoid, on the exact construct that draws
 * them, with one reason shared by the listed rule ids. Every call site is reviewed through the
 * committed lists in `test/nag-acknowledgements.json` (cdk-nag) and `test/guard-exceptions.json`
 * (Control Tower controls).
 *
 * cdk-nag findings are annotations, which aws-cdk-lib acknowledges per construct. A policy plugin's
 * violation, though, aws-cdk-lib would suppress by rule id across the whole app; so a Control Tower
 * control is recorded as this construct's own metadata instead, which the examples' checks read per
 * resource (`examples/nag-packs.ts`).
 */
export function acknowledgeFindings(scope: IConstruct, ruleIds: string[], reason: string): void {
  for (const id of ruleIds) {
    if (id.startsWith(CONTROL_TOWER_PREFIX)) {
      scope.node.addMetadata(CONTROL_TOWER_EXCEPTION, { id, reason });
    } else {
      Validations.of(scope).acknowledge({ id, reason });
    }
  }
}

/**
 * The acknowledgement id of an AWS Control Tower proactive control as the CDK policy-validation
 * plugin `@cdklabs/cdk-validator-cfnguard` reports it (by the control's Guard rule name). The
 * acknowledgements are reviewed in `test/guard-exceptions.json`.
 */
export function controlTowerRule(guardRuleName: string): string {
  return `${CONTROL_TOWER_PREFIX}${guardRuleName}`;
}

/**
 * Acknowledges the packs' load balancer deletion-protection rule on a load balancer created
 * without it (the default, so that a failed first deployment rolls back and the stack can be
 * deleted). Call it only when deletion protection is off.
 */
export function acknowledgeDeletionProtectionOff(loadBalancer: IConstruct): void {
  acknowledgeFindings(loadBalancer, ['HIPAA.Security-ELBDeletionProtectionEnabled', 'NIST.800.53.R5-ELBDeletionProtectionEnabled',
    controlTowerRule('elbv2_deletion_protection_enabled_check')],
  'Deletion protection is an explicit opt-in (deletionProtection: true) for a stack that already deployed: a protected load balancer makes the rollback of a failed first deployment and the deletion of the stack fail. The load balancer holds no data; CloudFormation recreates it from the template.');
}
