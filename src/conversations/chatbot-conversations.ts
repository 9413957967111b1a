import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { createKey } from '../shared/encryption';
import { StatementConditions, addStatement } from '../shared/grant-statement';
import { DEFAULT_REMOVAL_POLICY, checkRemovalPolicy, deletionProtectionFor } from '../shared/removal-policy';
import { backUpTable } from '../shared/table-backup';
import {
  PropTypes, PropsValidator, durationType, enumType, objectType, refuseWrongTypes,
} from '../shared/validation';

/**
 * What `SecureContainerChatbot` and `ChatbotConversations` share: where the conversations are kept
 * and for how long.
 */
export interface ChatbotConversationsOptions {
  /**
   * An existing table to keep the conversations in. It must have the layout of the table this
   * construct creates (see `ChatbotConversations`): partition key `userId` and sort key `sk`
   * (strings), a local secondary index `byUpdatedAt` with sort key `updatedAt` (string), and TTL
   * on `expiresAt`. Its encryption, backups and removal stay yours.
   *
   * @default - a new table (on demand, point-in-time recovery, the customer-managed key, daily
   * AWS Backup unless `removalPolicy` is DESTROY)
   */
  readonly table?: dynamodb.ITable;

  /**
   * How long each saved message is kept after it was written: the app stamps every item with
   * `expiresAt` = write time + retention, and DynamoDB's TTL deletes it afterwards (usually within
   * a few days of that time). The conversation's header (title, last activity) is stamped again
   * on every message, so an active conversation stays listed while its oldest messages expire.
   * Whole days from 1 to 3650. Point-in-time recovery (35 days) and the daily backups (35 days)
   * keep copies of deleted items for that long after.
   *
   * @default Duration.days(90)
   */
  readonly retention?: Duration;
}

/**
 * The `conversationHistory` prop of `SecureContainerChatbot`.
 */
export interface ChatbotConversationHistoryOptions extends ChatbotConversationsOptions {
  /**
   * Keep each user's conversations in DynamoDB. Off removes the table, the task role's grant, the
   * `CONVERSATIONS_*` variables and the DynamoDB gateway endpoint (unless `storage` needs it); the
   * reference app then keeps the conversations in memory only.
   *
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * Props for `ChatbotConversations`.
 */
export interface ChatbotConversationsProps extends ChatbotConversationsOptions {
  /**
   * Customer-managed key of the new table and its backups (`SecureContainerChatbot` passes its own
   * key). Refused with `table`.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the new table, its key and backups when the stack is deleted. RETAIN keeps
   * them and turns the table's deletion protection on; RETAIN_ON_UPDATE_OR_DELETE keeps them but
   * lets the rollback of a failed first deployment delete them (no deletion protection); DESTROY
   * deletes them, with no AWS Backup plan (a vault holding recovery points cannot be deleted).
   * Refused with `table`.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Each user's chat history in one DynamoDB table, so that a conversation outlives the task that
 * served it (deploys, scale-in, task failures, a reconnect to another task).
 *
 * Layout, designed so that no item approaches DynamoDB's 400 KB limit however long a
 * conversation gets, and so that everything a request needs is one `Query` of one user's items
 * (never a `Scan`):
 *
 * | item | `userId` (partition key) | `sk` (sort key) | other attributes |
 * | --- | --- | --- | --- |
 * | conversation header | verified user id | `CONV#<conversationId>` | `title` (from the first question), `createdAt`, `updatedAt`, `expiresAt` |
 * | message | verified user id | `CONV#<conversationId>#MSG#<seq, 8 digits>#<part, 3 digits>` | `role`, `text`, `status` (`ok`, `failed`, `blocked`), `createdAt`, `expiresAt` |
 *
 * One item per message (a question or an answer), and a message longer than 100 KB of text is cut
 * into parts; the zero-padded numbers keep them in order. The local secondary index `byUpdatedAt`
 * (sort key `updatedAt`, which only headers carry) lists a user's conversations newest first;
 * `begins_with(sk, 'CONV#<id>#MSG#')` reads one conversation; deleting one removes every item
 * whose sort key begins with `CONV#<id>`. A local index limits one user's items to 10 GB, millions
 * of messages. `expiresAt` (epoch seconds) is the TTL attribute.
 *
 * The table is billed on demand (no charge at idle but its storage and point-in-time recovery),
 * encrypted with a customer-managed key, with point-in-time recovery, deletion protection under
 * RETAIN and a daily AWS Backup plan (none under DESTROY). It has no fixed name.
 */
export class ChatbotConversations extends Construct {
  /** Partition key of the table: the verified user id. */
  public static readonly PARTITION_KEY = 'userId';
  /** Sort key of the table: `CONV#<conversationId>` or `CONV#<conversationId>#MSG#<seq>#<part>`. */
  public static readonly SORT_KEY = 'sk';
  /** The local secondary index that lists a user's conversations by `updatedAt`. */
  public static readonly UPDATED_AT_INDEX = 'byUpdatedAt';
  /** The sort key of `UPDATED_AT_INDEX`: ISO 8601 UTC time of the conversation's last message. */
  public static readonly UPDATED_AT_ATTRIBUTE = 'updatedAt';
  /** The TTL attribute, in epoch seconds. */
  public static readonly TTL_ATTRIBUTE = 'expiresAt';
  /** The item-level actions the app needs (`grantReadWrite`): no Scan, no table administration. */
  public static readonly ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'];

  /** The table of the conversations. */
  public readonly table: dynamodb.ITable;

  /** How long a saved message is kept. */
  public readonly retention: Duration;

  /** The key of the new table; undefined with `table`. */
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: ChatbotConversationsProps = {}) {
    super(scope, id);
    refuseWrongTypes(this, 'ChatbotConversations', props, CONVERSATIONS_TYPES);
    const v = new PropsValidator('ChatbotConversations', this, props);
    checkRetention(v, props.retention);
    v.check(!(props.table && props.encryptionKey), 'encryptionKey', 'is unused because `table` was given.',
      'Remove it; your table keeps its own encryption.');
    v.check(!(props.table && props.removalPolicy !== undefined), 'removalPolicy', 'is unused because `table` was given.',
      'Remove it; your table keeps its own removal policy.');
    checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
    v.throwIfInvalid();
    this.retention = props.retention ?? DEFAULT_RETENTION;

    if (props.table) {
      this.table = props.table;
      return;
    }
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    const key = props.encryptionKey ?? createKey(this, 'Key', 'Encrypts the chatbot conversations', removalPolicy);
    this.encryptionKey = key;
    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: ChatbotConversations.PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ChatbotConversations.SORT_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: ChatbotConversations.TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: deletionProtectionFor(removalPolicy),
      removalPolicy,
    });
    // Headers only (sparse): the sidebar's list needs their title, not the messages.
    table.addLocalSecondaryIndex({
      indexName: ChatbotConversations.UPDATED_AT_INDEX,
      sortKey: { name: ChatbotConversations.UPDATED_AT_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: ['title', 'createdAt'],
    });
    this.table = table;
    backUpTable(this, table, key, removalPolicy);
  }

  /**
   * The container's configuration: `CONVERSATIONS_TABLE` (the table's name) and
   * `CONVERSATIONS_RETENTION_DAYS` (the retention in days, for `expiresAt`).
   */
  public get environment(): { [name: string]: string } {
    return {
      CONVERSATIONS_TABLE: this.table.tableName,
      CONVERSATIONS_RETENTION_DAYS: String(this.retention.toDays()),
    };
  }

  /**
   * Grants the item-level actions the app needs (`ACTIONS`) on exactly this table and its
   * `byUpdatedAt` index, and the use of the table's key when it is known, all in statements with
   * Sids. With `dynamoDbGateway`, the same actions are denied unless the request comes through
   * that gateway endpoint. The returned grant holds every statement, the deny included.
   */
  public grantReadWrite(grantee: iam.IGrantable, dynamoDbGateway?: ec2.IVpcEndpoint): iam.Grant {
    const resources = [this.table.tableArn, `${this.table.tableArn}/index/${ChatbotConversations.UPDATED_AT_INDEX}`];
    const add = (sid: string, actions: string[], resourceArns: string[], conditions?: StatementConditions, effect?: iam.Effect): iam.Grant =>
      addStatement(grantee, sid, actions, resourceArns, conditions, effect);
    let grant = add('ReadWriteConversations', ChatbotConversations.ACTIONS, resources);
    const key = this.table.encryptionKey;
    if (key) {
      grant = grant.combine(add('UseConversationsKey', ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], [key.keyArn]));
    }
    if (dynamoDbGateway) {
      grant = grant.combine(add('ConversationsOnlyThroughGatewayEndpoint', ChatbotConversations.ACTIONS, resources,
        { StringNotEquals: { 'aws:SourceVpce': [dynamoDbGateway.vpcEndpointId] } }, iam.Effect.DENY));
    }
    return grant;
  }
}

const DEFAULT_RETENTION = Duration.days(90);

function checkRetention(v: PropsValidator, retention: Duration | undefined): void {
  if (retention === undefined || retention.isUnresolved()) {
    return;
  }
  const days = retention.toSeconds() / 86400;
  v.check(Number.isInteger(days) && days >= 1 && days <= 3650, 'retention',
    `must be a whole number of days from 1 to 3650 (got ${retention.toHumanString()}).`,
    'Use Duration.days(90) for example; DynamoDB\'s TTL deletes expired items within days, so a shorter period would not be kept to.');
}

const CONVERSATIONS_TYPES: PropTypes = {
  table: objectType('dynamodb.ITable', 'tableName'),
  retention: durationType('Duration.days(90)'),
  encryptionKey: objectType('kms.IKey', 'keyArn'),
  removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
};
