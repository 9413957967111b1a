import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ChatbotStorage } from '../../src';
import { exampleTemplate } from '../support/example-assemblies';

const regional = exampleTemplate('storage', 'us-west-2');

describe('storage (examples/storage)', () => {
  test('files bucket: customer-managed KMS key, versioned, private, access-logged, retained', () => {
    regional.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } })] },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('AccessLogs') }, LogFilePrefix: 's3-access/files/' },
      }),
    });
  });

  test('metadata table: customer-managed KMS key, point-in-time recovery, deletion protection, retained, daily backups', () => {
    regional.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    });
    regional.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('StorageMetadata'), 'Arn'] }] }),
    });
  });

  test('S3 and DynamoDB gateway endpoints on the private route tables', () => {
    for (const service of ['s3', 'dynamodb']) {
      regional.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
        RouteTableIds: [{ Ref: Match.stringLikeRegexp('PrivateSubnet1RouteTable') }, { Ref: Match.stringLikeRegexp('PrivateSubnet2RouteTable') }],
      });
    }
  });

  test('the task role reads and writes exactly the bucket and the table, only through the gateway endpoints', () => {
    const statements = Object.entries(regional.findResources('AWS::IAM::ManagedPolicy'))
      .filter(([id]) => /TaskRole/.test(id))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const bySid = Object.fromEntries(statements.map((s: any) => [s.Sid, s]));
    expect(bySid.ReadWriteFiles.Action).toEqual(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']);
    expect(bySid.ReadWriteFiles.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/StorageFiles/), 'Arn'] }, '/*']] });
    expect(bySid.ReadWriteMetadata.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/StorageMetadata/), 'Arn'] });
    expect(bySid.UseStorageKey.Action).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey']);
    expect(bySid.StorageOnlyThroughGatewayEndpoints).toMatchObject({
      Effect: 'Deny',
      Condition: { StringNotEquals: { 'aws:SourceVpce': [{ Ref: expect.stringMatching(/S3Gateway/) }, { Ref: expect.stringMatching(/DynamoDbGateway/) }] } },
    });
    for (const s of statements) {
      for (const action of [s.Action].flat()) {
        expect(action).not.toMatch(/\*/);
      }
    }
  });

  test('the container learns the bucket and table names from its environment', () => {
    regional.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Environment: Match.arrayWith([
          { Name: 'FILES_BUCKET', Value: { Ref: Match.stringLikeRegexp('StorageFiles') } },
          { Name: 'METADATA_TABLE', Value: { Ref: Match.stringLikeRegexp('StorageMetadata') } },
        ]),
      })],
    });
  });
});

describe('ChatbotStorage alone', () => {
  test('a removal policy of DESTROY is honoured for both, without the deletion protection that would block it', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    new ChatbotStorage(stack, 'Storage', { removalPolicy: RemovalPolicy.DESTROY });
    const t = Template.fromStack(stack);
    t.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    t.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtectionEnabled: false }) });
  });

  test('brought-your-own bucket and table are used as they are', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'my-files');
    const table = dynamodb.Table.fromTableName(stack, 'T', 'my-metadata');
    const storage = new ChatbotStorage(stack, 'Storage', { bucket, table });
    expect(storage.bucket).toBe(bucket);
    expect(storage.table).toBe(table);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    t.resourceCountIs('AWS::DynamoDB::Table', 0);
    t.resourceCountIs('AWS::KMS::Key', 0);
  });

  test('grantReadWrite returns an iam.Grant holding every statement it adds to a user\'s own role', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const storage = new ChatbotStorage(stack, 'Storage', {
      bucket: s3.Bucket.fromBucketName(stack, 'B', 'my-files'),
      table: dynamodb.Table.fromTableName(stack, 'T', 'my-metadata'),
    });
    const role = new iam.Role(stack, 'OwnRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    const grant = storage.grantReadWrite(role, ec2.GatewayVpcEndpoint.fromGatewayVpcEndpointId(stack, 'S3Gw', 'vpce-0123456789abcdef0'));
    expect(grant).toBeInstanceOf(iam.Grant);
    expect(grant.success).toBe(true);
    expect(grant.principalStatements.map((st) => [st.sid, st.effect])).toEqual([
      ['ListFiles', 'Allow'], ['ReadWriteFiles', 'Allow'], ['ReadWriteMetadata', 'Allow'], ['StorageOnlyThroughGatewayEndpoints', 'Deny'],
    ]);
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policy.Properties.Roles).toEqual([{ Ref: expect.stringMatching(/^OwnRole/) }]);
    expect(policy.Properties.PolicyDocument.Statement.map((st: any) => st.Sid)).toEqual(grant.principalStatements.map((st) => st.sid));
    expect(policy.Properties.PolicyDocument.Statement[3].Condition).toEqual({ StringNotEquals: { 'aws:SourceVpce': ['vpce-0123456789abcdef0'] } });
  });

  test('refuses a key that would encrypt nothing', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    expect(() => new ChatbotStorage(stack, 'Storage', {
      bucket: s3.Bucket.fromBucketName(stack, 'B', 'my-files'),
      table: dynamodb.Table.fromTableName(stack, 'T', 't'),
      encryptionKey: new kms.Key(stack, 'K'),
    })).toThrow(/`encryptionKey`: is unused because both `bucket` and `table` were given/);
  });
});
