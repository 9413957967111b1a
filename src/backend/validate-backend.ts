import { IConstruct } from 'constructs';
import { ChatbotBackendOptions } from './chatbot-backend';
import { DEPLOYMENT_SETTINGS_TYPE } from '../service/deployment-defaults';
import { checkFargateSize } from '../shared/aws-limits';
import {
  PropTypes, PropsValidator, checkPropTypes, isKnown, numberType, objectMapType, objectType, stringListType, stringMapType, stringType,
} from '../shared/validation';

// `image` and `port` are required; their absence has a message of its own below.
export const BACKEND_OPTION_TYPES: PropTypes = {
  image: objectType('ecs.ContainerImage', 'bind', "ChatbotImage.fromAsset('backend')"),
  port: numberType('8080'),
  containerPort: numberType('8080'),
  healthCheckPath: stringType("'/health'"),
  desiredCount: numberType('2'),
  maxTaskCount: numberType('4'),
  cpu: numberType('512'),
  memoryLimitMiB: numberType('1024'),
  cpuArchitecture: objectType('ecs.CpuArchitecture', '_cpuArchitecture', 'ecs.CpuArchitecture.ARM64'),
  secrets: objectMapType('secretsmanager.ISecret', 'secretArn'),
  generatedSecrets: stringListType("['API_KEY']"),
  environment: stringMapType("{ APP_MODE: 'production' }"),
  config: stringMapType("{ APP_MODE: 'production' }"),
  bedrockModels: stringListType("['eu.anthropic.claude-3-haiku-20240307-v1:0']"),
  bedrockGuardrail: objectType('ChatbotGuardrail', 'bind', 'ChatbotGuardrail.create()'),
  deployment: DEPLOYMENT_SETTINGS_TYPE,
};

/**
 * Checks what the caller controls; `prefix` names the prop path (`backend.`) for the L3, and
 * `propsOfTheConstruct` the props `ChatbotBackend` takes besides the options (checked there).
 */
export function validateBackendOptions(scope: IConstruct, constructName: string, prefix: string, options: ChatbotBackendOptions,
  propsOfTheConstruct: readonly string[] = []): void {
  const v = new PropsValidator(constructName, scope);
  if (!checkPropTypes(v, options, BACKEND_OPTION_TYPES, prefix, propsOfTheConstruct)) {
    v.throwIfInvalid();
  }
  v.check(options.image !== undefined, `${prefix}image`, 'is missing.', 'Pass the backend\'s container image.');
  // The 1.0 names (`containerPort`, `config`) still work; both names of one prop are refused.
  for (const [old, now] of [['containerPort', 'port'], ['config', 'environment']] as const) {
    v.check(options[old] === undefined || options[now] === undefined, `${prefix}${old}`, `is the old name of \`${prefix}${now}\`, and both are given.`,
      `Pass only \`${prefix}${now}\`.`);
  }
  const portProp = options.port === undefined && options.containerPort !== undefined ? 'containerPort' : 'port';
  const port = options.port ?? options.containerPort;
  if (port === undefined) {
    v.fail(`${prefix}port`, 'is missing: the internal load balancer needs the port the backend listens on.', 'Pass the backend container\'s port, for example 8080.');
  } else if (isKnown(port)) {
    v.check(Number.isInteger(port) && port >= 1 && port <= 65535, `${prefix}${portProp}`,
      `must be a whole number from 1 to 65535 (got ${port}).`, 'Use the port the backend listens on.');
  }
  if (options.healthCheckPath !== undefined) {
    v.check(options.healthCheckPath.startsWith('/'), `${prefix}healthCheckPath`, `must start with / (got '${options.healthCheckPath}').`, 'Use a path such as /health.');
  }
  checkFargateSize(v, options.cpu ?? 512, options.memoryLimitMiB ?? 1024, `${prefix}cpu`, `${prefix}memoryLimitMiB`);
  v.throwIfInvalid();
}
