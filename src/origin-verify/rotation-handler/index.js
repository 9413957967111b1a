'use strict';
// Secrets Manager rotation function of the origin-verify secret (Node.js, AWS SDK v3 from the
// Lambda runtime). The load balancer accepts every value listed in its http-header conditions,
// CloudFront sends one: each rotation lets the load balancer accept the new and the current
// value, moves CloudFront to the new one, checks both, and only then makes the new value current.
// The previous value stays accepted until the next rotation, while CloudFront's edges pick the
// new one up.
//
// Environment: HEADER_NAME, DOMAIN_NAME (an alias of the distribution), RULE_ARNS (JSON list).

const crypto = require('crypto');

const PENDING = 'AWSPENDING';
const CURRENT = 'AWSCURRENT';

/** A new header value: 48 hexadecimal characters (no wildcard characters the load balancer would interpret). */
function newValue() {
  return crypto.randomBytes(24).toString('hex');
}

function settings(env) {
  const ruleArns = JSON.parse(env.RULE_ARNS || '[]');
  if (!env.HEADER_NAME || !env.DOMAIN_NAME || !Array.isArray(ruleArns) || ruleArns.length === 0) {
    throw new Error('HEADER_NAME, DOMAIN_NAME and RULE_ARNS must be set');
  }
  return { headerName: env.HEADER_NAME, domainName: env.DOMAIN_NAME, ruleArns };
}

async function valueOf(sm, secretId, stage, versionId) {
  const result = await sm.getSecretValue({ SecretId: secretId, VersionStage: stage, VersionId: versionId });
  return JSON.parse(result.SecretString).value;
}

/** The distribution that serves the domain, found by alias: its ID lives in another stack. */
async function findDistribution(cloudFront, domainName) {
  let marker;
  do {
    const page = await cloudFront.listDistributions({ Marker: marker });
    const list = page.DistributionList || {};
    for (const item of list.Items || []) {
      if ((item.Aliases && item.Aliases.Items || []).includes(domainName)) {
        return item.Id;
      }
    }
    marker = list.IsTruncated ? list.NextMarker : undefined;
  } while (marker);
  throw new Error(`No CloudFront distribution has the alias ${domainName}; deploy the edge stack before rotating`);
}

function headersOf(config, headerName) {
  const wanted = headerName.toLowerCase();
  return (config.Origins.Items || [])
    .flatMap((origin) => (origin.CustomHeaders && origin.CustomHeaders.Items) || [])
    .filter((header) => header.HeaderName.toLowerCase() === wanted);
}

/** The rule's conditions with the origin-verify header accepting exactly `values`. */
function withHeaderValues(conditions, headerName, values) {
  let found = false;
  const updated = conditions.map((condition) => {
    // DescribeRules returns both the legacy Values and the typed config; ModifyRule takes one.
    const { Values, ...rest } = condition;
    if (condition.Field === 'http-header' && condition.HttpHeaderConfig
      && condition.HttpHeaderConfig.HttpHeaderName.toLowerCase() === headerName.toLowerCase()) {
      found = true;
      return { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: condition.HttpHeaderConfig.HttpHeaderName, Values: values } };
    }
    const typed = Object.keys(rest).some((key) => key.endsWith('Config'));
    return typed ? rest : condition;
  });
  if (!found) {
    throw new Error(`The rule has no ${headerName} condition`);
  }
  return updated;
}

async function describeRule(elb, ruleArn) {
  const result = await elb.describeRules({ RuleArns: [ruleArn] });
  return result.Rules[0];
}

function headerValuesOf(rule, headerName) {
  const condition = rule.Conditions.find((c) => c.Field === 'http-header'
    && c.HttpHeaderConfig.HttpHeaderName.toLowerCase() === headerName.toLowerCase());
  return condition ? condition.HttpHeaderConfig.Values : [];
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
  const { sm, elb, cloudFront } = clients;
  const pending = await valueOf(sm, secretId, PENDING, token);
  const current = await valueOf(sm, secretId, CURRENT);
  // First the load balancer accepts both values, then CloudFront switches: no request is refused.
  for (const ruleArn of s.ruleArns) {
    const rule = await describeRule(elb, ruleArn);
    await elb.modifyRule({ RuleArn: ruleArn, Conditions: withHeaderValues(rule.Conditions, s.headerName, [pending, current]) });
  }
  const id = await findDistribution(cloudFront, s.domainName);
  const { DistributionConfig: config, ETag: etag } = await cloudFront.getDistributionConfig({ Id: id });
  const headers = headersOf(config, s.headerName);
  if (headers.length === 0) {
    throw new Error(`Distribution ${id} sends no ${s.headerName} header`);
  }
  if (headers.every((header) => header.HeaderValue === pending)) {
    return;
  }
  headers.forEach((header) => { header.HeaderValue = pending; });
  await cloudFront.updateDistribution({ Id: id, IfMatch: etag, DistributionConfig: config });
}

async function testSecret(clients, secretId, token, s) {
  const { sm, elb, cloudFront } = clients;
  const pending = await valueOf(sm, secretId, PENDING, token);
  for (const ruleArn of s.ruleArns) {
    const values = headerValuesOf(await describeRule(elb, ruleArn), s.headerName);
    if (!values.includes(pending)) {
      throw new Error(`Rule ${ruleArn} does not accept the pending value yet`);
    }
  }
  const id = await findDistribution(cloudFront, s.domainName);
  const { DistributionConfig: config } = await cloudFront.getDistributionConfig({ Id: id });
  if (!headersOf(config, s.headerName).every((header) => header.HeaderValue === pending)) {
    throw new Error(`Distribution ${id} does not send the pending value yet`);
  }
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

/** The SDK v3 clients of the Lambda runtime, with the method names `rotate` uses. */
function awsClients() {
  const secrets = require('@aws-sdk/client-secrets-manager');
  const elbv2 = require('@aws-sdk/client-elastic-load-balancing-v2');
  const cf = require('@aws-sdk/client-cloudfront');
  const sm = new secrets.SecretsManagerClient({});
  const elb = new elbv2.ElasticLoadBalancingV2Client({});
  // CloudFront's API is global and served from us-east-1.
  const cloudFront = new cf.CloudFrontClient({ region: 'us-east-1' });
  return {
    sm: {
      describeSecret: (input) => sm.send(new secrets.DescribeSecretCommand(input)),
      getSecretValue: (input) => sm.send(new secrets.GetSecretValueCommand(input)),
      putSecretValue: (input) => sm.send(new secrets.PutSecretValueCommand(input)),
      updateSecretVersionStage: (input) => sm.send(new secrets.UpdateSecretVersionStageCommand(input)),
    },
    elb: {
      describeRules: (input) => elb.send(new elbv2.DescribeRulesCommand(input)),
      modifyRule: (input) => elb.send(new elbv2.ModifyRuleCommand(input)),
    },
    cloudFront: {
      listDistributions: (input) => cloudFront.send(new cf.ListDistributionsCommand(input)),
      getDistributionConfig: (input) => cloudFront.send(new cf.GetDistributionConfigCommand(input)),
      updateDistribution: (input) => cloudFront.send(new cf.UpdateDistributionCommand(input)),
    },
  };
}

exports.handler = async (event) => rotate(event, awsClients(), process.env);
exports.rotate = rotate;
