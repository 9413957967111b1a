import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag findings that this architecture cannot avoid, on the exact construct that
 * draws them, with one reason shared by the listed rule ids. Every call site is reviewed through
 * the committed list in `test/nag-acknowledgements.json`.
 */
export function acknowledgeFindings(scope: IConstruct, ruleIds: string[], reason: string): void {
  for (const id of ruleIds) {
    Validations.of(scope).acknowledge({ id, reason });
  }
}

/**
 * The acknowledgement id of an AWS Control Tower proactive control as the CDK policy-validation
 * plugin `@cdklabs/cdk-validator-cfnguard` reports it (by the control's Guard rule name). The
 * acknowledgements are reviewed in `test/guard-exceptions.json`.
 */
export function controlTowerRule(guardRuleName: string): string {
  return `cdk-validator-cfnguard::${guardRuleName}`;
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
