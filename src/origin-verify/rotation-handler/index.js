'use strict';
// Secrets Manager rotation function of the origin-verify secret (Node.js, AWS SDK v3 from the
// Lambda runtime). The load balancer accepts every value listed in its http-header conditions,
// CloudFront sends one: each rotation lets the load balancer accept the new and the current
// value, moves CloudFront to the new one, checks both, and only then makes the new value current.
// The previous value stays accepted until the next rotation, while CloudFront's edges pick the
// new one up.
//
// It reads neither the rules nor the list of distributions (neither call has resource-level
// permissions): it writes each rule's whole condition list from its environment, and finds the
// distribution's ID in the SSM parameter that the distribution's stack writes.
//
// Environment: HEADER_NAME; DOMAIN_NAME (an alias of the distribution); RULES (JSON list of
// { RuleArn, OtherConditions }, the rule's conditions other than the header, as ModifyRule takes
// them); DISTRIBUTION_ID_PARAMETER and DISTRIBUTION_ID_PARAMETER_REGION (the SSM parameter).

const crypto = require('crypto');

const PENDING = 'AWSPENDING';
const CURRENT = 'AWSCURRENT';

/** A new header value: 48 hexadecimal characters (no wildcard characters the load balancer would interpret). */
function newValue() {
  return crypto.randomBytes(24).toString('hex');
}

function settings(env) {
  const rules = JSON.parse(env.RULES || '[]');
  if (!env.HEADER_NAME || !env.DOMAIN_NAME || !env.DISTRIBUTION_ID_PARAMETER || !Array.isArray(rules) || rules.length === 0
    || !rules.every((rule) => typeof rule.RuleArn === 'string' && Array.isArray(rule.OtherConditions))) {
    throw new Error('HEADER_NAME, DOMAIN_NAME, DISTRIBUTION_ID_PARAMETER and RULES must be set');
  }
  return { headerName: env.HEADER_NAME, domainName: env.DOMAIN_NAME, rules, parameterName: env.DISTRIBUTION_ID_PARAMETER };
}

async function valueOf(sm, secretId, stage, versionId) {
  const result = await sm.getSecretValue({ SecretId: secretId, VersionStage: stage, VersionId: versionId });
  return JSON.parse(result.SecretString).value;
}

/** The value of a pending version, or undefined while it has none (no createSecret ran for it). */
async function pendingValueOrNone(sm, secretId, token) {
  try {
    const result = await sm.getSecretValue({ SecretId: secretId, VersionStage: PENDING, VersionId: token });
    return result.SecretString === undefined ? undefined : JSON.parse(result.SecretString).value;
  } catch (error) {
    if (error.name === 'ResourceNotFoundException') {
      return undefined;
    }
    throw error;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until CloudFront reports the distribution `Deployed`, so every edge sends the new value
 * before it becomes current (a stack update after that writes the rules with the current value
 * only). Throttling is waited out like a deployment in progress. Gives up `marginMs` before the
 * function's own timeout: the step fails, Secrets Manager runs the rotation again later, and
 * every step before this one is a no-op the second time.
 */
async function waitUntilDeployed(cloudFront, id, timing) {
  for (;;) {
    let status;
    try {
      status = (await cloudFront.getDistribution({ Id: id })).Distribution.Status;
    } catch (error) {
      if (!/Throttl|TooManyRequests/.test(error.name || '')) {
        throw error;
      }
      status = 'Throttled';
    }
    if (status === 'Deployed') {
      return;
    }
    if (timing.remainingMs() < timing.pollMs + timing.marginMs) {
      throw new Error(`Distribution ${id} is still ${status}; the new value stays pending until CloudFront has deployed it to every edge`);
    }
    await timing.sleep(timing.pollMs);
  }
}

/**
 * The ID of the distribution that serves the domain, from the SSM parameter its stack writes. The
 * distribution's stack deploys after this function's: until then, the rotation stops here, before
 * it changes anything.
 */
async function findDistribution(ssm, s, options = {}) {
  let id;
  try {
    id = (await ssm.getParameter({ Name: s.parameterName })).Parameter.Value;
  } catch (error) {
    if (error.name !== 'ParameterNotFound') {
      throw error;
    }
  }
  if (!id && options.optional) {
    return undefined;
  }
  if (!id) {
    throw new Error(`No CloudFront distribution ID in ${s.parameterName} for ${s.domainName}; deploy the edge stack before rotating`);
  }
  return id;
}

/** The distribution's configuration, once it is known to serve the domain (the parameter could be wrong). */
async function distributionConfig(cloudFront, id, s) {
  const result = await cloudFront.getDistributionConfig({ Id: id });
  const aliases = (result.DistributionConfig.Aliases && result.DistributionConfig.Aliases.Items) || [];
  if (!aliases.includes(s.domainName)) {
    throw new Error(`Distribution ${id} (from ${s.parameterName}) does not have the alias ${s.domainName}`);
  }
  return result;
}

function headersOf(config, headerName) {
  const wanted = headerName.toLowerCase();
  return (config.Origins.Items || [])
    .flatMap((origin) => (origin.CustomHeaders && origin.CustomHeaders.Items) || [])
    .filter((header) => header.HeaderName.toLowerCase() === wanted);
}

/**
 * Makes every rule accept exactly `values` in its origin-verify header condition. ModifyRule
 * replaces the whole condition list, so each call carries the rule's other conditions too. Returns
 * once the load balancer reports, for every rule, that it accepts `mustAccept`.
 */
async function acceptOnRules(elb, s, values, mustAccept) {
  const wanted = s.headerName.toLowerCase();
  // A value listed twice is refused by no API but means nothing: each rule lists each value once.
  const distinct = [...new Set(values)];
  for (const rule of s.rules) {
    const header = { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: s.headerName, Values: distinct } };
    const result = await elb.modifyRule({ RuleArn: rule.RuleArn, Conditions: [...rule.OtherConditions, header] });
    const conditions = (result.Rules && result.Rules[0] && result.Rules[0].Conditions) || [];
    const accepted = conditions.filter((c) => c.Field === 'http-header' && c.HttpHeaderConfig
      && c.HttpHeaderConfig.HttpHeaderName.toLowerCase() === wanted).flatMap((c) => c.HttpHeaderConfig.Values);
    if (!accepted.includes(mustAccept)) {
      throw new Error(`Rule ${rule.RuleArn} does not accept the pending value`);
    }
  }
}

async function createSecret(clients, secretId, token) {
  const { sm } = clients;
  const current = await sm.getSecretValue({ SecretId: secretId, VersionStage: CURRENT });
  try {
    await sm.getSecretValue({ SecretId: secretId, VersionId: token, VersionStage: PENDING });
    return; // a retried step: the pending value exists already
  } catch (error) {
    if (error.name !== 'ResourceNotFoundException') {
      throw error;
    }
  }
  const secret = { ...JSON.parse(current.SecretString), value: newValue() };
  await sm.putSecretValue({ SecretId: secretId, ClientRequestToken: token, SecretString: JSON.stringify(secret), VersionStages: [PENDING] });
}

async function setSecret(clients, secretId, token, s) {
  const { sm, elb, cloudFront, ssm } = clients;
  const pending = await valueOf(sm, secretId, PENDING, token);
  const current = await valueOf(sm, secretId, CURRENT);
  const id = await findDistribution(ssm, s);
  const { DistributionConfig: config, ETag: etag } = await distributionConfig(cloudFront, id, s);
  const headers = headersOf(config, s.headerName);
  if (headers.length === 0) {
    throw new Error(`Distribution ${id} sends no ${s.headerName} header`);
  }
  // First the load balancer accepts both values, then CloudFront switches: no request is refused.
  await acceptOnRules(elb, s, [pending, current], pending);
  if (headers.every((header) => header.HeaderValue === pending)) {
    return;
  }
  headers.forEach((header) => { header.HeaderValue = pending; });
  await cloudFront.updateDistribution({ Id: id, IfMatch: etag, DistributionConfig: config });
}

async function testSecret(clients, secretId, token, s) {
  const { sm, elb, cloudFront, ssm } = clients;
  // Secrets Manager also runs this step alone when a schedule is set without an immediate rotation
  // (CloudFormation does so at the first deployment, before the distribution exists), with a
  // pending version that no setSecret sent to CloudFront: it may have no value yet, or a copy of
  // the current one. In a rotation, setSecret ran first and succeeded, so CloudFront sends the
  // pending value; anything else is that configuration test, which must pass and change nothing.
  const pending = await pendingValueOrNone(sm, secretId, token);
  const current = await valueOf(sm, secretId, CURRENT);
  if (pending === undefined || pending === current) {
    console.log(`Configuration test: version ${token} ${pending === undefined ? 'has no value yet' : 'holds the current value'}; nothing to test`);
    return;
  }
  const id = await findDistribution(ssm, s, { optional: true });
  if (!id) {
    console.log(`Configuration test: no distribution ID in ${s.parameterName} yet; nothing to test`);
    return;
  }
  const { DistributionConfig: config } = await distributionConfig(cloudFront, id, s);
  const headers = headersOf(config, s.headerName);
  if (headers.length === 0) {
    throw new Error(`Distribution ${id} sends no ${s.headerName} header`);
  }
  if (!headers.every((header) => header.HeaderValue === pending)) {
    console.log(`Configuration test: distribution ${id} is readable and sends ${s.headerName}; no value is switching`);
    return;
  }
  await waitUntilDeployed(cloudFront, id, clients.timing);
  // CloudFront sends the pending value, so the rules must accept it: the same conditions again
  // (ModifyRule is idempotent), and the answer is the rules' state as the load balancer holds it,
  // even if a stack update rewrote them since setSecret.
  await acceptOnRules(elb, s, [pending, current], pending);
}

async function finishSecret(clients, secretId, token) {
  const { sm } = clients;
  const metadata = await sm.describeSecret({ SecretId: secretId });
  const versions = metadata.VersionIdsToStages || {};
  const currentVersion = Object.keys(versions).find((id) => versions[id].includes(CURRENT));
  if (currentVersion === token) {
    return;
  }
  await sm.updateSecretVersionStage({ SecretId: secretId, VersionStage: CURRENT, MoveToVersionId: token, RemoveFromVersionId: currentVersion });
}

/** One step of a rotation, with the AWS clients given (tests pass fakes). */
async function rotate(event, clients, env) {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const s = settings(env);
  const metadata = await clients.sm.describeSecret({ SecretId: secretId });
  if (!metadata.RotationEnabled) {
    throw new Error(`Rotation is not enabled on ${secretId}`);
  }
  const stages = (metadata.VersionIdsToStages || {})[token];
  if (!stages) {
    throw new Error(`Version ${token} of ${secretId} has no stage`);
  }
  if (stages.includes(CURRENT)) {
    return; // already current: nothing to do
  }
  if (!stages.includes(PENDING)) {
    throw new Error(`Version ${token} of ${secretId} is not pending rotation`);
  }
  switch (step) {
    case 'createSecret': return createSecret(clients, secretId, token);
    case 'setSecret': return setSecret(clients, secretId, token, s);
    case 'testSecret': return testSecret(clients, secretId, token, s);
    case 'finishSecret': return finishSecret(clients, secretId, token);
    default: throw new Error(`Unknown rotation step ${step}`);
  }
}

/** The SDK v3 clients of the Lambda runtime, with the method names `rotate` uses, and the clock. */
function awsClients(env, context) {
  const secrets = require('@aws-sdk/client-secrets-manager');
  const elbv2 = require('@aws-sdk/client-elastic-load-balancing-v2');
  const cf = require('@aws-sdk/client-cloudfront');
  const ssmApi = require('@aws-sdk/client-ssm');
  const sm = new secrets.SecretsManagerClient({});
  const elb = new elbv2.ElasticLoadBalancingV2Client({});
  // CloudFront's API is global and served from us-east-1.
  const cloudFront = new cf.CloudFrontClient({ region: 'us-east-1' });
  // The parameter lives in the distribution's stack, usually in us-east-1.
  const ssm = new ssmApi.SSMClient({ region: env.DISTRIBUTION_ID_PARAMETER_REGION || undefined });
  return {
    sm: {
      describeSecret: (input) => sm.send(new secrets.DescribeSecretCommand(input)),
      getSecretValue: (input) => sm.send(new secrets.GetSecretValueCommand(input)),
      putSecretValue: (input) => sm.send(new secrets.PutSecretValueCommand(input)),
      updateSecretVersionStage: (input) => sm.send(new secrets.UpdateSecretVersionStageCommand(input)),
    },
    elb: {
      modifyRule: (input) => elb.send(new elbv2.ModifyRuleCommand(input)),
    },
    cloudFront: {
      getDistribution: (input) => cloudFront.send(new cf.GetDistributionCommand(input)),
      getDistributionConfig: (input) => cloudFront.send(new cf.GetDistributionConfigCommand(input)),
      updateDistribution: (input) => cloudFront.send(new cf.UpdateDistributionCommand(input)),
    },
    ssm: {
      getParameter: (input) => ssm.send(new ssmApi.GetParameterCommand(input)),
    },
    // CloudFront deploys a change to every edge in a few minutes: poll every 15 s and stop a
    // minute before the function's timeout, so the failure is logged, not cut off.
    timing: { remainingMs: () => context.getRemainingTimeInMillis(), pollMs: 15_000, marginMs: 60_000, sleep },
  };
}

exports.handler = async (event, context) => rotate(event, awsClients(process.env, context), process.env);
exports.rotate = rotate;
