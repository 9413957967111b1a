import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ChatbotImage, ChatbotService } from '../../src';
import { imagesStartedBeforeTheyArePushed } from '../support/deploy-lifecycle';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const handlerModule = require('../../src/shared/deploy-time-handlers/image-check.js');

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('ChatbotImage.fromRepository', () => {
  const repository = () => ecr.Repository.fromRepositoryName(new Stack(), 'Repo', 'backend');

  test.each([['1.0.0'], ['v2_rc-1'], [DIGEST]])('takes the tag or digest %s', (tagOrDigest) => {
    expect(ChatbotImage.fromRepository(repository(), tagOrDigest)).toBeInstanceOf(ecs.ContainerImage);
  });

  test.each([
    ['', 'neither an image tag nor a digest'],
    ['.hidden', 'neither an image tag nor a digest'],
    ['1.0.0 ', 'neither an image tag nor a digest'],
    ['x'.repeat(129), 'neither an image tag nor a digest'],
    ['sha256:ABC', 'neither an image tag nor a digest'],
    ['latest', 'names a different image after each push'],
  ])('refuses %j, naming tagOrDigest and the fix', (tagOrDigest, why) => {
    expect(() => ChatbotImage.fromRepository(repository(), tagOrDigest)).toThrow(new RegExp(`ChatbotImage\\.fromRepository: \`tagOrDigest\`.*${why}.*(Give|version tag)`));
  });
});

describe('the image check of ChatbotService', () => {
  function synthesize(image: (repository: ecr.IRepository) => ecs.ContainerImage) {
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const repository = new ecr.Repository(stack, 'Repo');
    const service = new ChatbotService(stack, 'Service', { vpc, image: image(repository) });
    return { stack, service, repository, template: Template.fromStack(stack) };
  }
  const tagged = synthesize((repository) => ChatbotImage.fromRepository(repository, '1.0.0'));
  const id = (construct: { node: { defaultChild?: unknown } }) => tagged.stack.getLogicalId(construct.node.defaultChild as never);

  test('a repository image is looked up by name, account and tag before the task definition is registered', () => {
    tagged.template.resourceCountIs('Custom::ChatbotImageCheck', 1);
    tagged.template.hasResourceProperties('Custom::ChatbotImageCheck', {
      RepositoryName: { Ref: id(tagged.repository) },
      RegistryId: '123456789012',
      ImageTag: '1.0.0',
      ServiceTimeout: '180',
    });
    const check = Object.keys(tagged.template.findResources('Custom::ChatbotImageCheck'))[0];
    tagged.template.hasResource('AWS::ECS::TaskDefinition', { DependsOn: Match.arrayWith([check]) });
    expect(imagesStartedBeforeTheyArePushed(tagged.template.toJSON().Resources)).toEqual([]);
  });

  test('its handler may describe the images of that one repository, and write its own encrypted logs', () => {
    const policies = Object.entries(tagged.template.findResources('AWS::IAM::ManagedPolicy')).filter(([logicalId]) => /ImageCheckHandlerRole/.test(logicalId));
    expect(policies).toHaveLength(1);
    expect(policies[0][1].Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Sid: 'LogsOfTheHandler' }),
      { Sid: 'LookUpTheImage', Effect: 'Allow', Action: 'ecr:DescribeImages', Resource: { 'Fn::GetAtt': [id(tagged.repository), 'Arn'] } },
    ]);
    tagged.template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('not in its ECR repository'), Timeout: 30 });
  });

  test('a digest is looked up as a digest', () => {
    const pinned = synthesize((repository) => ChatbotImage.fromRepository(repository, DIGEST));
    pinned.template.hasResourceProperties('Custom::ChatbotImageCheck', { ImageDigest: DIGEST, ImageTag: Match.absent() });
  });

  test('the invariant finds a repository image that nothing checks (aws-cdk-lib\'s own fromEcrRepository)', () => {
    const unchecked = synthesize((repository) => ecs.ContainerImage.fromEcrRepository(repository, '1.0.0'));
    unchecked.template.resourceCountIs('Custom::ChatbotImageCheck', 0);
    expect(imagesStartedBeforeTheyArePushed(unchecked.template.toJSON().Resources)).toEqual([
      expect.stringMatching(/TaskDefinition.*runs .*:1\.0\.0 with no image check before it/),
    ]);
  });
});

describe('the image check handler', () => {
  const base = {
    ResponseURL: 'https://cloudformation.example/response',
    StackId: 'stack',
    RequestId: 'req-1',
    LogicalResourceId: 'ImageCheck',
    ResourceProperties: { RepositoryName: 'backend', RegistryId: '123456789012', RepositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend', ImageTag: '1.0.0' },
  };
  async function run(event: object, answer: () => Promise<unknown>) {
    const sent: unknown[] = [];
    const responses: any[] = [];
    const client = { send: (command: unknown) => { sent.push(command); return answer(); } };
    const respond = async (_event: unknown, status: string, physicalId: string, reason: string, data: unknown) => {
      responses.push({ status, physicalId, reason, data });
    };
    await handlerModule.handler(event, {}, { ecr: client, command: (input: unknown) => input, respond });
    return { sent, response: responses[0] };
  }
  const notFound = (name: string) => async () => { throw Object.assign(new Error('not there'), { name }); };

  test('a pushed image: success, with its digest', async () => {
    const { sent, response } = await run({ ...base, RequestType: 'Create' }, async () => ({ imageDetails: [{ imageDigest: DIGEST }] }));
    expect(sent).toEqual([{ repositoryName: 'backend', registryId: '123456789012', imageIds: [{ imageTag: '1.0.0' }] }]);
    expect(response).toEqual({ status: 'SUCCESS', physicalId: 'image-check:backend:1.0.0', reason: 'OK', data: { ImageDigest: DIGEST } });
  });

  test('an image not pushed yet: failure that gives the docker push to run', async () => {
    const { response } = await run({ ...base, RequestType: 'Create' }, notFound('ImageNotFoundException'));
    expect(response.status).toBe('FAILED');
    expect(response.physicalId).toBe('failed-req-1');
    expect(response.reason).toMatch(/123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/backend:1\.0\.0 is not in the repository yet.*docker push 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/backend:1\.0\.0/);
  });

  test('an update to a tag not pushed fails too, before the new task definition', async () => {
    const { response } = await run({
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: 'image-check:backend:0.9.0',
      ResourceProperties: { ...base.ResourceProperties, ImageTag: '1.1.0' },
    }, notFound('ImageNotFoundException'));
    expect(response).toEqual(expect.objectContaining({ status: 'FAILED', physicalId: 'image-check:backend:0.9.0', reason: expect.stringMatching(/backend:1\.1\.0 is not in the repository/) }));
  });

  test('an empty answer counts as not found', async () => {
    const { response } = await run({ ...base, RequestType: 'Create' }, async () => ({ imageDetails: [] }));
    expect(response.reason).toMatch(/is not in the repository yet/);
  });

  test('a repository that does not exist: failure that says to deploy its stack first', async () => {
    const { response } = await run({ ...base, RequestType: 'Create' }, notFound('RepositoryNotFoundException'));
    expect(response.reason).toMatch(/repository backend does not exist in account 123456789012.*Deploy the stack that creates it first/);
  });

  test('other errors (throttling past the SDK\'s retries, access denied) fail with their own message', async () => {
    const { response } = await run({ ...base, RequestType: 'Create' }, async () => { throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }); });
    expect(response).toEqual(expect.objectContaining({ status: 'FAILED', reason: 'Rate exceeded' }));
  });

  test('a digest is looked up by digest', async () => {
    const { sent } = await run({ ...base, RequestType: 'Create', ResourceProperties: { ...base.ResourceProperties, ImageTag: undefined, ImageDigest: DIGEST } },
      async () => ({ imageDetails: [{ imageDigest: DIGEST }] }));
    expect(sent).toEqual([expect.objectContaining({ imageIds: [{ imageDigest: DIGEST }] })]);
  });

  test('a delete (the rollback of a failed create too) succeeds without calling ECR', async () => {
    const { sent, response } = await run({ ...base, RequestType: 'Delete', PhysicalResourceId: 'failed-req-0' }, notFound('RepositoryNotFoundException'));
    expect(sent).toEqual([]);
    expect(response.status).toBe('SUCCESS');
  });
});
