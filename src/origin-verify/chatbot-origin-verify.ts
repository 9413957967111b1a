import { createHash } from 'crypto';
import * as path from 'path';
import { Duration, Lazy, RemovalPolicy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { acknowledgeFindings, controlTowerRule } from '../shared/acknowledge';
import { logRetentionType } from '../shared/aws-limits';
import { ORIGIN_VERIFY_HEADER } from '../shared/constants';
import { createEncryptedLogGroup, createLogsKey } from '../shared/encryption';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
import { checkRemovalPolicy } from '../shared/removal-policy';
import { ignoreCfnLintChecks, skipCheckovChecks } from '../shared/template-checks';
import { PropsValidator, durationType, enumType, checkDomainName, objectType, refuseWrongTypes, required, stringListType, stringType } from '../shared/validation';

/**
 * Props for `ChatbotOriginVerify`.
 */
export interface ChatbotOriginVerifyProps {
  /**
   * The public domain of the app. It names the secret (`secure-container-chatbot/<domainName>/origin-verify`,
   * known at synth time so that a stack in another region can resolve it) and the SSM parameter
   * that holds the ID of the CloudFront distribution (`/secure-container-chatbot/<domainName>/distribution-id`).
   */
  readonly domainName: string;

  /**
   * KMS key of the secret (its replicas use the AWS-managed Secrets Manager key of their region).
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Regions the secret is replicated to, so that a stack there can resolve it by name with a
   * dynamic reference (the us-east-1 edge stack when the load balancer is elsewhere).
   *
   * @default - no replica
   */
  readonly replicaRegions?: string[];

  /**
   * How often the value rotates once `rotateWith` was called. Between 1 and 1000 days.
   *
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;

  /**
   * Retention of the rotation function's logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the rotation function's log group and the key this construct creates when
   * the stack is deleted. The secret itself is always deleted with the stack (CloudFormation
   * deletes secrets without a recovery window, so its fixed name is free again).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Which load balancer rules check the origin-verify header, for `ChatbotOriginVerify.rotateWith`.
 */
export interface ChatbotOriginVerifyRotationOptions {
  /**
   * The listener rules whose http-header condition checks the origin-verify header. The function
   * rewrites each rule's conditions whole (ModifyRule replaces the list): the header condition
   * with the values it accepts, and the rule's other conditions as they are at synth time, which
   * must therefore be literal values.
   */
  readonly listenerRules: elbv2.ApplicationListenerRule[];

  /**
   * The Region of the stack that holds the CloudFront distribution, where `publishDistributionId`
   * writes the distribution's ID into an SSM parameter for the function.
   *
   * @default - this stack's Region
   */
  readonly distributionRegion?: string;
}

/**
 * The shared value behind the origin-verify header: CloudFront adds it to every origin request
 * and the load balancer refuses requests without it. It lives in a Secrets Manager secret with a
 * generated value and a rotation that needs no outage and no deployment: every `rotationInterval`
 * (or at once with `aws secretsmanager rotate-secret --secret-id <secretName>`) a function makes
 * the load balancer rules accept the new and the current value, switches CloudFront's origin
 * header to the new value, checks both, and then makes the new value current. The previous value
 * stays accepted until the next rotation, while CloudFront's edges pick the new one up.
 *
 * CloudFormation re-reads the dynamic references in the templates whenever it updates the rule
 * or the distribution for another reason, and then finds the same current value.
 */
export class ChatbotOriginVerify extends Construct {
  /** The name of the HTTP header that carries the value. */
  public static readonly HEADER_NAME = ORIGIN_VERIFY_HEADER;

  /** The secret; its JSON field `value` holds the header value. */
  public readonly secret: secretsmanager.Secret;

  /** The secret's name, known at synth time. */
  public readonly secretName: string;

  /**
   * The name of the SSM parameter that `publishDistributionId` creates next to the distribution
   * and the rotation function reads: `/secure-container-chatbot/<domainName>/distribution-id`.
   * A CloudFront alias belongs to one distribution only, so the domain makes it unique, like the
   * secret's name.
   */
  public readonly distributionIdParameterName: string;

  private readonly props: ChatbotOriginVerifyProps;
  private readonly encryptionKey: kms.IKey;
  private _rotationFunction?: lambda.Function;
  private _distributionRegion?: string;
  private _distributionIdParameter?: ssm.StringParameter;
  private _rotationRole?: ManagedPolicyRole;

  constructor(scope: Construct, id: string, props: ChatbotOriginVerifyProps) {
    super(scope, id);
    validateOriginVerifyProps(this, props);
    this.props = props;
    this.encryptionKey = props.encryptionKey ?? createLogsKey(this, 'Key', `Encrypts the origin-verify secret of ${props.domainName}`, props.removalPolicy);
    this.secretName = `secure-container-chatbot/${props.domainName}/origin-verify`;
    this.distributionIdParameterName = `/secure-container-chatbot/${props.domainName}/distribution-id`;
    // CloudFormation deletes a secret without a recovery window, so a stack deployed again after
    // `cdk destroy` can create this name again.
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: this.secretName,
      encryptionKey: this.encryptionKey,
      description: `Value of the origin-verify header between CloudFront and the load balancer of ${props.domainName}`,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'value',
        excludePunctuation: true,
        passwordLength: 48,
      },
      replicaRegions: props.replicaRegions?.map((region) => ({ region })),
    });
  }

  /** The rotation function, once `rotateWith` was called. */
  public get rotationFunction(): lambda.Function | undefined {
    return this._rotationFunction;
  }

  /**
   * The current value, as a dynamic reference resolved by CloudFormation in this stack.
   * In a stack of another region, use `SecretValue.secretsManager(secretName, { jsonField: 'value' })`
   * on a replica there.
   */
  public get headerValue(): SecretValue {
    return this.secret.secretValueFromJson('value');
  }

  /**
   * Turns on the rotation of the value, updating these listener rules and the CloudFront
   * distribution whose ID `publishDistributionId` writes (it must have `domainName` as alias).
   * Call `publishDistributionId` with that distribution afterwards: until its parameter exists,
   * every rotation fails before it changes anything (`SecureContainerChatbot` makes both calls).
   */
  public rotateWith(options: ChatbotOriginVerifyRotationOptions): lambda.Function {
    if (this._rotationFunction) {
      throw new Error('ChatbotOriginVerify: `rotateWith` was already called; a secret has one rotation. Pass every listener rule in one call.');
    }
    const v = new PropsValidator('ChatbotOriginVerify', this);
    v.check(options.listenerRules.length > 0, 'listenerRules', 'is empty, so the load balancer would refuse the rotated value.',
      'Pass every listener rule that checks the origin-verify header.');
    v.throwIfInvalid();
    const stack = Stack.of(this);
    const distributionRegion = options.distributionRegion ?? stack.region;
    this._distributionRegion = distributionRegion;
    // Without the parameter, every rotation would fail: refuse the app at synth instead.
    this.node.addValidation({
      validate: () => (this._distributionIdParameter ? [] : [
        'ChatbotOriginVerify: `rotateWith` was called, but `publishDistributionId` never was, so the rotation function would find no distribution '
        + 'and every rotation would fail. Call `publishDistributionId(scope, distribution)` with the distribution that sends the header, in its stack.',
      ]),
    });

    const role = new ManagedPolicyRole(this, 'RotationRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Rotates the origin-verify value of ${this.props.domainName}`,
      // A name known at synth time, so that the distribution's stack in another Region can grant
      // the role access to that one distribution (see publishDistributionId).
      roleName: rotationRoleName(this),
    });
    this._rotationRole = role;
    const logGroup = createEncryptedLogGroup(this, 'RotationLogs', {
      encryptionKey: this.encryptionKey,
      retention: this.props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: this.props.removalPolicy,
    });
    const fn = new lambda.Function(this, 'RotationFunction', {
      // Lambda refuses descriptions over 256 characters, and a domain may have 253.
      description: `Rotates the origin-verify header value of ${this.props.domainName} on its load balancer and CloudFront`.slice(0, 256),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      // Plain JavaScript next to this file (copied to lib/ when the library is compiled).
      code: lambda.Code.fromAsset(path.join(__dirname, 'rotation-handler')),
      // testSecret waits for CloudFront to deploy the new header to every edge (minutes).
      timeout: Duration.minutes(10),
      memorySize: 256,
      role,
      logGroup,
      environmentEncryption: this.encryptionKey,
      environment: {
        HEADER_NAME: ChatbotOriginVerify.HEADER_NAME,
        DOMAIN_NAME: this.props.domainName,
        // Each rule with its conditions other than the header, as ModifyRule takes them: the
        // function writes whole condition lists without reading the rules (DescribeRules has no
        // resource-level permission).
        RULES: Lazy.string({
          produce: () => stack.toJsonString(options.listenerRules.map((rule) => ({
            RuleArn: rule.listenerRuleArn,
            OtherConditions: otherConditionsOf(rule),
          }))),
        }),
        DISTRIBUTION_ID_PARAMETER: this.distributionIdParameterName,
        DISTRIBUTION_ID_PARAMETER_REGION: distributionRegion,
      },
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'LogsOfTheRotation',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'RotateTheSecret',
      actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
      resources: [this.secret.secretArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'UseTheSecretKey',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [this.encryptionKey.keyArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'AcceptBothValuesOnTheLoadBalancer',
      actions: ['elasticloadbalancing:ModifyRule'],
      resources: options.listenerRules.map((r) => r.listenerRuleArn),
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'FindTheDistribution',
      actions: ['ssm:GetParameter'],
      resources: [stack.formatArn({
        service: 'ssm',
        region: distributionRegion,
        resource: 'parameter',
        // The name starts with a slash, which the ARN does not repeat.
        resourceName: this.distributionIdParameterName.slice(1),
      })],
    }));
    // cloudfront:GetDistribution, GetDistributionConfig and UpdateDistribution on the one distribution
    // come from publishDistributionId, in the distribution's stack, which knows its ID.

    // The schedule itself, not `secret.addRotationSchedule`: that also grants the function
    // secretsmanager:GetRandomPassword on `*` (the function makes its values itself) and a second,
    // broader use of the key through the key policy; the statements above are all it needs.
    const rotation = new Construct(this.secret, 'Rotation');
    const schedule = new secretsmanager.CfnRotationSchedule(rotation, 'Resource', {
      secretId: this.secret.secretArn,
      rotationLambdaArn: fn.functionArn,
      rotationRules: { scheduleExpression: events.Schedule.rate(this.props.rotationInterval ?? Duration.days(30)).expressionString },
      // The distribution does not exist yet when this stack is first deployed.
      rotateImmediatelyOnUpdate: false,
    });
    // Secrets Manager may invoke it for this secret only.
    const invoke = fn.grantInvoke(new iam.ServicePrincipal('secretsmanager.amazonaws.com'));
    invoke.applyBefore(schedule);
    for (const child of fn.node.children) {
      if (child instanceof lambda.CfnPermission) {
        child.sourceAccount = stack.account;
        child.sourceArn = this.secret.secretArn;
      }
    }
    // As `addRotationSchedule` does: nobody in the account deletes the secret outside CloudFormation.
    this.secret.denyAccountRootDelete();
    this._rotationFunction = fn;

    const cfnFunction = fn.node.defaultChild as lambda.CfnFunction;
    // aws-cdk-lib makes the function depend on its role, which the Role reference already does.
    ignoreCfnLintChecks(cfnFunction, ['W3005']);
    skipCheckovChecks(cfnFunction, [
      ['CKV_AWS_117', 'The function calls the CloudFront API, which has no VPC endpoint, and the app\'s VPC has no internet route by default.'],
      ['CKV_AWS_116', 'Secrets Manager invokes rotation functions synchronously and retries failed steps; a dead-letter queue only receives failed asynchronous invocations.'],
      ['CKV_AWS_115', 'Secrets Manager runs one rotation of a secret at a time; a concurrency reservation fails in accounts at the minimum concurrency quota of 10.'],
    ]);

    acknowledgeFindings(fn, ['HIPAA.Security-LambdaInsideVPC', 'NIST.800.53.R5-LambdaInsideVPC', 'PCI.DSS.321-LambdaInsideVPC', controlTowerRule('lambda_inside_vpc_check')],
      'The function calls the CloudFront API, which has no VPC endpoint, and the VPC of the app has no internet route by default; it handles no application data, only the origin-verify value, through AWS APIs over TLS with IAM authentication.');
    // The AWS Lambda Developer Guide (Using Lambda with Secrets Manager) documents the rotation
    // function's invocation as synchronous: a dead-letter queue would stay empty.
    acknowledgeFindings(fn, ['HIPAA.Security-LambdaDLQ', 'NIST.800.53.R5-LambdaDLQ'],
      'Secrets Manager invokes rotation functions synchronously and retries a failed step itself, recording the failure in CloudTrail and the function log; a dead-letter queue only receives failed asynchronous invocations, which never happen here.');
    acknowledgeFindings(fn, ['HIPAA.Security-LambdaConcurrency', 'NIST.800.53.R5-LambdaConcurrency'],
      'Secrets Manager runs one rotation of a secret at a time, so the function never runs concurrently; reserving concurrency would make the first deployment fail in accounts whose concurrency quota is still the minimum of 10, which cannot be reduced by a reservation.');
    return fn;
  }

  /**
   * Lets the rotation function read and update this distribution (and no other), and writes the
   * distribution's ID into the SSM parameter `distributionIdParameterName` (a free Standard
   * parameter) where the function finds it. Call it once, with a scope in the distribution's stack,
   * in the Region given to `rotateWith`; from another Region, the grant is a managed policy there,
   * attached to the rotation role by its name. Until that stack is deployed, a rotation fails
   * before it changes anything, and the current value stays.
   */
  public publishDistributionId(scope: Construct, distribution: cloudfront.IDistribution): ssm.StringParameter {
    const region = this._distributionRegion;
    if (region === undefined) {
      throw new Error('ChatbotOriginVerify: call `rotateWith` before `publishDistributionId`; without a rotation, nothing reads the distribution ID.');
    }
    if (this._distributionIdParameter) {
      throw new Error('ChatbotOriginVerify: `publishDistributionId` was already called; a secret is sent by one distribution.');
    }
    const scopeRegion = Stack.of(scope).region;
    const v = new PropsValidator('ChatbotOriginVerify', this);
    v.check(Token.isUnresolved(scopeRegion) || Token.isUnresolved(region) || scopeRegion === region, 'distributionRegion',
      `is ${region}, but publishDistributionId writes the parameter in ${scopeRegion}, where the rotation function would not find it.`,
      'Pass the Region of the distribution\'s stack to `rotateWith`.');
    v.throwIfInvalid();
    const switchTheHeader = new iam.PolicyStatement({
      sid: 'SwitchTheOriginHeader',
      actions: ['cloudfront:GetDistribution', 'cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution'],
      resources: [distribution.distributionArn],
    });
    const role = this._rotationRole!;
    let grant: Construct;
    if (Stack.of(scope) === Stack.of(role)) {
      role.addToPrincipalPolicy(switchTheHeader);
      grant = role.grantsPolicy!;
    } else {
      // IAM is global: the distribution's stack attaches a policy naming its distribution to the
      // role by name. It deploys after the role's stack and is deleted before it.
      const roleName = (role.node.defaultChild as iam.CfnRole).roleName;
      if (roleName === undefined || Token.isUnresolved(roleName)) {
        throw new Error('ChatbotOriginVerify: the rotation role has no name known at synth time (its stack\'s name or Region is a token), '
          + 'so the distribution\'s stack cannot grant it access. Give the stack a literal name and Region, or put the distribution in the same stack.');
      }
      grant = new iam.ManagedPolicy(scope, 'OriginVerifyRotationPolicy', {
        description: `Lets the rotation of the origin-verify value of ${this.props.domainName} switch the header of this distribution`,
        statements: [switchTheHeader],
        roles: [iam.Role.fromRoleName(scope, 'OriginVerifyRotationRole', roleName)],
      });
    }
    this._distributionIdParameter = new ssm.StringParameter(scope, 'OriginVerifyDistributionId', {
      parameterName: this.distributionIdParameterName,
      stringValue: distribution.distributionId,
      tier: ssm.ParameterTier.STANDARD,
      // A path (it starts with a slash), also when the domain is a token.
      simpleName: false,
      description: `ID of the CloudFront distribution of ${this.props.domainName}, read by the rotation of its origin-verify value`,
    });
    // The function looks for the distribution only once it may change it.
    this._distributionIdParameter.node.addDependency(grant);
    return this._distributionIdParameter;
  }
}

/**
 * The rotation role's name: `<stack name>-ov-rotation-<hash>`, at most 64 characters. The hash of
 * the stack's name, Region and the construct's path keeps two chatbots of one stack, and stacks of
 * one name in two Regions of an account, apart (IAM names are global to the account). Undefined
 * when the stack's name or Region is a token: CloudFormation then names the role.
 */
function rotationRoleName(scope: Construct): string | undefined {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.stackName) || Token.isUnresolved(stack.region)) {
    return undefined;
  }
  const hash = createHash('sha256').update(`${stack.stackName}/${stack.region}/${scope.node.path}`).digest('hex').slice(0, 16);
  return `${stack.stackName.slice(0, 34)}-ov-rotation-${hash}`;
}

/** A CloudFormation listener rule condition as the Elastic Load Balancing API takes it: the same keys, capitalised. */
function apiShape(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => apiShape(item));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key.charAt(0).toUpperCase() + key.slice(1), apiShape(item)]));
  }
  return value;
}

/**
 * A listener rule's conditions other than the origin-verify header, in the form ModifyRule takes.
 * They go into the function's environment as they are at synth time, so they must be literals.
 */
function otherConditionsOf(rule: elbv2.ApplicationListenerRule): unknown[] {
  const cfnRule = rule.node.defaultChild as elbv2.CfnListenerRule;
  const conditions = Stack.of(rule).resolve(cfnRule.conditions) as Array<{ field?: string; httpHeaderConfig?: { httpHeaderName?: string } }>;
  const isHeader = (c: typeof conditions[number]) => c.field === 'http-header'
    && c.httpHeaderConfig?.httpHeaderName?.toLowerCase() === ORIGIN_VERIFY_HEADER.toLowerCase();
  if (conditions.filter(isHeader).length !== 1) {
    throw new Error(`ChatbotOriginVerify: listener rule ${rule.node.path} must have exactly one ${ORIGIN_VERIFY_HEADER} http-header condition, which the rotation rewrites.`);
  }
  const others = conditions.filter((c) => !isHeader(c));
  if (/"(Ref|Fn::[A-Za-z]+)":/.test(JSON.stringify(others))) {
    throw new Error(`ChatbotOriginVerify: listener rule ${rule.node.path} has a condition with a deploy-time value; `
      + 'the rotation rewrites every condition of the rule and knows only literal values. Use literal values in its other conditions.');
  }
  return apiShape(others) as unknown[];
}

function validateOriginVerifyProps(scope: Construct, props: ChatbotOriginVerifyProps): void {
  refuseWrongTypes(scope, 'ChatbotOriginVerify', props, {
    domainName: required(stringType("'chat.example.com'")),
    encryptionKey: objectType('kms.IKey', 'keyArn'),
    replicaRegions: stringListType("['us-east-1']"),
    rotationInterval: durationType('Duration.days(30)'),
    logRetention: logRetentionType(),
    removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
  });
  const v = new PropsValidator('ChatbotOriginVerify', scope, props);
  for (const region of props.replicaRegions ?? []) {
    if (!Token.isUnresolved(region)) {
      v.check(/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region), 'replicaRegions', `'${region}' is not an AWS Region name.`, 'Use Region names such as us-east-1.');
    }
  }
  checkDomainName(v, 'domainName', props.domainName);
  checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
  const interval = props.rotationInterval;
  if (interval && !interval.isUnresolved()) {
    const days = interval.toSeconds() / 86400;
    v.check(Number.isInteger(days) && days >= 1 && days <= 1000, 'rotationInterval', `must be a whole number of days from 1 to 1000 (got ${interval.toHumanString()}).`,
      'Secrets Manager rotates at most every day and at least every 1000 days; use Duration.days(30) for example.');
  }
  v.throwIfInvalid();
}
