/**
 * What every integ app under test/integ shares: how an example is built for a test deployment, the
 * assertions that hold only when a deployment really works, and the one helper Lambda they need.
 *
 * `npm run integ` compares the apps' synthesized assemblies with the committed snapshots, offline;
 * `npx projen integ:update` deploys them, runs these assertions, destroys them and refreshes the
 * snapshots (see test/integ/README.md).
 */
import { ExpectedResult, IApiCall, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Aspects, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ExampleOptions } from '../../examples/example-options';
import { addNagPacks } from '../../examples/nag-packs';
import { sampleContext } from '../../examples/user-values';
import { SecureContainerChatbot } from '../../src';
import { acknowledgeFindings, controlTowerRule } from '../../src/shared/acknowledge';

/** How long an assertion waits for the deployment to settle (tasks healthy, CloudFront deployed). */
const WAIT = { totalTimeout: Duration.minutes(15), interval: Duration.seconds(30) };

/**
 * A fresh app for an integ test.
 *
 * integ-runner synthesizes every app with its own list of "recommended" feature flags in the
 * context. The examples are synthesized without any (as a user's `cdk synth` of them is), so the
 * app resets each of those flags to the library default: the integ apps deploy the very templates
 * the examples synthesize, apart from what `ExampleOptions` changes.
 */
export function integApp(): App {
  // No construct stack traces in the assembly: the snapshots hold no paths of the machine.
  const app = new App({ stackTraces: false });
  for (const key of Object.keys(app.node.getAllContext())) {
    if (key.startsWith('@aws-cdk')) {
      app.node.setContext(key, undefined);
    }
  }
  // The policy checks the examples pass: the example stacks must pass them with DESTROY too. They
  // add nothing to the templates, so the offline comparison (`npm run integ`, which sets
  // INTEG_SKIP_POLICY_CHECKS) leaves them out to halve its time: every template change refreshes
  // the snapshots with `integ:snapshot` or `integ:update`, which run them.
  if (!process.env.INTEG_SKIP_POLICY_CHECKS) {
    addNagPacks(app);
  }
  // The values only a deploying team can give (examples/<name>/sample-context.json): the samples,
  // unless the tester passed real ones with -c.
  for (const example of ['enterprise-sso', 'two-tier']) {
    for (const [key, value] of Object.entries(sampleContext(example))) {
      if (app.node.tryGetContext(key) === undefined) {
        app.node.setContext(key, value);
      }
    }
  }
  return app;
}

/**
 * The options an integ app builds its example with: everything deleted with the stacks, stack
 * names of their own (`Integ<stack>`, so a test never touches a deployment of the example itself),
 * and the tester's hosted zone, domain and image from the environment:
 *
 * - `INTEG_HOSTED_ZONE_ID` and `INTEG_ZONE_NAME`: a Route 53 public hosted zone the internet
 *   resolves; each example gets `integ-<example>.<zone>`.
 * - `INTEG_IMAGE` (optional): a public image to run instead of building examples/app with Docker.
 *
 * Without them the apps synthesize with placeholders, which is what the committed snapshots hold.
 * `INTEG_SKIP_POLICY_CHECKS` (set by `npm run integ`) leaves the cdk-nag packs out.
 */
export function integOptions(example: string, stackId: string): ExampleOptions {
  // `||`: the snapshot task sets them empty, so that a tester's values never reach a snapshot.
  const zoneName = process.env.INTEG_ZONE_NAME || 'example.com';
  const hostedZoneId = process.env.INTEG_HOSTED_ZONE_ID || 'Z0123456789EXAMPLE';
  return {
    stackName: `Integ${stackId}`,
    removalPolicy: RemovalPolicy.DESTROY,
    hostedZone: { hostedZoneId, zoneName },
    domainName: `integ-${example}.${zoneName}`,
    image: process.env.INTEG_IMAGE ? ecs.ContainerImage.fromRegistry(process.env.INTEG_IMAGE) : undefined,
  };
}

/**
 * The stack that holds the assertion providers, in the region of the stack under test (the
 * providers call AWS in their own region).
 */
export function assertionStack(app: App, tested: Stack): Stack {
  const stack = new Stack(app, `${tested.node.id}Assertions`, {
    env: { region: tested.region },
    stackName: `${tested.stackName}-assertions`,
  });
  // The assertion providers and the probe are test tooling, deployed for the length of a run and
  // deleted with it: their findings are acknowledged here, on this stack's resources only, never in
  // the library or the examples.
  Aspects.of(stack).add({
    visit: (node) => {
      if (CfnResource.isCfnResource(node)) {
        acknowledgeFindings(node, ASSERTION_FINDINGS, ASSERTION_REASON);
      }
    },
  });
  return stack;
}

const ASSERTION_REASON = 'Integration-test tooling (the integ-tests-alpha assertion providers and waiter state machines, and '
  + 'the direct-request probe, which must sit outside any VPC to be an internet client), deployed for the length of a test '
  + 'run and deleted with it; the chatbot\'s own stacks carry no such acknowledgement.';

/** The findings of the four cdk-nag packs and the Control Tower controls on the assertions stack. */
const ASSERTION_FINDINGS = [
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  'AwsSolutions-IAM5[Resource::*]',
  'AwsSolutions-L1',
  ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].flatMap((pack) => [
    `${pack}-CloudWatchLogGroupEncrypted`, `${pack}-IAMNoInlinePolicy`, `${pack}-LambdaInsideVPC`,
  ]),
  ...['HIPAA.Security', 'NIST.800.53.R5'].flatMap((pack) => [`${pack}-LambdaConcurrency`, `${pack}-LambdaDLQ`]),
  ...['cloudwatch_log_group_encrypted_check', 'cloudwatch_log_group_retention_period_check', 'lambda_inside_vpc_check',
    'step_functions_state_machine_logging_enabled_check', 'step_functions_state_machine_tracing_enabled_check'].map(controlTowerRule),
];

/** The IntegTest of an example: the stacks under test, the assertions' stack, no update workflow. */
export function integTest(app: App, name: string, testCases: Stack[], assertions: Stack): IntegTest {
  return new IntegTest(app, name, {
    testCases,
    assertionStack: assertions,
    // The examples' stacks are region-specific and hold unique names (domains, secrets): the
    // update workflow (deploy the old snapshot, then the new app) does not apply.
    stackUpdateWorkflow: false,
    // CloudFront distributions and the Lambda@Edge-free edge stack delete in minutes; a failed
    // delete must still fail the run so that nothing billable stays behind unnoticed.
    allowDestroy: [],
    diffAssets: false,
  });
}

/**
 * An unauthenticated GET of the public URL is redirected (302) to the login: Cognito's authorize
 * endpoint. Redirects are not followed, so the assertion sees the load balancer's own answer.
 */
export function expectLoginRedirect(integ: IntegTest, chatbot: SecureContainerChatbot, query: string = ''): IApiCall {
  // node-fetch options, passed through as they are: `redirect` is not in FetchOptions' type.
  const call = integ.assertions.httpApiCall(`${chatbot.url}${query}`, { redirect: 'manual' } as any);
  call.expect(ExpectedResult.objectLike({
    status: 302,
    headers: { location: [Match.stringLikeRegexp('^https://[^/]+/oauth2/authorize\\?')] },
  }));
  call.waitForAssertions(WAIT);
  return call;
}

/** A GET from outside the allowed address ranges is refused (403) by the CloudFront web ACL. */
export function expectRefusedByWebAcl(integ: IntegTest, url: string): IApiCall {
  const call = integ.assertions.httpApiCall(url, { redirect: 'manual' } as any);
  call.expect(ExpectedResult.objectLike({ status: 403 }));
  call.waitForAssertions(WAIT);
  return call;
}

/** An unauthenticated GET of the HTTP API is answered 401 by the JWT authorizer. */
export function expectUnauthorized(integ: IntegTest, url: string): IApiCall {
  const call = integ.assertions.httpApiCall(url);
  call.expect(ExpectedResult.objectLike({ status: 401 }));
  call.waitForAssertions(WAIT);
  return call;
}

/**
 * Requests straight to the load balancer, by its own DNS name and by its origin record, are
 * refused: no connection (the security group admits only CloudFront), or 403 (no origin-verify
 * header). The probe is a Lambda of the assertions stack, on the internet like any client.
 */
export function expectDirectRequestsRefused(integ: IntegTest, assertions: Stack, urls: string[]): IApiCall[] {
  const probe = directProbe(assertions);
  return urls.map((url) => {
    const call = integ.assertions.invokeFunction({ functionName: probe.functionName, payload: JSON.stringify({ url }) });
    call.assertAtPath('Payload.refused', ExpectedResult.exact(true));
    return call;
  });
}

/** ECS runs the desired number of tasks of the service (the `DesiredCount` of its template). */
export function expectRunningTasks(integ: IntegTest, service: ecs.FargateService): IApiCall {
  const desired = (service.node.defaultChild as ecs.CfnService).desiredCount;
  if (typeof desired !== 'number') {
    throw new Error(`${service.node.path} has no desired count in its template`);
  }
  const call = integ.assertions.awsApiCall('ECS', 'describeServices', {
    cluster: service.cluster.clusterArn,
    services: [service.serviceArn],
  });
  call.assertAtPath('services.0.runningCount', ExpectedResult.exact(desired));
  call.waitForAssertions(WAIT);
  return call;
}

/** The target group reports its first target healthy (the health check passes on the tasks). */
export function expectHealthyTargets(integ: IntegTest, targetGroup: elbv2.ITargetGroup): IApiCall {
  const call = integ.assertions.awsApiCall('ElasticLoadBalancingV2', 'describeTargetHealth', {
    TargetGroupArn: targetGroup.targetGroupArn,
  });
  call.assertAtPath('TargetHealthDescriptions.0.TargetHealth.State', ExpectedResult.exact('healthy'));
  call.waitForAssertions(WAIT);
  // The SDK adapter derives the IAM prefix from the client's name; the action's real prefix is this.
  call.provider.addToRolePolicy({ Effect: 'Allow', Action: ['elasticloadbalancing:DescribeTargetHealth'], Resource: ['*'] });
  return call;
}

/**
 * The alarm's actions work: the alarm is set to ALARM by hand, and its history records that
 * CloudWatch published to the alarm topic (which fails when the topic's policy or KMS key refuses
 * CloudWatch).
 */
export function expectAlarmActionDelivered(integ: IntegTest, chatbot: SecureContainerChatbot): IApiCall {
  const monitoring = chatbot.monitoring;
  if (!monitoring || monitoring.alarms.length === 0) {
    throw new Error('This example has no alarms');
  }
  const alarm = monitoring.alarms[0];
  const setState = integ.assertions.awsApiCall('CloudWatch', 'setAlarmState', {
    AlarmName: alarm.alarmName,
    StateValue: 'ALARM',
    StateReason: 'integration test: the alarm topic must receive this',
  });
  const history = integ.assertions.awsApiCall('CloudWatch', 'describeAlarmHistory', {
    AlarmName: alarm.alarmName,
    HistoryItemType: 'Action',
    MaxRecords: 1,
  });
  history.assertAtPath('AlarmHistoryItems.0.HistorySummary', ExpectedResult.stringLikeRegexp('^Successfully executed action arn:aws[-a-z]*:sns:'));
  history.waitForAssertions({ totalTimeout: Duration.minutes(5), interval: Duration.seconds(20) });
  setState.next(history);
  return setState;
}

/**
 * The origin-verify secret's rotation can be started and completes (its new version becomes
 * AWSCURRENT), and the site still answers through CloudFront afterwards.
 */
export function expectOriginVerifyRotation(integ: IntegTest, chatbot: SecureContainerChatbot): IApiCall {
  const secret = chatbot.ingressParts.originVerify?.secret;
  if (!secret) {
    throw new Error('This example has no origin-verify secret');
  }
  const rotate = integ.assertions.awsApiCall('SecretsManager', 'rotateSecret', { SecretId: secret.secretArn });
  // The listing holds version ids and stages only, never a value (the providers log responses).
  const versions = integ.assertions.awsApiCall('SecretsManager', 'listSecretVersionIds', { SecretId: secret.secretArn });
  versions.expect(ExpectedResult.objectLike({
    Versions: Match.arrayWith([Match.objectLike({ VersionId: rotate.getAttString('VersionId'), VersionStages: ['AWSCURRENT'] })]),
  }));
  versions.waitForAssertions({ totalTimeout: Duration.minutes(10), interval: Duration.seconds(30) });
  const after = expectLoginRedirect(integ, chatbot, '?after-rotation');
  rotate.next(versions).next(after);
  return rotate;
}

/**
 * A Lambda that requests a URL the way any internet client would and reports whether it was
 * refused: no connection within 10 seconds, or an HTTP 403. TLS names are not checked, so that a
 * load balancer reached by its own DNS name answers rather than failing the handshake.
 */
function directProbe(scope: Stack): lambda.Function {
  const existing = scope.node.tryFindChild('DirectProbe') as lambda.Function | undefined;
  if (existing) {
    return existing;
  }
  const fn = new lambda.Function(scope, 'DirectProbe', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    timeout: Duration.seconds(30),
    description: 'Integration test: is a direct request to the load balancer refused?',
    code: lambda.Code.fromInline(PROBE_CODE),
    logGroup: new logs.LogGroup(scope, 'DirectProbeLogs', { retention: logs.RetentionDays.ONE_DAY, removalPolicy: RemovalPolicy.DESTROY }),
  });
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: ['*'] }));
  return fn;
}

const PROBE_CODE = `
const https = require('https');
exports.handler = async (event) => new Promise((resolve) => {
  const url = new URL(event.url);
  const request = https.request({ host: url.hostname, path: url.pathname + url.search, method: 'GET', rejectUnauthorized: false, timeout: 10000 }, (response) => {
    response.resume();
    resolve({ refused: response.statusCode === 403, status: response.statusCode });
  });
  request.on('timeout', () => { request.destroy(); resolve({ refused: true, error: 'timeout' }); });
  // A name that does not resolve proves nothing: only a dropped or refused connection counts.
  request.on('error', (error) => resolve({ refused: error.code !== 'ENOTFOUND', error: String(error.code || error.message) }));
  request.end();
});
`;
