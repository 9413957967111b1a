// The types and names of options that several constructs take under the same names: one table,
// held to its interface by test/design/prop-type-tables.test.ts, for each construct's type checks
// and for passing the options on as they are.
import type { ChatbotTaskContainerOptions } from './chatbot-container-options';
import {
  PropTypes, numberType, objectMapType, objectType, required, stringListType, stringMapType, stringType,
} from '../shared/validation';

/** The types of `ChatbotTaskContainerOptions`, for every construct that takes them. */
export const TASK_CONTAINER_OPTION_TYPES: PropTypes = {
  image: required(objectType('ecs.ContainerImage', 'bind', "ChatbotImage.fromAsset('app')")),
  port: numberType('8501'),
  cpu: numberType('512'),
  memoryLimitMiB: numberType('1024'),
  cpuArchitecture: objectType('ecs.CpuArchitecture', '_cpuArchitecture', 'ecs.CpuArchitecture.ARM64'),
  environment: stringMapType("{ APP_MODE: 'production' }"),
  secrets: objectMapType('secretsmanager.ISecret', 'secretArn'),
  generatedSecrets: stringListType("['API_KEY']"),
  user: stringType("'1000:1000'"),
  writableDirectories: stringListType("['/tmp']"),
  command: stringListType("['python', 'app.py']"),
  entryPoint: stringListType("['/usr/local/bin/app']"),
};

/** The names of `ChatbotTaskContainerOptions`, to pass them on as they are. */
export const TASK_CONTAINER_OPTION_KEYS = Object.keys(TASK_CONTAINER_OPTION_TYPES) as Array<keyof ChatbotTaskContainerOptions>;
