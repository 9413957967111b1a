import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_REMOVAL_POLICY } from './removal-policy';

/**
 * A customer-managed KMS key, with rotation, that CloudWatch Logs in this stack's region may use
 * for the log groups of one construct. It follows the removal policy of those log groups: a
 * retained log group stays readable only with its key.
 */
/**
 * A customer-managed KMS key with yearly rotation whose grants are limited to AWS services (see
 * `limitGrantsToAwsServices`), following `removalPolicy`.
 */
export function createKey(scope: Construct, id: string, description: string, removalPolicy: RemovalPolicy = DEFAULT_REMOVAL_POLICY): kms.Key {
  const key = new kms.Key(scope, id, {
    description,
    enableKeyRotation: true,
    rotationPeriod: Duration.days(365),
    removalPolicy,
  });
  limitGrantsToAwsServices(key);
  return key;
}

export function createLogsKey(scope: Construct, id: string, description: string, removalPolicy: RemovalPolicy = DEFAULT_REMOVAL_POLICY): kms.Key {
  const key = createKey(scope, id, description, removalPolicy);
  const region = Stack.of(scope).region;
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogs',
    principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Stack.of(scope).partition}:logs:${region}:${Stack.of(scope).account}:log-group:*` },
    },
  }));
  return key;
}

/**
 * A log group with a retention and encrypted with the given key, retained by default. A name, when
 * one is required, must be unique per stack instance (see `nameUniquePerStackInstance`): a
 * retained group would otherwise block the next deployment of the same stack.
 */
export function createEncryptedLogGroup(scope: Construct, id: string, props: {
  readonly encryptionKey: kms.IKey;
  readonly retention: logs.RetentionDays;
  readonly logGroupName?: string;
  readonly removalPolicy?: RemovalPolicy;
}): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    logGroupName: props.logGroupName,
    encryptionKey: props.encryptionKey,
    retention: props.retention,
    removalPolicy: props.removalPolicy ?? DEFAULT_REMOVAL_POLICY,
  });
}

/**
 * Denies `kms:CreateGrant` on the key unless the grant is for an AWS resource or the caller is an
 * AWS service. The services that use this library's keys (ECS, Secrets Manager, Lambda, S3,
 * DynamoDB, ECR) create their grants that way; a principal of the account cannot hand the key's
 * use to someone else through a grant of its own.
 */
export function limitGrantsToAwsServices(key: kms.Key): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'GrantsOnlyForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: {
      BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
    },
  }));
}
