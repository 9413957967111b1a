// The types and names of options that several constructs take under the same names: one table,
// held to its interface by test/design/prop-type-tables.test.ts, for each construct's type checks
// and for passing the options on as they are.
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { ChatbotEdgeOptions } from './chatbot-edge';
import type { ChatbotWebAclOptions } from './chatbot-web-acl';
import { PropTypes, enumType, numberType, objectType, stringListType, stringType } from '../shared/validation';

/** The types of `ChatbotWebAclOptions`, for every construct that takes them. */
export const WEB_ACL_OPTION_TYPES: PropTypes = {
  rateLimitPerIp: numberType('1000'),
  maxUploadBytes: numberType('10485760'),
  uploadPath: stringType("'/_stcore/upload_file'"),
  allowedIpRanges: stringListType("['203.0.113.0/24', '2001:db8::/32']"),
  allowedCountries: stringListType("['DE', 'FR']"),
};

/** The names of `ChatbotWebAclOptions`, to pass them on as they are. */
export const WEB_ACL_OPTION_KEYS = Object.keys(WEB_ACL_OPTION_TYPES) as Array<keyof ChatbotWebAclOptions>;

/** The types of `ChatbotEdgeOptions`, for every construct that takes them. */
export const EDGE_OPTION_TYPES: PropTypes = {
  ...WEB_ACL_OPTION_TYPES,
  webAclArn: stringType(),
  geoRestriction: objectType('cloudfront.GeoRestriction', 'restrictionType', "cloudfront.GeoRestriction.allowlist('DE', 'FR')"),
  priceClass: enumType('cloudfront.PriceClass', cloudfront.PriceClass, 'PRICE_CLASS_100'),
};

/** The names of `ChatbotEdgeOptions`, to pass them on as they are. */
export const EDGE_OPTION_KEYS = Object.keys(EDGE_OPTION_TYPES) as Array<keyof ChatbotEdgeOptions>;
