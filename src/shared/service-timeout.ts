import { CfnResource, CustomResource, Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * How long CloudFormation waits for an answer from the library's own custom resource handlers
 * (their functions time out after 2 minutes). Without it, a handler that crashes before it
 * answers holds the stack for CloudFormation's default of one hour.
 */
export const CUSTOM_RESOURCE_SERVICE_TIMEOUT = Duration.minutes(3);

/**
 * Sets `ServiceTimeout` on a custom resource that aws-cdk-lib creates without one (such as the
 * VPC's default security group closer or a bucket's emptier), found as `id` under `parent`.
 * `timeout` is the handler's own timeout: CloudFormation never waits longer than the function runs.
 */
export function limitServiceTimeout(parent: IConstruct, id: string, timeout: Duration): void {
  const found = parent.node.tryFindChild(id);
  const resource = found instanceof CustomResource ? found.node.defaultChild : found;
  if (resource instanceof CfnResource) {
    resource.addPropertyOverride('ServiceTimeout', timeout.toSeconds());
  }
}
