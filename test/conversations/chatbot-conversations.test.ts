import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ChatbotConversations, ChatbotIngress, SecureContainerChatbot, SecureContainerChatbotProps } from '../../src';
import { expectContainerVariable } from '../support/environment';
import { EXAMPLES, exampleTemplate } from '../support/example-assemblies';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');
const EXPECTED_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'];

function chatbot(props: Partial<SecureContainerChatbotProps> = {}): { stack: Stack; chat: SecureContainerChatbot; template: Template } {
  const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1', account: '123456789012' } });
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' });
  const chat = new SecureContainerChatbot(stack, 'Chat', { container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone, ...props });
  return { stack, chat, template: Template.fromStack(stack) };
}

/** The statements of the task role's customer-managed policy, by Sid. */
function taskRoleStatements(template: Template): { [sid: string]: any } {
  const statements = Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter(([id]) => /TaskRole/.test(id))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  return Object.fromEntries(statements.map((s: any) => [s.Sid, s]));
}

function conversationTables(template: Template): { [id: string]: any } {
  return Object.fromEntries(Object.entries(template.findResources('AWS::DynamoDB::Table')).filter(([id]) => /Conversations/.test(id)));
}

describe('conversation store in every example', () => {
  const regions: { [name: string]: [string, string?] } = {
    'basic': ['eu-west-1'],
    'storage': ['us-west-2'],
    'two-tier': ['eu-central-1', 'ChatbotTwoTier'],
    'http-api': ['ap-southeast-2'],
    'private-origin': ['us-east-1'],
    'enterprise-sso': ['eu-west-1'],
  };
  test('covers every example', () => {
    expect(Object.keys(regions).sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  describe.each(Object.entries(regions))('%s', (name, [region, stackName]) => {
    const template = exampleTemplate(name, region, stackName);

    test('one table: user id and sort key, on demand, TTL, PITR, the chatbot key, retained with deletion protection, no fixed name', () => {
      const tables = conversationTables(template);
      expect(Object.keys(tables)).toHaveLength(1);
      const [table] = Object.values(tables);
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      const p = table.Properties;
      expect(p.KeySchema).toEqual([{ AttributeName: 'userId', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]);
      expect(p.BillingMode).toBe('PAY_PER_REQUEST');
      expect(p.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
      expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(p.DeletionProtectionEnabled).toBe(true);
      expect(p.TableName).toBeUndefined();
      // The chatbot's own key (the one of its log groups), not a new one.
      expect(p.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^ChatbotEncryptionKey/), 'Arn'] } });
      expect(p.LocalSecondaryIndexes).toEqual([{
        IndexName: 'byUpdatedAt',
        KeySchema: [{ AttributeName: 'userId', KeyType: 'HASH' }, { AttributeName: 'updatedAt', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['title', 'createdAt'] },
      }]);
    });

    test('the table is in a daily backup plan', () => {
      const [tableId] = Object.keys(conversationTables(template));
      template.hasResourceProperties('AWS::Backup::BackupSelection', {
        BackupSelection: Match.objectLike({ Resources: [{ 'Fn::GetAtt': [tableId, 'Arn'] }] }),
      });
    });

    test('the task role gets exactly the item actions on the table and its index, the key, and only through the gateway endpoint', () => {
      const [tableId] = Object.keys(conversationTables(template));
      const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
      const indexArn = { 'Fn::Join': ['', [tableArn, '/index/byUpdatedAt']] };
      const bySid = taskRoleStatements(template);
      expect(bySid.ReadWriteConversations).toEqual({ Sid: 'ReadWriteConversations', Effect: 'Allow', Action: EXPECTED_ACTIONS, Resource: [tableArn, indexArn] });
      expect(bySid.UseConversationsKey).toEqual({
        Sid: 'UseConversationsKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ChatbotEncryptionKey/), 'Arn'] },
      });
      const endpointId = Object.entries(template.findResources('AWS::EC2::VPCEndpoint'))
        .find(([, r]) => JSON.stringify(r.Properties.ServiceName).includes('.dynamodb'))![0];
      expect(bySid.ConversationsOnlyThroughGatewayEndpoint).toEqual({
        Sid: 'ConversationsOnlyThroughGatewayEndpoint',
        Effect: 'Deny',
        Action: EXPECTED_ACTIONS,
        Resource: [tableArn, indexArn],
        Condition: { StringNotEquals: { 'aws:SourceVpce': [{ Ref: endpointId }] } },
      });
      // Nothing else of DynamoDB anywhere in the task role: no Scan, no table administration, no wildcard.
      const everyAction = Object.values(bySid).flatMap((s: any) => [s.Action].flat());
      expect(everyAction.filter((a: string) => /^dynamodb:(Scan|Create|Delete(Table|Backup)|Update(Table|TimeToLive)|\*)/.test(a) || a === '*')).toEqual([]);
    });

    test('a DynamoDB gateway endpoint on the task subnets\' route tables', () => {
      const gateways = Object.values(template.findResources('AWS::EC2::VPCEndpoint'))
        .filter((r) => JSON.stringify(r.Properties.ServiceName).includes('.dynamodb'));
      expect(gateways).toHaveLength(1);
      expect(gateways[0].Properties.VpcEndpointType).toBe('Gateway');
      const s3 = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).find((r) => JSON.stringify(r.Properties.ServiceName).includes('.s3'))!;
      expect(gateways[0].Properties.RouteTableIds).toEqual(s3.Properties.RouteTableIds);
      expect(gateways[0].Properties.RouteTableIds.length).toBeGreaterThanOrEqual(2);
    });

    test('the container gets the table name, the retention and where the verified user comes from', () => {
      const [tableId] = Object.keys(conversationTables(template));
      expectContainerVariable(template, 'CONVERSATIONS_TABLE', { Ref: tableId });
      expectContainerVariable(template, 'CONVERSATIONS_RETENTION_DAYS', '90');
      expectContainerVariable(template, 'IDENTITY_SOURCE', name === 'http-api' ? 'api-gateway-jwt' : 'load-balancer');
    });
  });
});

describe('conversationHistory on SecureContainerChatbot', () => {
  test('off: no table, no grant, no variable, no DynamoDB endpoint', () => {
    const { chat, template } = chatbot({ conversationHistory: { enabled: false } });
    expect(chat.conversations).toBeUndefined();
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.resourceCountIs('AWS::Backup::BackupPlan', 0);
    const bySid = taskRoleStatements(template);
    expect(Object.keys(bySid).filter((sid) => /Conversations/.test(sid))).toEqual([]);
    expect(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'))).not.toContain('dynamodb:');
    const services = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((r) => JSON.stringify(r.Properties.ServiceName));
    expect(services.filter((s) => s.includes('.dynamodb'))).toEqual([]);
    expect(services.filter((s) => s.includes('.s3'))).toHaveLength(1);
    const env = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0].Environment.map((e: any) => e.Name);
    expect(env.filter((n: string) => n.startsWith('CONVERSATIONS_'))).toEqual([]);
  });

  test('on with the storage: one DynamoDB gateway endpoint serves both tables', () => {
    const { template } = chatbot({ storage: {} });
    const services = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((r) => JSON.stringify(r.Properties.ServiceName));
    expect(services.filter((s) => s.includes('.dynamodb'))).toHaveLength(1);
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
  });

  test('a table of your own: no new table, key or backup; the grant and the variable name yours', () => {
    const stack = new Stack(new App(), 'Own', { env: { region: 'eu-west-1' } });
    const key = new kms.Key(stack, 'TheirKey');
    const table = new dynamodb.Table(stack, 'Mine', {
      partitionKey: { name: 'userId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
    });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' });
    const chat = new SecureContainerChatbot(stack, 'Chat', {
      container: { image: IMAGE }, domainName: 'chat.example.com', hostedZone, conversationHistory: { table, retention: Duration.days(30) },
    });
    const template = Template.fromStack(stack);
    expect(chat.conversations!.table).toBe(table);
    expect(chat.conversations!.encryptionKey).toBeUndefined();
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::Backup::BackupPlan', 0);
    const mineId = stack.getLogicalId(table.node.defaultChild as dynamodb.CfnTable);
    const keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
    expectContainerVariable(template, 'CONVERSATIONS_TABLE', { Ref: mineId });
    expectContainerVariable(template, 'CONVERSATIONS_RETENTION_DAYS', '30');
    const bySid = taskRoleStatements(template);
    expect(bySid.ReadWriteConversations.Resource).toEqual([{ 'Fn::GetAtt': [mineId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [mineId, 'Arn'] }, '/index/byUpdatedAt']] }]);
    expect(bySid.UseConversationsKey.Resource).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  test('follows removalPolicy DESTROY: deleted with the stack, no deletion protection, no backup vault', () => {
    const { template } = chatbot({ removalPolicy: RemovalPolicy.DESTROY });
    const [table] = Object.values(conversationTables(template));
    expect(table.DeletionPolicy).toBe('Delete');
    expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    template.resourceCountIs('AWS::Backup::BackupVault', 0);
  });

  test('RETAIN_ON_UPDATE_OR_DELETE: retained, but no deletion protection (a failed first create can roll back)', () => {
    const { template } = chatbot({ removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });
    const [table] = Object.values(conversationTables(template));
    expect(table.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(table.Properties.DeletionProtectionEnabled).toBe(false);
  });

  test('the HTTP API variant: the app reads the user from the JWT that API Gateway validated', () => {
    const { template } = chatbot({ ingress: ChatbotIngress.httpApi() });
    expectContainerVariable(template, 'IDENTITY_SOURCE', 'api-gateway-jwt');
    expect(Object.keys(conversationTables(template))).toHaveLength(1);
  });

  test.each<[string, Partial<SecureContainerChatbotProps>, RegExp]>([
    ['a retention of hours', { conversationHistory: { retention: Duration.hours(36) } }, /`conversationHistory\.retention`: must be a whole number of days from 1 to 3650 \(got 1 day 12 hours\)/],
    ['a retention of 0 days', { conversationHistory: { retention: Duration.days(0) } }, /`conversationHistory\.retention`: must be a whole number of days from 1 to 3650/],
    ['a retention of 20 years', { conversationHistory: { retention: Duration.days(7300) } }, /`conversationHistory\.retention`: must be a whole number of days from 1 to 3650/],
    ['a table while off', { conversationHistory: { enabled: false, table: { tableName: 'theirs' } as unknown as dynamodb.ITable } }, /`conversationHistory\.table`: is unused because `conversationHistory\.enabled` is false/],
    ['a retention while off', { conversationHistory: { enabled: false, retention: Duration.days(7) } }, /`conversationHistory\.retention`: is unused because/],
    ['a string for enabled', { conversationHistory: { enabled: 'no' as unknown as boolean } }, /`conversationHistory\.enabled`: must be/],
    ['a number for retention', { conversationHistory: { retention: 90 as unknown as Duration } }, /`conversationHistory\.retention`: must be/],
  ])('refuses %s', (_, props, message) => {
    expect(() => chatbot(props)).toThrow(message);
  });

  test.each(['CONVERSATIONS_TABLE', 'CONVERSATIONS_RETENTION_DAYS', 'IDENTITY_SOURCE'])('refuses a container variable named %s, which it sets', (name) => {
    expect(() => chatbot({ container: { image: IMAGE, environment: { [name]: 'x' } } }))
      .toThrow(new RegExp(`\`container\\.environment\`: sets ${name}, which the construct sets itself`));
  });

  test('a container variable CONVERSATIONS_TABLE is the app\'s own when the history is off', () => {
    const { template } = chatbot({ conversationHistory: { enabled: false }, container: { image: IMAGE, environment: { CONVERSATIONS_TABLE: 'elsewhere' } } });
    expectContainerVariable(template, 'CONVERSATIONS_TABLE', 'elsewhere');
  });
});

describe('ChatbotConversations alone', () => {
  test('creates its own key; grants a role without an endpoint condition', () => {
    const stack = new Stack(new App(), 'Alone', { env: { region: 'eu-west-1' } });
    const conversations = new ChatbotConversations(stack, 'Conversations');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    conversations.grantReadWrite(role);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.map((s: any) => s.Sid)).toEqual(['ReadWriteConversations', 'UseConversationsKey']);
    expect(statements[0].Action).toEqual(EXPECTED_ACTIONS);
    expect(conversations.environment).toEqual({ CONVERSATIONS_TABLE: conversations.table.tableName, CONVERSATIONS_RETENTION_DAYS: '90' });
    expect(ChatbotConversations.ACTIONS).toEqual(EXPECTED_ACTIONS);
  });

  test('with a gateway endpoint the grant denies every other path', () => {
    const stack = new Stack(new App(), 'Alone', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const endpoint = vpc.addGatewayEndpoint('Ddb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
    const conversations = new ChatbotConversations(stack, 'Conversations');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    const grant = conversations.grantReadWrite(role, endpoint);
    expect(grant.principalStatements.map((s) => s.sid)).toEqual(['ReadWriteConversations', 'UseConversationsKey', 'ConversationsOnlyThroughGatewayEndpoint']);
    expect(grant.principalStatements[2].effect).toBe(iam.Effect.DENY);
  });

  test.each<[string, object, RegExp]>([
    ['a key with a table of your own', { table: 'T', encryptionKey: 'K' }, /`encryptionKey`: is unused because `table` was given/],
    ['a removal policy with a table of your own', { table: 'T', removalPolicy: RemovalPolicy.DESTROY }, /`removalPolicy`: is unused because `table` was given/],
    ['SNAPSHOT', { removalPolicy: RemovalPolicy.SNAPSHOT }, /`removalPolicy`: is snapshot, which none of the resources/],
  ])('refuses %s', (_, raw, message) => {
    const stack = new Stack(new App(), 'Alone', { env: { region: 'eu-west-1' } });
    const props: any = { ...raw };
    if (props.table) {
      props.table = dynamodb.Table.fromTableName(stack, 'T', 'theirs');
    }
    if (props.encryptionKey) {
      props.encryptionKey = kms.Key.fromKeyArn(stack, 'K', 'arn:aws:kms:eu-west-1:123456789012:key/abc');
    }
    expect(() => new ChatbotConversations(stack, 'Conversations', props)).toThrow(message);
  });
});

test('the table name is a stack output, for deleting one user\'s data', () => {
  const { template } = chatbot();
  const [tableId] = Object.keys(conversationTables(template));
  const outputs = Object.values(template.findOutputs('*')).filter((o: any) => JSON.stringify(o.Value) === JSON.stringify({ Ref: tableId }));
  expect(outputs).toHaveLength(1);
  expect(Object.keys(template.findOutputs('*')).filter((id) => /ConversationsTable/.test(id))).toHaveLength(1);
  expect(Object.keys(chatbot({ conversationHistory: { enabled: false } }).template.findOutputs('*')).filter((id) => /ConversationsTable/.test(id))).toEqual([]);
});
