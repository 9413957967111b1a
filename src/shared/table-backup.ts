import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledgeFindings } from './acknowledge';
import { nameUniquePerStackInstance } from './unique-name';

/**
 * Puts a new table in a daily AWS Backup plan (kept 35 days) in a vault of the table's key, as the
 * HIPAA, NIST and PCI packs want; children `BackupVault` and `BackupPlan` of `scope`. With DESTROY
 * there is no plan (a vault holding recovery points cannot be deleted, and backups would outlive
 * the data they copy): the finding is acknowledged and point-in-time recovery stays the table's
 * only copy.
 */
export function backUpTable(scope: Construct, table: dynamodb.Table, key: kms.IKey, removalPolicy: RemovalPolicy): void {
  if (removalPolicy === RemovalPolicy.DESTROY) {
    acknowledgeFindings(table, ['HIPAA.Security-DynamoDBInBackupPlan', 'NIST.800.53.R5-DynamoDBInBackupPlan'],
      'removalPolicy DESTROY was chosen for a trial deployment whose data goes with the stack: an AWS Backup vault holding recovery points cannot be deleted, so it would block the deletion. Point-in-time recovery stays on while the table exists; the default (RETAIN) adds the daily backup plan.');
    return;
  }
  // The vault is named per stack instance: a vault retained from a deleted stack would otherwise
  // block the next deployment of the same stack.
  const vault = new backup.BackupVault(scope, 'BackupVault', {
    backupVaultName: nameUniquePerStackInstance(scope, { maxLength: 50 }),
    encryptionKey: key,
    removalPolicy,
  });
  const plan = new backup.BackupPlan(scope, 'BackupPlan', { backupVault: vault });
  plan.addRule(new backup.BackupPlanRule({
    ruleName: 'Daily',
    scheduleExpression: events.Schedule.cron({ hour: '3', minute: '0' }),
    deleteAfter: Duration.days(35),
  }));
  const selection = plan.addSelection('Table', { resources: [backup.BackupResource.fromDynamoDbTable(table)], allowRestores: false });
  const backupRole = selection.node.tryFindChild('Role');
  if (backupRole) {
    acknowledgeFindings(backupRole, ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]'],
      'AWS Backup\'s own service-role policy, documented as the role AWS Backup assumes to take backups; AWS keeps it current with the services it backs up.');
  }
}
