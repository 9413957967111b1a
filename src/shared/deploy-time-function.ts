import * as path from 'path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeFindings, controlTowerRule } from './acknowledge';
import { createEncryptedLogGroup } from './encryption';
import { ManagedPolicyRole } from './managed-policy-role';
import { ignoreCfnLintChecks, skipCheckovChecks } from './template-checks';

/** What a custom resource handler of the library needs to know about itself. */
export interface DeployTimeFunctionOptions {
  /** The function's description. */
  readonly description: string;
  /** The role's description: what the handler does. */
  readonly roleDescription: string;
  /**
   * The handler's file in `deploy-time-handlers/` without `.js` (its export `handler`). The folder
   * is one asset for every such function, so that they share `cfn-response.js`; plain JavaScript,
   * copied to lib/ when the library is compiled.
   */
  readonly handlerFile: string;
  readonly timeout: Duration;
  readonly logsKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy?: RemovalPolicy;
  /** Why the function runs outside the VPC: the APIs it calls and why no endpoint serves them. */
  readonly outsideVpcReason: string;
  /** The same, in checkov's words (CKV_AWS_117). */
  readonly outsideVpcCheckovReason: string;
}

/** A custom resource handler, its role and its encrypted log group. */
export interface DeployTimeFunction {
  readonly handler: lambda.Function;
  readonly role: ManagedPolicyRole;
  readonly logGroup: logs.LogGroup;
}

/**
 * A Lambda function that CloudFormation calls while it deploys the stack (a custom resource
 * handler), under `scope` as `Handler`, `HandlerRole` and `HandlerLogs`. The role may write the
 * function's logs; the caller grants the rest. The findings every such handler shares (no VPC, no
 * dead-letter queue, no reserved concurrency) are acknowledged here, with their reasons.
 */
export function createDeployTimeFunction(scope: Construct, options: DeployTimeFunctionOptions): DeployTimeFunction {
  const role = new ManagedPolicyRole(scope, 'HandlerRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: options.roleDescription,
  });
  const logGroup = createEncryptedLogGroup(scope, 'HandlerLogs', {
    encryptionKey: options.logsKey,
    retention: options.logRetention,
    removalPolicy: options.removalPolicy,
  });
  const handler = new lambda.Function(scope, 'Handler', {
    description: options.description,
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: `${options.handlerFile}.handler`,
    code: lambda.Code.fromAsset(path.join(__dirname, 'deploy-time-handlers')),
    timeout: options.timeout,
    memorySize: 256,
    role,
    logGroup,
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'LogsOfTheHandler',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }));

  const cfnFunction = handler.node.defaultChild as lambda.CfnFunction;
  // aws-cdk-lib makes the function depend on its role, which the Role reference already does.
  ignoreCfnLintChecks(cfnFunction, ['W3005']);
  skipCheckovChecks(cfnFunction, [
    ['CKV_AWS_117', options.outsideVpcCheckovReason],
    ['CKV_AWS_116', 'CloudFormation invokes custom resource handlers synchronously; a dead-letter queue only receives failed asynchronous invocations.'],
    ['CKV_AWS_115', 'CloudFormation invokes it once per stack operation; a concurrency reservation fails in accounts at the minimum concurrency quota of 10.'],
  ]);
  acknowledgeFindings(handler, ['HIPAA.Security-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC',
    controlTowerRule('lambda_inside_vpc_check')], options.outsideVpcReason);
  acknowledgeFindings(handler, ['HIPAA.Security-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ'],
    'CloudFormation invokes custom resource handlers synchronously and records a failure as a failed stack operation; a dead-letter queue only receives failed asynchronous invocations, which never happen here.');
  acknowledgeFindings(handler, ['HIPAA.Security-LambdaConcurrency', 'NIST.800.53.R5-LambdaConcurrency'],
    'CloudFormation invokes it once per stack operation; reserving concurrency would make the first deployment fail in accounts whose concurrency quota is still the minimum of 10.');
  return { handler, role, logGroup };
}
