// The types and names of options that several constructs take under the same names: one table,
// held to its interface by test/design/prop-type-tables.test.ts, for each construct's type checks
// and for passing the options on as they are.
import type { ChatbotCognitoLoginOptions } from './chatbot-auth';
import { PropTypes, booleanType, durationType, objectListType, objectType, stringType } from '../shared/validation';

/** The types of `ChatbotCognitoLoginOptions`, for every construct that takes them. */
export const COGNITO_LOGIN_OPTION_TYPES: PropTypes = {
  userPoolClient: objectType('cognito.IUserPoolClient', 'userPoolClientId'),
  userPoolDomain: objectType('cognito.IUserPoolDomain', 'domainName'),
  cognitoDomainPrefix: stringType("'my-chat'"),
  sessionTimeout: durationType('Duration.hours(8)'),
  identityProviders: objectListType('ChatbotIdentityProvider', 'providerType', '[ChatbotIdentityProvider.saml({ ... })]'),
  cognitoUsers: booleanType(),
};

/** The names of `ChatbotCognitoLoginOptions`, to pass them on as they are. */
export const COGNITO_LOGIN_OPTION_KEYS = Object.keys(COGNITO_LOGIN_OPTION_TYPES) as Array<keyof ChatbotCognitoLoginOptions>;
