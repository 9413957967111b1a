import { CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeFindings, controlTowerRule } from './acknowledge';
import { DEFAULT_REMOVAL_POLICY, bucketRemoval } from './removal-policy';
import { limitServiceTimeout } from './service-timeout';
import { skipCheckovChecks } from './template-checks';

/**
 * A bucket that an AWS service (load balancer, CloudFront) writes its access logs to: SSE-S3
 * (the only encryption these services write with), TLS only, versioned, public access blocked,
 * objects expiring after a year; retained when the stack is deleted unless `removalPolicy` is
 * DESTROY, which empties it first (see `bucketRemoval`). It has no name, so a retained one never
 * blocks the next deployment.
 */
export function createServiceLogBucket(scope: Construct, id: string, objectOwnership: s3.ObjectOwnership,
  removalPolicy: RemovalPolicy = DEFAULT_REMOVAL_POLICY): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership,
    ...bucketRemoval(removalPolicy),
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
  });
  sendEventsToEventBridge(bucket);
  excuseAutoDeleteHandler(bucket);
  acknowledgeFindings(bucket, ['AwsSolutions-S1', 'HIPAA.Security-S3BucketLoggingEnabled', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'PCI.DSS.321-S3BucketLoggingEnabled',
    controlTowerRule('s3_bucket_logging_enabled_check')],
  'This bucket is itself the destination of access logs; logging its own access would log every log delivery.');
  acknowledgeFindings(bucket, ['HIPAA.Security-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled', 'PCI.DSS.321-S3BucketReplicationEnabled'],
    'Access-log bucket, versioned and retained; replicating logs to another region is a user choice (bring your own bucket with replication).');
  acknowledgeFindings(bucket, ['HIPAA.Security-S3DefaultEncryptionKMS', 'NIST.800.53.R5-S3DefaultEncryptionKMS', 'PCI.DSS.321-S3DefaultEncryptionKMS',
    controlTowerRule('s3_bucket_default_encryption_kms_check')],
  'The AWS service writing these logs supports only SSE-S3 (AES-256) on its destination bucket, not SSE-KMS.');
  acknowledgeFindings(bucket, [controlTowerRule('s3_bucket_object_lock_enabled_check')],
    'With a default retention, S3 Object Lock refuses every upload that carries no content checksum, and AWS does not document that its log '
    + 'delivery sends one: the logs could stop arriving unnoticed. The bucket is versioned, so an overwritten or deleted log file stays recoverable for 30 days.');
  skipCheckovChecks(bucket.node.defaultChild as s3.CfnBucket, [['CKV_AWS_18',
    'This bucket is itself the destination of access logs; logging access to it would need another log bucket failing the same check, or logging into itself, which logs every delivery.']]);
  return bucket;
}

/**
 * When `bucket` empties itself on deletion (DESTROY), makes `writer` depend on the handler that
 * empties it: CloudFormation then deletes the writer first, and no log file arrives after the
 * bucket was emptied and before it is deleted.
 */
export function emptyAfterWriterIsGone(bucket: s3.IBucket, writer: IConstruct): void {
  const autoDelete = bucket.node.tryFindChild('AutoDeleteObjectsCustomResource');
  if (autoDelete) {
    writer.node.addDependency(autoDelete);
  }
}

/**
 * Sends the bucket's object events (new log files, deletions) to the account's default EventBridge
 * bus, free of charge, for whoever wants to watch or process them. Set on the bucket resource itself:
 * aws-cdk-lib's `eventBridgeEnabled` would add a notification custom resource and its function.
 */
export function sendEventsToEventBridge(bucket: s3.Bucket): void {
  (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}

/**
 * With DESTROY, aws-cdk-lib empties `bucket` through a deploy-time function of its own, one per
 * stack and reachable only by its path; the Control Tower control that wants functions in a VPC is
 * excused on it, with its reason, and CloudFormation waits for it no longer than it runs.
 */
export function excuseAutoDeleteHandler(bucket: s3.IBucket): void {
  limitServiceTimeout(bucket, 'AutoDeleteObjectsCustomResource', Duration.minutes(15));
  const handler = Stack.of(bucket).node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider')?.node.tryFindChild('Handler');
  if (handler instanceof CfnResource) {
    acknowledgeFindings(handler, [controlTowerRule('lambda_inside_vpc_check')],
      'aws-cdk-lib\'s deploy-time function that empties the stack\'s buckets when CloudFormation deletes them (removalPolicy DESTROY only); it lists '
      + 'and deletes object versions through the S3 API with a role limited to those buckets, and exists for no other moment of the stack\'s life.');
  }
}
