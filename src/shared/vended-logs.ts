import { RemovalPolicy } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeFindings, controlTowerRule } from './acknowledge';
import { createEncryptedLogGroup } from './encryption';
import { skipCheckovChecks } from './template-checks';
import { nameUniquePerStackInstance } from './unique-name';

/**
 * Where and what a vended log delivery (CloudWatch Logs delivery source, destination and delivery)
 * sends into a log group.
 */
export interface LogGroupDeliveryOptions {
  /** The AWS resource whose logs are delivered; its construct path names the source and destination. */
  readonly resource: IConstruct;
  /** The ARN of that resource. */
  readonly resourceArn: string;
  /** The log type the service vends, e.g. `ACCESS_LOGS` (CloudFront) or `ALB_ACCESS_LOGS`. */
  readonly logType: string;
  /** The destination log group, encrypted with a key that CloudWatch Logs may use. */
  readonly logGroup: logs.ILogGroup;
  /** `json` or `plain`: the formats CloudWatch Logs destinations accept. */
  readonly outputFormat: string;
}

/**
 * Delivers a resource's vended logs into a CloudWatch log group: a delivery source (the resource), a
 * delivery destination (the log group) and the delivery that pairs them, created in `scope`. When the
 * delivery is created, CloudWatch Logs adds the statement that lets `delivery.logs.amazonaws.com` write
 * to the group to the account's log resource policy; the group's KMS key must let
 * `logs.<region>.amazonaws.com` use it for that group (`createLogsKey` does).
 */
export function deliverLogsToLogGroup(scope: Construct, options: LogGroupDeliveryOptions): logs.CfnDelivery {
  // Delivery sources and destinations are named per account and region (60 characters at most); a
  // retained or concurrent instance of the stack, or a second chatbot, must not collide with this one.
  const source = new logs.CfnDeliverySource(scope, 'AccessLogsSource', {
    name: nameUniquePerStackInstance(options.resource, { maxLength: 60, prefix: 'src-' }),
    logType: options.logType,
    resourceArn: options.resourceArn,
  });
  const destination = new logs.CfnDeliveryDestination(scope, 'AccessLogsDestination', {
    name: nameUniquePerStackInstance(options.resource, { maxLength: 60, prefix: 'dst-' }),
    destinationResourceArn: options.logGroup.logGroupArn,
    outputFormat: options.outputFormat,
  });
  const delivery = new logs.CfnDelivery(scope, 'AccessLogsDelivery', {
    deliverySourceName: source.name,
    deliveryDestinationArn: destination.attrArn,
  });
  // The delivery names its source (a plain string, no reference): without this CloudFormation could
  // create the delivery first, and delete the source before it.
  delivery.addResourceDependency(source);
  // The destination refers to the log group's ARN, so the group exists before it and the delivery.
  return delivery;
}

/** The log group that `deliverLoadBalancerAccessLogs` creates. */
export interface LoadBalancerAccessLogGroupOptions {
  /** Its KMS key, which CloudWatch Logs must be allowed to use (`createLogsKey`). */
  readonly encryptionKey: kms.IKey;
  /** Its retention; one year when undefined. */
  readonly retention?: logs.RetentionDays;
  /** Its removal policy; the library's default (RETAIN) when undefined. */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Delivers a load balancer's access logs (`ALB_ACCESS_LOGS` for an Application, `NLB_ACCESS_LOGS`
 * for a Network Load Balancer) as JSON into a new KMS-encrypted log group (construct id
 * `logGroupId` in `scope`), instead of the legacy access logs, which a load balancer writes only
 * into an SSE-S3 bucket.
 */
export function deliverLoadBalancerAccessLogs(
  scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer | elbv2.NetworkLoadBalancer, group: LoadBalancerAccessLogGroupOptions,
  logGroupId = 'AccessLogs',
): { logGroup: logs.LogGroup; delivery: logs.CfnDelivery } {
  const logType = loadBalancer instanceof elbv2.NetworkLoadBalancer ? 'NLB_ACCESS_LOGS' : 'ALB_ACCESS_LOGS';
  const logGroup = createEncryptedLogGroup(scope, logGroupId, {
    encryptionKey: group.encryptionKey,
    retention: group.retention ?? logs.RetentionDays.ONE_YEAR,
    removalPolicy: group.removalPolicy,
  });
  const delivery = deliverLogsToLogGroup(scope, {
    resource: loadBalancer,
    resourceArn: loadBalancer.loadBalancerArn,
    logType,
    logGroup,
    outputFormat: 'json',
  });
  const reason = `Access logging is on, through CloudWatch Logs vended delivery (AWS::Logs::Delivery, log type ${logType}) into a KMS-encrypted log group; `
    + 'these rules read only the legacy access_logs.s3.enabled attribute, whose bucket could not be KMS-encrypted.';
  acknowledgeFindings(loadBalancer, ['AwsSolutions-ELB2', 'HIPAA.Security-ELBLoggingEnabled', 'NIST.800.53.R5-ELBLoggingEnabled',
    'PCI.DSS.321-ELBLoggingEnabled', controlTowerRule('elbv2_logging_enabled_check')], reason);
  skipCheckovChecks(loadBalancer.node.defaultChild as elbv2.CfnLoadBalancer, [['CKV_AWS_91',
    'Access logging is on through CloudWatch Logs vended delivery into a KMS-encrypted log group; the check reads only the legacy S3 attribute.']]);
  return { logGroup, delivery };
}
