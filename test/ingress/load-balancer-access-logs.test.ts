import { App, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ChatbotLoadBalancer, ChatbotLoadBalancerProps } from '../../src';
import { CONTROL_TOWER_EXCEPTION } from '../../src/shared/acknowledge';
import { ownFargateService, stubAuth } from '../support/own-parts';

const LOGGING_RULES = ['AwsSolutions-ELB2', 'HIPAA.Security-ELBLoggingEnabled', 'NIST.800.53.R5-ELBLoggingEnabled', 'PCI.DSS.321-ELBLoggingEnabled'];

function stackWithService(id = 'Logs') {
  const stack = new Stack(new App(), id, { env: { region: 'eu-west-1', account: '123456789012' } });
  const { vpc, service } = ownFargateService(stack);
  const props = (extra: Partial<ChatbotLoadBalancerProps> = {}): ChatbotLoadBalancerProps => ({
    vpc,
    targets: [service],
    targetConnections: service,
    containerPort: 3000,
    certificate: acm.Certificate.fromCertificateArn(stack, `Cert${stack.node.children.length}`, 'arn:aws:acm:eu-west-1:123456789012:certificate/abc'),
    auth: stubAuth(new Stack()),
    originVerifyHeaderValue: SecretValue.secretsManager('my/origin-verify', { jsonField: 'value' }),
    ...extra,
  });
  return { stack, props };
}

function only(t: Template, type: string): [string, any] {
  const entries = Object.entries<any>(t.findResources(type));
  expect(entries).toHaveLength(1);
  return entries[0];
}

/** The rule ids acknowledged on a construct: cdk-nag acknowledgements and Control Tower exceptions. */
function acknowledgedIds(lb: ChatbotLoadBalancer): string[] {
  return lb.applicationLoadBalancer.node.metadata.flatMap((entry) => {
    if (entry.type === CONTROL_TOWER_EXCEPTION) {
      return [(entry.data as { id: string }).id];
    }
    return entry.type === 'aws:cdk:acknowledged-rules' ? Object.keys(entry.data as object) : [];
  });
}

describe('ChatbotLoadBalancer access logs, by default', () => {
  const { stack, props } = stackWithService();
  const lb = new ChatbotLoadBalancer(stack, 'Lb', props());
  const t = Template.fromStack(stack);
  const [albId, alb] = only(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const [groupId, group] = only(t, 'AWS::Logs::LogGroup');
  const [sourceId, source] = only(t, 'AWS::Logs::DeliverySource');
  const [destinationId, destination] = only(t, 'AWS::Logs::DeliveryDestination');
  const [, delivery] = only(t, 'AWS::Logs::Delivery');

  test('go through CloudWatch Logs vended delivery: the load balancer is the source of ALB_ACCESS_LOGS, the new log group the destination', () => {
    expect(source.Properties.LogType).toBe('ALB_ACCESS_LOGS');
    expect(source.Properties.ResourceArn).toEqual({ Ref: albId });
    expect(destination.Properties.DestinationResourceArn).toEqual({ 'Fn::GetAtt': [groupId, 'Arn'] });
    expect(destination.Properties.OutputFormat).toBe('json');
    expect(delivery.Properties.DeliveryDestinationArn).toEqual({ 'Fn::GetAtt': [destinationId, 'Arn'] });
    expect(delivery.Properties.DeliverySourceName).toEqual(source.Properties.Name);
    expect(lb.accessLogGroup).toBeDefined();
    expect(lb.accessLogDelivery).toBeDefined();
    expect(lb.accessLogsBucket).toBeUndefined();
  });

  test('the delivery waits for its source (it names it, without a reference); the log group exists before the destination', () => {
    expect(delivery.DependsOn).toEqual(expect.arrayContaining([sourceId]));
    // The destination references the group's ARN, and the delivery the destination's.
    expect(JSON.stringify(destination)).toContain(groupId);
  });

  test('no legacy S3 access logs and no log bucket', () => {
    const keys = (alb.Properties.LoadBalancerAttributes as Array<{ Key: string }>).map((a) => a.Key);
    expect(keys).not.toContain('access_logs.s3.enabled');
    expect(keys).not.toContain('access_logs.s3.bucket');
    t.resourceCountIs('AWS::S3::Bucket', 0);
  });

  test('the log group is KMS-encrypted with a new key that CloudWatch Logs may use, kept a year and retained by default', () => {
    const [keyId, key] = only(t, 'AWS::KMS::Key');
    expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(group.Properties.RetentionInDays).toBe(365);
    expect(group.DeletionPolicy).toBe('Retain');
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.Properties.KeyPolicy.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
      Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
      Action: expect.arrayContaining(['kms:Encrypt*', 'kms:GenerateDataKey*']),
    })]));
  });

  test('source and destination names carry the stack instance id and fit the 60 characters of CloudWatch Logs', () => {
    for (const resource of [source, destination]) {
      const name = resource.Properties.Name;
      const json = JSON.stringify(name);
      // Fn::Join of the readable part and the last group of the stack id's UUID.
      expect(json).toContain('AWS::StackId');
      const literal = name['Fn::Join'][1][0] as string;
      expect(literal.length + 12).toBeLessThanOrEqual(60);
    }
    expect(source.Properties.Name['Fn::Join'][1][0]).toMatch(/^src-/);
    expect(destination.Properties.Name['Fn::Join'][1][0]).toMatch(/^dst-/);
  });

  test('acknowledges, on the load balancer, the rules that read only the legacy S3 attribute, and skips checkov\'s', () => {
    const ids = acknowledgedIds(lb);
    for (const rule of [...LOGGING_RULES, 'cdk-validator-cfnguard::elbv2_logging_enabled_check']) {
      expect(ids.some((id) => id === rule || id.endsWith(`::${rule}`))).toBe(true);
    }
    expect(alb.Metadata.checkov.skip).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'CKV_AWS_91' })]));
  });
});

describe('ChatbotLoadBalancer access logs, deployment', () => {
  test('two load balancers in one stack get distinct delivery source and destination names', () => {
    const { stack, props } = stackWithService('Two');
    new ChatbotLoadBalancer(stack, 'First', props());
    new ChatbotLoadBalancer(stack, 'Second', props());
    const t = Template.fromStack(stack);
    for (const type of ['AWS::Logs::DeliverySource', 'AWS::Logs::DeliveryDestination']) {
      const names = Object.values<any>(t.findResources(type)).map((r) => JSON.stringify(r.Properties.Name));
      expect(names).toHaveLength(2);
      expect(new Set(names).size).toBe(2);
    }
  });

  test('removalPolicy DESTROY deletes the log group and its key with the stack', () => {
    const { stack, props } = stackWithService('Destroy');
    new ChatbotLoadBalancer(stack, 'Lb', props({ removalPolicy: RemovalPolicy.DESTROY }));
    const t = Template.fromStack(stack);
    expect(only(t, 'AWS::Logs::LogGroup')[1].DeletionPolicy).toBe('Delete');
    expect(only(t, 'AWS::KMS::Key')[1].DeletionPolicy).toBe('Delete');
  });

  test('uses the given key and retention, and creates no key of its own', () => {
    const { stack, props } = stackWithService('OwnKey');
    const key = new kms.Key(stack, 'MyKey');
    new ChatbotLoadBalancer(stack, 'Lb', props({ logsEncryptionKey: key, logRetention: logs.RetentionDays.THREE_MONTHS }));
    const t = Template.fromStack(stack);
    const [keyId] = only(t, 'AWS::KMS::Key');
    expect(keyId).toMatch(/^MyKey/);
    t.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] }, RetentionInDays: 90 });
  });
});

describe('ChatbotLoadBalancer access logs into a bucket of the user', () => {
  const { stack, props } = stackWithService('Bucket');
  const bucket = new s3.Bucket(stack, 'MyLogs', { encryption: s3.BucketEncryption.S3_MANAGED });
  const lb = new ChatbotLoadBalancer(stack, 'Lb', props({ accessLogsBucket: bucket }));
  const t = Template.fromStack(stack);

  test('are the legacy S3 access logs, without vended delivery or log group', () => {
    const [, alb] = only(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(alb.Properties.LoadBalancerAttributes).toEqual(expect.arrayContaining([
      { Key: 'access_logs.s3.enabled', Value: 'true' },
      { Key: 'access_logs.s3.bucket', Value: { Ref: expect.stringMatching(/^MyLogs/) } },
      { Key: 'access_logs.s3.prefix', Value: 'alb' },
    ]));
    for (const type of ['AWS::Logs::DeliverySource', 'AWS::Logs::DeliveryDestination', 'AWS::Logs::Delivery', 'AWS::Logs::LogGroup']) {
      t.resourceCountIs(type, 0);
    }
    expect(lb.accessLogsBucket).toBe(bucket);
    expect(lb.accessLogGroup).toBeUndefined();
  });

  test('acknowledge none of the logging rules: the legacy attribute is on', () => {
    const ids = acknowledgedIds(lb);
    // The load balancer does acknowledge other rules (deletion protection, WAF on CloudFront).
    expect(ids.length).toBeGreaterThan(0);
    for (const rule of [...LOGGING_RULES, 'cdk-validator-cfnguard::elbv2_logging_enabled_check']) {
      expect(ids.some((id) => id === rule || id.endsWith(`::${rule}`))).toBe(false);
    }
    const [, alb] = only(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(JSON.stringify(alb.Metadata ?? {})).not.toContain('CKV_AWS_91');
  });

  test.each([
    ['removalPolicy', { removalPolicy: RemovalPolicy.DESTROY }, /`removalPolicy`: only applies to the access-log group/],
    ['logsEncryptionKey', { logsEncryptionKey: kms.Key.fromKeyArn(new Stack(), 'K', 'arn:aws:kms:eu-west-1:123456789012:key/abc') },
      /`logsEncryptionKey`: encrypts the access-log group, but `accessLogsBucket` was given/],
    ['logRetention', { logRetention: logs.RetentionDays.ONE_MONTH }, /`logRetention`: is the retention of the access-log group/],
  ])('refuses %s together with accessLogsBucket', (_name, extra, message) => {
    const other = stackWithService(`Refuse${_name}`);
    const otherBucket = s3.Bucket.fromBucketName(other.stack, 'B', 'logs');
    expect(() => new ChatbotLoadBalancer(other.stack, 'Lb', other.props({ accessLogsBucket: otherBucket, ...extra }))).toThrow(message);
  });
});
