import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeFindings } from './acknowledge';
import { skipCheckovChecks } from './template-checks';

/**
 * A bucket that an AWS service (load balancer, CloudFront) writes its access logs to: SSE-S3
 * (the only encryption these services write with), TLS only, versioned, public access blocked,
 * retained when the stack is deleted, objects expiring after a year.
 */
export function createServiceLogBucket(scope: Construct, id: string, objectOwnership: s3.ObjectOwnership): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
  });
  acknowledgeFindings(bucket, ['AwsSolutions-S1', 'HIPAA.Security-S3BucketLoggingEnabled', 'NIST.800.53.R5-S3BucketLoggingEnabled', 'PCI.DSS.321-S3BucketLoggingEnabled'],
    'This bucket is itself the destination of access logs; logging its own access would log every log delivery.');
  acknowledgeFindings(bucket, ['HIPAA.Security-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled', 'PCI.DSS.321-S3BucketReplicationEnabled'],
    'Access-log bucket, versioned and retained; replicating logs to another region is a user choice (bring your own bucket with replication).');
  acknowledgeFindings(bucket, ['HIPAA.Security-S3DefaultEncryptionKMS', 'NIST.800.53.R5-S3DefaultEncryptionKMS', 'PCI.DSS.321-S3DefaultEncryptionKMS'],
    'The AWS service writing these logs supports only SSE-S3 (AES-256) on its destination bucket, not SSE-KMS.');
  skipCheckovChecks(bucket.node.defaultChild as s3.CfnBucket, [['CKV_AWS_18',
    'This bucket is itself the destination of access logs; logging access to it would need another log bucket failing the same check, or logging into itself, which logs every delivery.']]);
  return bucket;
}
