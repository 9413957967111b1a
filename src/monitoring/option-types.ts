// The types and names of options that several constructs take under the same names: one table,
// held to its interface by test/design/prop-type-tables.test.ts, for each construct's type checks
// and for passing the options on as they are.
import type { ChatbotMonitoringOptions } from './chatbot-monitoring';
import { PropTypes, booleanType, numberType, objectType } from '../shared/validation';

/** The types of `ChatbotMonitoringOptions`, for every construct that takes them. */
export const MONITORING_OPTION_TYPES: PropTypes = {
  serverErrorRatePercent: numberType('5'),
  dashboard: booleanType(),
  alarmTopic: objectType('sns.ITopic', 'topicArn'),
};

/** The names of `ChatbotMonitoringOptions`, to pass them on as they are. */
export const MONITORING_OPTION_KEYS = Object.keys(MONITORING_OPTION_TYPES) as Array<keyof ChatbotMonitoringOptions>;
