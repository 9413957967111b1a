import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { addNagPacks } from '../examples/nag-packs';
import { readAssembly } from '../scripts/assembly';
import { ChatbotImage, ChatbotIngress, ChatbotRepository, SecureContainerChatbot, SecureContainerChatbotProps } from '../src';
import { Resources, customResourcesWithoutServiceTimeout, imagesStartedBeforeTheyArePushed, protectedLoadBalancers, retainedOrProtected } from './support/deploy-lifecycle';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');

/** Synthesizes one chatbot in eu-west-1 (so it has a us-east-1 edge stack); the templates of every stack of the app. */
function synthesize(props: Partial<SecureContainerChatbotProps>, options: { nag?: boolean; repository?: RemovalPolicy } = {}): Resources[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Trial', { env: { account: '123456789012', region: 'eu-west-1' } });
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' });
  const images = options.repository ? new ChatbotRepository(stack, 'Images', { removalPolicy: options.repository }) : undefined;
  new SecureContainerChatbot(stack, 'Chat', {
    container: { image: IMAGE },
    domainName: 'chat.example.com',
    hostedZone,
    backend: { image: images ? ChatbotImage.fromRepository(images.ecrRepository, '1.0.0') : IMAGE, port: 8080 },
    ...props,
  });
  if (options.nag) {
    addNagPacks(app);
  }
  app.synth(); // with nag: throws on any finding
  const stacks = readAssembly(outdir).stacks;
  fs.rmSync(outdir, { recursive: true, force: true });
  return stacks.map((s) => s.template.Resources as Resources);
}

describe('removalPolicy DESTROY: a trial deployment is fully deletable', () => {
  // Every kind of stateful resource: storage, backend, generated secrets, an ECR repository.
  const templates = synthesize({ removalPolicy: RemovalPolicy.DESTROY, storage: {}, container: { image: IMAGE, generatedSecrets: ['API_KEY'] } },
    { nag: true, repository: RemovalPolicy.DESTROY });

  test('in every stack of the app, the edge stack included', () => {
    expect(templates).toHaveLength(2);
    expect(templates.flatMap(retainedOrProtected)).toEqual([]);
  });

  test('the bucket emptiers, too, hold the stack no longer than their handler runs', () => {
    expect(templates.flatMap(customResourcesWithoutServiceTimeout)).toEqual([]);
  });

  test('the backend image of the repository is found before its task definition is registered', () => {
    expect(templates.flatMap(imagesStartedBeforeTheyArePushed)).toEqual([]);
    expect(templates.flatMap((t) => Object.values(t)).filter((r) => r.Type === 'Custom::ChatbotImageCheck')).toHaveLength(1);
  });

  test('buckets empty themselves, the repository too, and no backup vault is left that recovery points would pin', () => {
    const all = templates.flatMap((t) => Object.values(t));
    const buckets = all.filter((r) => r.Type === 'AWS::S3::Bucket').length;
    expect(buckets).toBe(2); // the files and their server access logs (the load balancers and CloudFront log to log groups)
    expect(all.filter((r) => r.Type === 'Custom::S3AutoDeleteObjects')).toHaveLength(buckets);
    expect(all.find((r) => r.Type === 'AWS::ECR::Repository')?.Properties.EmptyOnDelete).toBe(true);
    expect(all.filter((r) => r.Type === 'AWS::Backup::BackupVault')).toHaveLength(0);
  });
});

describe('deletionProtection', () => {
  test('turns it on for every load balancer: the public and the backend ALB', () => {
    expect(synthesize({ deletionProtection: true }).flatMap(protectedLoadBalancers)).toHaveLength(2);
  });

  test('and the HTTP API\'s Network Load Balancer', () => {
    const templates = synthesize({ deletionProtection: true, ingress: ChatbotIngress.httpApi() });
    expect(templates.flatMap(protectedLoadBalancers)).toHaveLength(2); // the NLB and the backend ALB
  });
});
