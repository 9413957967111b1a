import { RemovalPolicy } from 'aws-cdk-lib';
import { PropsValidator } from './validation';

/** What happens to the resources holding data by default: they are kept. */
export const DEFAULT_REMOVAL_POLICY = RemovalPolicy.RETAIN;

/**
 * Whether a resource with its own deletion protection (user pool, table) turns it on. Only with
 * RETAIN: with any other policy CloudFormation deletes the resource at some point (stack deletion,
 * or the rollback of a failed create), and deletion protection would make that fail.
 */
export function deletionProtectionFor(policy: RemovalPolicy): boolean {
  return policy === RemovalPolicy.RETAIN;
}

/**
 * The removal policy of a bucket that AWS services write into, and whether it empties itself on
 * deletion. CloudFormation cannot delete a bucket that holds objects, so DESTROY comes with
 * aws-cdk-lib's auto-delete handler, and RETAIN_ON_UPDATE_OR_DELETE becomes RETAIN (the rollback
 * of a failed create would otherwise fail on the objects already delivered, such as the load
 * balancer's access-log test file).
 */
export function bucketRemoval(policy: RemovalPolicy): { removalPolicy: RemovalPolicy; autoDeleteObjects: boolean } {
  if (policy === RemovalPolicy.DESTROY) {
    return { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true };
  }
  return { removalPolicy: RemovalPolicy.RETAIN, autoDeleteObjects: false };
}

/** Refuses removal policies that none of the library's resources supports (SNAPSHOT). */
export function checkRemovalPolicy(v: PropsValidator, prop: string, policy: RemovalPolicy | undefined): void {
  v.check(policy === undefined || [RemovalPolicy.RETAIN, RemovalPolicy.DESTROY, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE].includes(policy), prop,
    `is ${policy}, which none of the resources it applies to supports.`, 'Use RemovalPolicy.RETAIN (keep data), RETAIN_ON_UPDATE_OR_DELETE or DESTROY (a trial deployment).');
}

/**
 * Refuses load balancer deletion protection together with DESTROY: the stack could not be deleted.
 */
export function checkDeletionProtection(v: PropsValidator, deletionProtection: boolean | undefined, policy: RemovalPolicy | undefined): void {
  v.check(!(deletionProtection === true && policy === RemovalPolicy.DESTROY), 'deletionProtection',
    'is true while `removalPolicy` is DESTROY, so the stack could not be deleted as DESTROY promises.',
    'Keep deletionProtection for production stacks that retain their data, or leave it out for a trial deployment.');
}
