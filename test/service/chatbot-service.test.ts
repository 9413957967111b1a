import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ChatbotService, ChatbotServiceProps } from '../../src';
import { exampleTemplate } from '../support/example-assemblies';
import { ingressRules, securityGroupId } from '../support/security-groups';

const regional = exampleTemplate('basic', 'eu-west-1');

describe('Fargate service', () => {
  test('runs at least 2 tasks in the private subnets of both AZs, without public IPs, rolling back failed deployments', () => {
    regional.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 2,
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          AssignPublicIp: 'DISABLED',
          SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('ServiceSecurityGroup'), 'GroupId'] }],
          Subnets: [{ Ref: Match.stringLikeRegexp('PrivateSubnet1') }, { Ref: Match.stringLikeRegexp('PrivateSubnet2') }],
        },
      },
      DeploymentConfiguration: {
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      },
      EnableExecuteCommand: false,
    });
  });

  test('container: port 8501, non-root, read-only root filesystem with writable /tmp and home, no plain environment', () => {
    regional.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      Cpu: '512',
      Memory: '1024',
      ContainerDefinitions: [Match.objectLike({
        PortMappings: [Match.objectLike({ ContainerPort: 8501, Protocol: 'tcp' })],
        User: '1000:1000',
        ReadonlyRootFilesystem: true,
        StopTimeout: 30,
        MountPoints: [
          { ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'writable-0' },
          { ContainerPath: '/home/chatbot', ReadOnly: false, SourceVolume: 'writable-1' },
        ],
        Environment: [
          { Name: 'SIGNOUT_PATH', Value: '/signout' },
          { Name: 'BEDROCK_MODEL_ID', Value: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' },
          { Name: 'BEDROCK_ALLOWED_MODELS', Value: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' },
          // The conversation history (test/conversations) and where the app reads the verified user.
          { Name: 'CONVERSATIONS_TABLE', Value: { Ref: Match.stringLikeRegexp('^ChatbotConversationsTable') } },
          { Name: 'CONVERSATIONS_RETENTION_DAYS', Value: '90' },
          { Name: 'IDENTITY_SOURCE', Value: 'load-balancer' },
        ],
        Secrets: Match.absent(),
        LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
      })],
      Volumes: [{ Name: 'writable-0' }, { Name: 'writable-1' }],
    });
    regional.resourceCountIs('AWS::SSM::Parameter', 0);
  });

  test('task security group admits only the load balancer, on the container port', () => {
    const ingress = ingressRules(regional, securityGroupId(regional, /ServiceSecurityGroup/));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({
      IpProtocol: 'tcp',
      FromPort: 8501,
      ToPort: 8501,
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/LoadBalancerSecurityGroup/), 'GroupId'] },
    });
  });

  test('an eu. profile id: the profile in eu-west-1 and the model in every EU destination, only through the profile; never bedrock:* or on *', () => {
    const profile = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:eu-west-1:', { Ref: 'AWS::AccountId' },
        ':inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0']],
    };
    const model = (region: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:${region}::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0`]] });
    regional.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          { Sid: 'InvokeProfile0', Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Resource: profile },
          {
            Sid: 'InvokeModelThroughProfile0',
            Effect: 'Allow',
            Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
            Resource: ['eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3'].map(model),
            Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profile } },
          },
          // Then the conversation table's statements (test/conversations).
          Match.objectLike({ Sid: 'ReadWriteConversations' }),
          Match.objectLike({ Sid: 'UseConversationsKey' }),
          Match.objectLike({ Sid: 'ConversationsOnlyThroughGatewayEndpoint' }),
        ],
      },
    });
    const statements = Object.values(regional.findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    for (const s of statements) {
      const actions = [s.Action].flat();
      expect(actions).not.toContain('bedrock:*');
      if (actions.some((a: string) => a.startsWith('bedrock:'))) {
        expect(s.Resource).not.toBe('*');
      }
    }
  });

  test('roles have no inline policies', () => {
    regional.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('cluster has Container Insights; every log group has a retention and a KMS key', () => {
    regional.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
    const groups = Object.values(regional.findResources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThanOrEqual(2);
    for (const g of groups) {
      expect(g.Properties.RetentionInDays).toBe(365);
      expect(g.Properties.KmsKeyId).toBeDefined();
    }
  });
});

describe('ChatbotService bad input', () => {
  const make = (props: Partial<ChatbotServiceProps>) => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc');
    return () => new ChatbotService(stack, 'Service', { vpc, image: ecs.ContainerImage.fromRegistry('nginx'), ...props });
  };

  test.each([
    [{ port: 0 }, /`port`: must be a whole number from 1 to 65535 \(got 0\)/],
    [{ port: 70000 }, /`port`/],
    [{ desiredCount: 1 }, /`desiredCount`: must be at least 2 \(got 1\)/],
    [{ user: 'root' }, /`user`: must not be root/],
    [{ user: '0:0' }, /`user`/],
    [{ bedrockModels: ['*'] }, /`bedrockModels`: must name models, not wildcards/],
    [{ writableDirectories: ['tmp'] }, /`writableDirectories`: must hold absolute paths/],
    [{ environment: { 'BAD-NAME': 'x' } }, /`environment`: key 'BAD-NAME' is not a valid environment variable name/],
    // A value under a 1.0 name is reported under the name the caller wrote.
    [{ containerPort: 0 }, /`containerPort`: must be a whole number from 1 to 65535 \(got 0\)/],
    [{ containerUser: 'root' }, /`containerUser`: must not be root/],
    [{ config: { 'BAD-NAME': 'x' } }, /`config`: key 'BAD-NAME' is not a valid environment variable name/],
    // Both names of one prop: which one was meant cannot be guessed.
    [{ containerPort: 8080, port: 8501 }, /`containerPort`: is the old name of `port`, and both are given\. Pass only `port`\./],
    [{ config: { A: '1' }, environment: { A: '1' } }, /`config`: is the old name of `environment`, and both are given/],
    [{ containerUser: '1000:1000', user: '1000:1000' }, /`containerUser`: is the old name of `user`, and both are given/],
  ])('refuses %j', (props, message) => {
    expect(make(props as Partial<ChatbotServiceProps>)).toThrow(message);
  });
});

describe('ChatbotService takes the container options under their names, and its 1.0 names still', () => {
  const template = (props: Partial<ChatbotServiceProps>) => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    new ChatbotService(stack, 'Service', { vpc: new ec2.Vpc(stack, 'Vpc'), image: ecs.ContainerImage.fromRegistry('nginx'), ...props });
    return Template.fromStack(stack).toJSON();
  };
  const current = template({ port: 7860, user: '1001:1001', environment: { APP_MODE: 'production' } });

  test('port, user and environment reach the container', () => {
    const [task] = Object.values(current.Resources).filter((r: any) => r.Type === 'AWS::ECS::TaskDefinition') as any[];
    const [container] = task.Properties.ContainerDefinitions;
    expect(container.PortMappings).toEqual([expect.objectContaining({ ContainerPort: 7860 })]);
    expect(container.User).toBe('1001:1001');
    expect(container.Environment).toEqual(expect.arrayContaining([{ Name: 'APP_MODE', Value: 'production' }]));
  });

  test('containerPort, containerUser and config (deprecated) give the same template', () => {
    const old = template({ containerPort: 7860, containerUser: '1001:1001', config: { APP_MODE: 'production' } });
    expect(old).toEqual(current);
  });
});

describe('ChatbotService alone, in a user\'s own VPC and cluster, with the user\'s key and secret', () => {
  const stack = new Stack(new App(), 'Own', { env: { region: 'eu-west-1', account: '123456789012' } });
  const vpc = new ec2.Vpc(stack, 'OwnVpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Apps', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const cluster = ecs.Cluster.fromClusterAttributes(stack, 'OwnCluster', { clusterName: 'platform', vpc });
  const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const chat = new ChatbotService(stack, 'Service', {
    vpc,
    cluster,
    image: ecs.ContainerImage.fromRegistry('example/chat:1'),
    port: 7860,
    logsEncryptionKey: kms.Key.fromKeyArn(stack, 'OwnKey', keyArn),
    secrets: { API_KEY: secretsmanager.Secret.fromSecretNameV2(stack, 'ApiKey', 'team/api-key') },
  });
  const own = Template.fromStack(stack);

  test('runs in the given cluster and subnets, logging with the given key, creating neither a cluster nor a key', () => {
    own.resourceCountIs('AWS::ECS::Cluster', 0);
    own.resourceCountIs('AWS::KMS::Key', 0);
    own.hasResourceProperties('AWS::ECS::Service', {
      Cluster: 'platform',
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ Subnets: [{ Ref: Match.stringLikeRegexp('OwnVpcAppsSubnet1') }, { Ref: Match.stringLikeRegexp('OwnVpcAppsSubnet2') }] }) },
    });
    own.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: keyArn });
    expect(chat.fargateService.cluster).toBe(cluster);
  });

  test('injects the user\'s secret as an ECS secret on the given port', () => {
    const [task] = Object.values(own.findResources('AWS::ECS::TaskDefinition'));
    const [container] = task.Properties.ContainerDefinitions;
    expect(container.PortMappings).toEqual([expect.objectContaining({ ContainerPort: 7860 })]);
    expect(container.Secrets).toEqual(expect.arrayContaining([{ Name: 'API_KEY', ValueFrom: expect.anything() }]));
    expect(JSON.stringify(container.Secrets)).toContain('team/api-key');
  });
});
