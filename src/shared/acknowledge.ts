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
