import { Annotations, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { acknowledgeFindings } from '../shared/acknowledge';
import { logRetentionType } from '../shared/aws-limits';
import { createDeployTimeFunction } from '../shared/deploy-time-function';
import { createEncryptedLogGroup, createLogsKey } from '../shared/encryption';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
import { checkRemovalPolicy } from '../shared/removal-policy';
import { CUSTOM_RESOURCE_SERVICE_TIMEOUT } from '../shared/service-timeout';
import { PropsValidator, booleanType, enumType, objectType, refuseWrongTypes } from '../shared/validation';

/**
 * What Bedrock model invocation logging records (`bedrockInvocationLogging` of the chatbot).
 */
export interface ChatbotInvocationLoggingOptions {
  /**
   * Record the text of prompts and answers.
   *
   * @default true
   */
  readonly textData?: boolean;

  /**
   * Record images sent to or produced by models.
   *
   * @default false
   */
  readonly imageData?: boolean;

  /**
   * Record embeddings.
   *
   * @default false
   */
  readonly embeddingData?: boolean;

  /**
   * Retention of the invocation log group.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Props for `ChatbotInvocationLogging`.
 */
export interface ChatbotInvocationLoggingProps extends ChatbotInvocationLoggingOptions {
  /**
   * KMS key of the invocation log group and the handler's log group. It must allow CloudWatch Logs
   * in this region to use it.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the log groups (and the key this construct creates) when the stack is deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Turns on Amazon Bedrock model invocation logging for the stack's account and region, into a
 * KMS-encrypted CloudWatch log group with a retention. The setting is one per account and region:
 * it covers every Bedrock call there, not only the chatbot's, and a second stack turning it on
 * replaces the first one's. On delete, the setting that was there before is put back (or logging is
 * turned off), unless someone changed it in the meantime.
 *
 * CloudFormation has no resource for this setting, so a custom resource backed by a small Lambda
 * function sets it (the one custom resource of this library).
 */
export class ChatbotInvocationLogging extends Construct {
  /** The log group Bedrock writes the invocations to. */
  public readonly logGroup: logs.LogGroup;

  /** The role Bedrock assumes to write to the log group. */
  public readonly loggingRole: iam.Role;

  /** The custom resource's handler. */
  public readonly handler: lambda.Function;

  constructor(scope: Construct, id: string, props: ChatbotInvocationLoggingProps = {}) {
    super(scope, id);
    refuseWrongTypes(this, 'ChatbotInvocationLogging', props, {
      textData: booleanType(),
      imageData: booleanType(),
      embeddingData: booleanType(),
      logRetention: logRetentionType(),
      encryptionKey: objectType('kms.IKey', 'keyArn'),
      removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
    });
    const v = new PropsValidator('ChatbotInvocationLogging', this, props);
    checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
    const text = props.textData ?? true;
    v.check(text || !!props.imageData || !!props.embeddingData, 'textData', 'is false and so are imageData and embeddingData: nothing would be logged.',
      'Leave textData on, or remove the invocation logging.');
    v.throwIfInvalid();
    const stack = Stack.of(this);
    // One setting per account and region: a second one in the same app would replace the first.
    const other = this.node.root.node.findAll().find((c) => c !== this && c instanceof ChatbotInvocationLogging
      && Stack.of(c).account === stack.account && Stack.of(c).region === stack.region);
    if (other) {
      Annotations.of(this).addWarningV2('secure-container-chatbot:invocationLogging',
        `Bedrock model invocation logging is one setting per account and region, and ${other.node.path} already turns it on for the same account and region: `
        + 'the last stack deployed wins, and deleting one puts back what it replaced. Turn it on in one stack only.');
    }

    const key = props.encryptionKey ?? createLogsKey(this, 'LogsKey', 'Encrypts the Bedrock model invocation logs', props.removalPolicy);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    this.logGroup = createEncryptedLogGroup(this, 'Invocations', { encryptionKey: key, retention, removalPolicy: props.removalPolicy });

    // Bedrock of this account and region only (confused-deputy conditions as the Bedrock user guide's
    // model invocation logging page documents them).
    this.loggingRole = new ManagedPolicyRole(this, 'LoggingRole', {
      assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:*` },
        },
      }),
      description: 'Lets Amazon Bedrock write the model invocation logs',
    });
    this.loggingRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteInvocationLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      // The log group's ARN ends with `:*`, which covers its log streams.
      resources: [this.logGroup.logGroupArn],
    }));

    // Where the handler keeps the setting it replaced, to put it back on delete.
    const previous = new ssm.StringParameter(this, 'PreviousSetting', {
      description: 'Bedrock model invocation logging setting before this stack turned it on (none: logging was off)',
      stringValue: 'none',
    });

    const { handler, role: handlerRole } = createDeployTimeFunction(this, {
      description: 'Sets Bedrock model invocation logging for the account and region, and puts the previous setting back on delete',
      roleDescription: 'Sets Bedrock model invocation logging for the account and region',
      handlerFile: 'invocation-logging',
      timeout: Duration.minutes(2),
      logsKey: key,
      logRetention: retention,
      removalPolicy: props.removalPolicy,
      outsideVpcReason: 'A deploy-time handler that only calls the Bedrock control plane and SSM through AWS APIs over TLS with IAM authentication; it handles no application data, and the app\'s VPC has no Bedrock control-plane endpoint (it would cost an interface endpoint for a call made once per deployment).',
      outsideVpcCheckovReason: 'Runs only while CloudFormation deploys the stack and calls the Bedrock control plane, which has no endpoint in the app\'s VPC.',
    });
    this.handler = handler;
    handlerRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'SetInvocationLogging',
      actions: ['bedrock:GetModelInvocationLoggingConfiguration', 'bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:DeleteModelInvocationLoggingConfiguration'],
      resources: ['*'],
    }));
    handlerRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'PassTheLoggingRoleToBedrock',
      actions: ['iam:PassRole'],
      resources: [this.loggingRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
    }));
    handlerRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'KeepThePreviousSetting',
      actions: ['ssm:GetParameter', 'ssm:PutParameter'],
      resources: [previous.parameterArn],
    }));

    const setting = new CustomResource(this, 'Setting', {
      serviceToken: this.handler.functionArn,
      resourceType: 'Custom::BedrockInvocationLogging',
      // A handler that crashes before answering would otherwise hold the stack for an hour.
      serviceTimeout: CUSTOM_RESOURCE_SERVICE_TIMEOUT,
      properties: {
        PreviousSettingParameter: previous.parameterName,
        LoggingConfig: {
          cloudWatchConfig: { logGroupName: this.logGroup.logGroupName, roleArn: this.loggingRole.roleArn },
          textDataDeliveryEnabled: text,
          imageDataDeliveryEnabled: props.imageData ?? false,
          embeddingDataDeliveryEnabled: props.embeddingData ?? false,
        },
      },
    });
    // Bedrock checks the role and the log group when the setting is put, and the handler needs its
    // own permissions: both policies exist before the custom resource runs, and outlive its delete.
    setting.node.addDependency((this.loggingRole as ManagedPolicyRole).grantsPolicy!, handlerRole.grantsPolicy!);

    acknowledgeFindings(handlerRole.grantsPolicy!, ['AwsSolutions-IAM5[Resource::*]'],
      'The Bedrock model invocation logging actions (Get/Put/DeleteModelInvocationLoggingConfiguration) act on an account-and-region setting and support no resource-level permission (the Service Authorization Reference lists no resource type for them); every other action of the role names its resource.');
  }
}
