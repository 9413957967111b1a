import * as iam from 'aws-cdk-lib/aws-iam';

/** IAM condition operators and their keys, as in a policy statement's `Condition`. */
export type StatementConditions = { [operator: string]: any };

/**
 * Adds one statement to `grantee`'s policy and returns its grant. iam.Grant has no public
 * constructor and `Grant.addToPrincipal` takes no Sid or effect, so both are set on the statement
 * it made, before synthesis freezes it.
 */
export function addStatement(grantee: iam.IGrantable, sid: string, actions: string[], resourceArns: string[],
  conditions?: StatementConditions, effect: iam.Effect = iam.Effect.ALLOW): iam.Grant {
  const grant = iam.Grant.addToPrincipal({ grantee, actions, resourceArns, conditions });
  for (const statement of grant.principalStatements) {
    statement.sid = sid;
    statement.effect = effect;
  }
  return grant;
}
