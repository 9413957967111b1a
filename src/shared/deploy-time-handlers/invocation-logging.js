'use strict';
// CloudFormation custom resource: Amazon Bedrock model invocation logging for the account and
// region. CloudFormation has no resource for this setting (PutModelInvocationLoggingConfiguration),
// so this handler sets it on create and update, and on delete puts back whatever was set before
// the stack turned it on (or turns it off if nothing was). The previous setting is kept in an SSM
// parameter owned by the stack. Node.js, AWS SDK v3 from the Lambda runtime.
//
// ResourceProperties: LoggingConfig (the desired loggingConfig, as the API takes it) and
// PreviousSettingParameter (the parameter's name).

const { respond } = require('./cfn-response');

const NONE = 'none';

// Bedrock validates the logging role and the log group when the setting is put. IAM takes some
// seconds to propagate a role created just before in the same deployment, and until then Bedrock
// answers ValidationException or AccessDeniedException: retry those for about a minute.
const PROPAGATION_RETRY_DELAYS_MS = [2000, 4000, 8000, 16000, 16000, 16000];
const PROPAGATION_ERRORS = ['ValidationException', 'AccessDeniedException'];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a put of the setting, retrying the errors that a role still propagating causes. */
async function putSetting(api, cmd, config, wait) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await api.bedrock.send(cmd.put(config));
    } catch (error) {
      if (!PROPAGATION_ERRORS.includes(error.name) || attempt >= PROPAGATION_RETRY_DELAYS_MS.length) {
        throw error;
      }
      console.log(`${error.name} from Bedrock (${error.message}); the role may still be propagating, retrying`);
      await wait(PROPAGATION_RETRY_DELAYS_MS[attempt]);
    }
  }
}

function clients() {
  const { BedrockClient } = require('@aws-sdk/client-bedrock');
  const { SSMClient } = require('@aws-sdk/client-ssm');
  return { bedrock: new BedrockClient({}), ssm: new SSMClient({}) };
}

function commands() {
  const b = require('@aws-sdk/client-bedrock');
  const s = require('@aws-sdk/client-ssm');
  return {
    get: () => new b.GetModelInvocationLoggingConfigurationCommand({}),
    put: (loggingConfig) => new b.PutModelInvocationLoggingConfigurationCommand({ loggingConfig }),
    remove: () => new b.DeleteModelInvocationLoggingConfigurationCommand({}),
    getParameter: (name) => new s.GetParameterCommand({ Name: name }),
    putParameter: (name, value) => new s.PutParameterCommand({ Name: name, Value: value, Overwrite: true }),
  };
}

/** The desired setting as the API takes it, with the booleans CloudFormation turned into strings. */
function desiredConfig(props) {
  const config = JSON.parse(JSON.stringify(props.LoggingConfig));
  for (const key of Object.keys(config)) {
    if (config[key] === 'true' || config[key] === 'false') {
      config[key] = config[key] === 'true';
    }
  }
  return config;
}

/** True when the account's current setting is the one this stack put (same log group and role). */
function isOurs(current, desired) {
  const a = (current && current.cloudWatchConfig) || {};
  const b = desired.cloudWatchConfig || {};
  return !!a.logGroupName && a.logGroupName === b.logGroupName && a.roleArn === b.roleArn;
}

async function onEvent(event, api, cmd, wait = sleep) {
  const props = event.ResourceProperties;
  const desired = desiredConfig(props);
  const parameter = props.PreviousSettingParameter;
  const physicalId = event.PhysicalResourceId || `bedrock-invocation-logging:${parameter}`;
  const current = (await api.bedrock.send(cmd.get())).loggingConfig;
  if (event.RequestType === 'Create') {
    // A retried create finds its own setting in place: keep the previous one already stored.
    if (!isOurs(current, desired)) {
      await api.ssm.send(cmd.putParameter(parameter, current ? JSON.stringify(current) : NONE));
    }
    await putSetting(api, cmd, desired, wait);
    return physicalId;
  }
  if (event.RequestType === 'Update') {
    await putSetting(api, cmd, desired, wait);
    return physicalId;
  }
  // Delete. A create that failed before storing anything has no physical id of ours.
  if (!event.PhysicalResourceId || !event.PhysicalResourceId.startsWith('bedrock-invocation-logging:')) {
    return physicalId;
  }
  if (!isOurs(current, desired)) {
    console.log('The invocation logging setting was changed outside this stack; leaving it as it is.');
    return physicalId;
  }
  const stored = (await api.ssm.send(cmd.getParameter(parameter))).Parameter.Value;
  if (stored === NONE) {
    await api.bedrock.send(cmd.remove());
  } else {
    await putSetting(api, cmd, JSON.parse(stored), wait);
  }
  return physicalId;
}

async function handler(event, context, deps) {
  const api = (deps && deps.api) || clients();
  const cmd = (deps && deps.cmd) || commands();
  const send = (deps && deps.respond) || respond;
  try {
    const physicalId = await onEvent(event, api, cmd, (deps && deps.sleep) || sleep);
    await send(event, 'SUCCESS', physicalId, 'OK');
  } catch (error) {
    console.error(error);
    // A failed create reports a physical id the delete of the rollback recognises as not ours.
    await send(event, 'FAILED', event.PhysicalResourceId || `failed-${event.RequestId}`, `${error.name || 'Error'}: ${error.message || error}`);
  }
}

module.exports = { handler, onEvent, isOurs, desiredConfig, PROPAGATION_RETRY_DELAYS_MS };
