import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeFindings, controlTowerRule } from '../shared/acknowledge';
import { skipCheckovChecks } from '../shared/template-checks';
import { deliverLogsToLogGroup } from '../shared/vended-logs';

/**
 * Turns on CloudFront standard logging (v2) for `distribution`: CloudWatch Logs delivers its access
 * logs into `logGroup`, encrypted with the group's KMS key, instead of the legacy logging into an S3
 * bucket (which CloudFront can only write with SSE-S3 and ACLs). The delivery source of a
 * distribution must be in us-east-1, so the caller is a construct of a us-east-1 stack.
 */
export function deliverAccessLogsToLogGroup(scope: Construct, distribution: cloudfront.Distribution, logGroup: logs.ILogGroup): logs.CfnDelivery {
  const delivery = deliverLogsToLogGroup(scope, {
    resource: distribution,
    resourceArn: distribution.distributionArn,
    logType: 'ACCESS_LOGS',
    logGroup,
    outputFormat: 'json',
  });
  acknowledgeFindings(distribution, ['AwsSolutions-CFR3', controlTowerRule('cloudfront_access_logs_enabled_check')],
    'Access logging is on, through CloudFront standard logging v2 into a KMS-encrypted CloudWatch log group (AWS::Logs::Delivery); '
    + 'these rules read only the legacy S3 logging setting, whose bucket could not be KMS-encrypted.');
  skipCheckovChecks(distribution.node.defaultChild as cloudfront.CfnDistribution, [['CKV_AWS_86',
    'Access logging is on through CloudFront standard logging v2 into a KMS-encrypted CloudWatch log group; the check reads only the legacy S3 setting.']]);
  return delivery;
}
