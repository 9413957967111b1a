// The types and names of options that several constructs take under the same names: one table,
// held to its interface by test/design/prop-type-tables.test.ts, for each construct's type checks
// and for passing the options on as they are.
import type { ChatbotHttpApiIngressOptions } from './chatbot-http-api';
import type { ChatbotLoadBalancerOptions } from './chatbot-load-balancer';
import { PropTypes, durationType, numberType, stringListType, stringType } from '../shared/validation';

/** The types of `ChatbotLoadBalancerOptions`, for every construct that takes them. */
export const LOAD_BALANCER_OPTION_TYPES: PropTypes = {
  cloudFrontPrefixListId: stringType("'pl-3b927c52'"),
  idleTimeout: durationType('Duration.seconds(300)'),
  stickinessDuration: durationType('Duration.hours(1)'),
};

/** The names of `ChatbotLoadBalancerOptions`, to pass them on as they are. */
export const LOAD_BALANCER_OPTION_KEYS = Object.keys(LOAD_BALANCER_OPTION_TYPES) as Array<keyof ChatbotLoadBalancerOptions>;

/** The types of `ChatbotHttpApiIngressOptions`, for every construct that takes them. */
export const HTTP_API_OPTION_TYPES: PropTypes = {
  jwtIssuer: stringType("'https://login.microsoftonline.com/<tenant>/v2.0'"),
  jwtAudience: stringListType("['api://chatbot']"),
  throttlingRateLimit: numberType('50'),
  throttlingBurstLimit: numberType('100'),
};

/** The names of `ChatbotHttpApiIngressOptions`, to pass them on as they are. */
export const HTTP_API_OPTION_KEYS = Object.keys(HTTP_API_OPTION_TYPES) as Array<keyof ChatbotHttpApiIngressOptions>;
