import { IConstruct } from 'constructs';
import { ChatbotConversationHistoryOptions } from './chatbot-conversations';
import { PropTypes, PropsValidator, booleanType, checkPropTypes, durationType, objectType } from '../shared/validation';

const HISTORY_TYPES: PropTypes = {
  enabled: booleanType(),
  table: objectType('dynamodb.ITable', 'tableName'),
  retention: durationType('Duration.days(90)'),
};

/**
 * Checks `SecureContainerChatbot`'s `conversationHistory` where it enters: its types, and that
 * nothing is given for a store that is turned off. The values are checked by `ChatbotConversations`.
 */
export function validateConversationHistory(scope: IConstruct, options: ChatbotConversationHistoryOptions | undefined): void {
  if (options === undefined) {
    return;
  }
  const v = new PropsValidator('SecureContainerChatbot', scope);
  if (checkPropTypes(v, options, HISTORY_TYPES, 'conversationHistory.') && options.enabled === false) {
    for (const prop of ['table', 'retention'] as const) {
      v.check(options[prop] === undefined, `conversationHistory.${prop}`, 'is unused because `conversationHistory.enabled` is false.',
        'Remove it, or turn the conversation history on.');
    }
  }
  v.throwIfInvalid();
}
