import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeFindings, controlTowerRule } from '../shared/acknowledge';
import { createKey } from '../shared/encryption';
import { StatementConditions, addStatement } from '../shared/grant-statement';
import { excuseAutoDeleteHandler, sendEventsToEventBridge } from '../shared/log-bucket';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
import { DEFAULT_REMOVAL_POLICY, bucketRemoval, checkRemovalPolicy, deletionProtectionFor } from '../shared/removal-policy';
import { backUpTable } from '../shared/table-backup';
import { PropsValidator, enumType, objectType, refuseWrongTypes } from '../shared/validation';

/**
 * Options for the chatbot's storage, used by `SecureContainerChatbot`'s `storage` prop and by
 * `ChatbotStorage`.
 */
export interface ChatbotStorageOptions {
  /**
   * An existing bucket for files.
   *
   * @default - a new bucket: KMS-encrypted, versioned, TLS only, public access blocked, access logged
   */
  readonly bucket?: s3.IBucket;

  /**
   * An existing DynamoDB table for metadata.
   *
   * @default - a new table (partition key `pk`, sort key `sk`, on demand): KMS-encrypted,
   * point-in-time recovery, deletion protection (unless `removalPolicy` is DESTROY), daily backups
   */
  readonly table?: dynamodb.ITable;

  /**
   * What happens to the new bucket, table, key and backups when the stack is deleted.
   *
   * - RETAIN keeps them all; the table has deletion protection.
   * - RETAIN_ON_UPDATE_OR_DELETE keeps them too, but lets the rollback of a failed first
   *   deployment delete them; the table has no deletion protection (it would block that rollback).
   * - DESTROY, for a trial deployment, deletes them: the bucket is emptied first, the table has no
   *   deletion protection, and no AWS Backup plan or vault is created, because a vault holding
   *   recovery points cannot be deleted and backups would outlive the data they copy. The table
   *   keeps point-in-time recovery while it exists.
   *
   * Refused when both `bucket` and `table` are given (nothing here would follow it).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Customer-managed key for the new bucket, table and backups.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Props for `ChatbotStorage`.
 */
export interface ChatbotStorageProps extends ChatbotStorageOptions {
  /**
   * Bucket that receives the new bucket's server access logs. S3 writes them with SSE-S3 only.
   *
   * @default - no server access logs (draws the S3 logging findings)
   */
  readonly accessLogsBucket?: s3.IBucket;
}

/**
 * Files and metadata for the chat app: an S3 bucket and a DynamoDB table encrypted at rest with a
 * customer-managed key, kept when the stack is deleted unless `removalPolicy` says otherwise.
 * `grantReadWrite` gives a role least-privilege access to exactly these, usable only through the
 * VPC's gateway endpoints.
 */
export class ChatbotStorage extends Construct {
  /** The bucket for files. */
  public readonly bucket: s3.IBucket;

  /** The table for metadata. */
  public readonly table: dynamodb.ITable;

  /** The key of the new bucket and table, when this construct created either. */
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: ChatbotStorageProps = {}) {
    super(scope, id);
    checkStoragePropTypes(this, props);
    const v = new PropsValidator('ChatbotStorage', this, props);
    v.check(!(props.bucket && props.table && props.encryptionKey), 'encryptionKey',
      'is unused because both `bucket` and `table` were given.', 'Remove it; your bucket and table keep their own encryption.');
    v.check(!(props.bucket && props.table && props.removalPolicy !== undefined), 'removalPolicy',
      'is unused because both `bucket` and `table` were given.', 'Remove it; your bucket and table keep their own removal policies.');
    checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
    const bucketRegion = props.bucket?.env.region;
    const stackRegion = Stack.of(this).region;
    if (bucketRegion !== undefined && !Token.isUnresolved(bucketRegion) && !Token.isUnresolved(stackRegion)) {
      // The tasks reach S3 through this region's gateway endpoint, which serves this region's buckets only.
      v.check(bucketRegion === stackRegion, 'bucket', `is in ${bucketRegion}, but the chatbot is in ${stackRegion}: its gateway endpoint reaches only buckets of ${stackRegion}.`,
        `Pass a bucket in ${stackRegion} (or replicate yours there), or leave it out to get one.`);
    }
    v.throwIfInvalid();

    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    const needsKey = !props.bucket || !props.table;
    const key = needsKey
      ? props.encryptionKey ?? createKey(this, 'Key', 'Encrypts the chatbot files and metadata', removalPolicy)
      : undefined;
    this.encryptionKey = key;

    if (props.bucket) {
      this.bucket = props.bucket;
    } else {
      const bucket = new s3.Bucket(this, 'Files', {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: key,
        bucketKeyEnabled: true,
        enforceSSL: true,
        versioned: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        ...bucketRemoval(removalPolicy),
        lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      });
      sendEventsToEventBridge(bucket);
      excuseAutoDeleteHandler(bucket);
      if (props.accessLogsBucket) {
        logAccessTo(bucket, props.accessLogsBucket, 's3-access/files/');
      }
      acknowledgeFindings(bucket, [controlTowerRule('s3_bucket_object_lock_enabled_check')],
        'Chat files must stay deletable: by the app when a user removes a file, and on a data-subject erasure request. Object Lock would keep every '
        + 'version for its retention; versioning already keeps a deleted or overwritten file recoverable for 90 days.');
      acknowledgeFindings(bucket, ['HIPAA.Security-S3BucketReplicationEnabled', 'NIST.800.53.R5-S3BucketReplicationEnabled', 'PCI.DSS.321-S3BucketReplicationEnabled'],
        'Versioned, KMS-encrypted and retained; copying chat files to a second region is a data-residency decision left to the user (bring your own replicated bucket through the bucket prop).');
      this.bucket = bucket;
    }

    if (props.table) {
      this.table = props.table;
    } else {
      const table = new dynamodb.Table(this, 'Metadata', {
        partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: key,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        // Only with RETAIN: CloudFormation could not delete a protected table when it has to.
        deletionProtection: deletionProtectionFor(removalPolicy),
        removalPolicy,
      });
      this.table = table;
      backUpTable(this, table, key!, removalPolicy);
    }
  }

  /**
   * Grants read and write on exactly this bucket's objects and this table's items (listed actions,
   * no wildcards but the objects of the bucket), and denies both unless the request comes through
   * the given gateway endpoints. The returned grant holds every statement added to the grantee's
   * policy, the deny included.
   */
  public grantReadWrite(grantee: iam.IGrantable, s3Gateway?: ec2.IVpcEndpoint, dynamoDbGateway?: ec2.IVpcEndpoint): iam.Grant {
    const objects = this.bucket.arnForObjects('*');
    const add = (sid: string, actions: string[], resourceArns: string[], conditions?: StatementConditions, effect?: iam.Effect): iam.Grant =>
      addStatement(grantee, sid, actions, resourceArns, conditions, effect);
    let grant = add('ListFiles', ['s3:ListBucket'], [this.bucket.bucketArn])
      .combine(add('ReadWriteFiles', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], [objects]))
      .combine(add('ReadWriteMetadata', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query',
        'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'], [this.table.tableArn]));
    const keys = [this.bucket.encryptionKey?.keyArn, this.table.encryptionKey?.keyArn].filter((k): k is string => k !== undefined);
    if (keys.length > 0) {
      grant = grant.combine(add('UseStorageKey', ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], [...new Set(keys)]));
    }
    const viaEndpoints = [s3Gateway?.vpcEndpointId, dynamoDbGateway?.vpcEndpointId].filter((e): e is string => e !== undefined);
    if (viaEndpoints.length > 0) {
      grant = grant.combine(add('StorageOnlyThroughGatewayEndpoints',
        ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket', 'dynamodb:GetItem', 'dynamodb:PutItem',
          'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem'],
        [this.bucket.bucketArn, objects, this.table.tableArn],
        { StringNotEquals: { 'aws:SourceVpce': viaEndpoints } },
        iam.Effect.DENY));
    }
    const policy = grantee.grantPrincipal instanceof ManagedPolicyRole ? grantee.grantPrincipal.grantsPolicy : undefined;
    if (policy && this.bucket instanceof s3.Bucket) {
      const stack = Stack.of(this);
      const logicalId = stack.resolve((this.bucket.node.defaultChild as s3.CfnBucket).logicalId);
      acknowledgeFindings(policy, [`AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/*]`],
        'Object actions need the bucket\'s objects as resource (arn/*); the actions are listed one by one and limited to this one bucket.');
    }
    return grant;
  }
}

// S3 server access logs delivered under a bucket policy rather than the LogDeliveryWrite ACL that
// CDK uses unless an app-level feature flag is set: the log bucket keeps ACLs disabled.
function logAccessTo(source: s3.Bucket, target: s3.IBucket, prefix: string): void {
  (source.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
    destinationBucketName: target.bucketName,
    logFilePrefix: prefix,
  };
  target.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'S3ServerAccessLogs',
    principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
    actions: ['s3:PutObject'],
    resources: [target.arnForObjects(`${prefix}*`)],
    conditions: {
      ArnLike: { 'aws:SourceArn': source.bucketArn },
      StringEquals: { 'aws:SourceAccount': Stack.of(source).account },
    },
  }));
}

function checkStoragePropTypes(scope: Construct, props: ChatbotStorageProps): void {
  refuseWrongTypes(scope, 'ChatbotStorage', props, {
    bucket: objectType('s3.IBucket', 'bucketName'),
    table: objectType('dynamodb.ITable', 'tableName'),
    removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
    encryptionKey: objectType('kms.IKey', 'keyArn'),
    accessLogsBucket: objectType('s3.IBucket', 'bucketName'),
  });
}
