import { App, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ChatbotIngress, SecureContainerChatbot } from '../../src';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');

// Six chatbots in one app: two in one stack, one in a stack of the same name in another region,
// three in two more stacks that share an edge stack of the user's.
const app = new App();
const chatbot = (stack: Stack, id: string) => new SecureContainerChatbot(stack, id, {
  container: { image: IMAGE },
  domainName: `${id.toLowerCase()}.example.com`,
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, `${id}Zone`, { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' }),
});
const west = new Stack(app, 'West', { stackName: 'chat', env: { region: 'eu-west-1' } });
const central = new Stack(app, 'Central', { stackName: 'chat', env: { region: 'eu-central-1' } });
const shared = new Stack(app, 'SharedEdge', { env: { region: 'us-east-1' } });
const london = new Stack(app, 'London', { env: { region: 'eu-west-2' } });
const sydney = new Stack(app, 'Sydney', { env: { region: 'ap-southeast-2' } });
const chats = [
  chatbot(west, 'One'), chatbot(west, 'Two'), chatbot(central, 'Three'),
  ...['Four', 'Five'].map((id) => new SecureContainerChatbot(london, id, {
    container: { image: IMAGE },
    domainName: `${id.toLowerCase()}.example.com`,
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(london, `${id}Zone`, { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' }),
    ingress: ChatbotIngress.cloudFront({ edgeStack: shared }),
  })),
  new SecureContainerChatbot(sydney, 'Six', {
    container: { image: IMAGE },
    domainName: 'six.example.com',
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(sydney, 'Zone', { hostedZoneId: 'Z0123456789EXAMPLE', zoneName: 'example.com' }),
    ingress: ChatbotIngress.cloudFront({ edgeStack: shared }),
  }),
];
const assembly = app.synth();
const stacks = assembly.stacks;

describe('several chatbots in one app', () => {
  test('no two stacks of one account and region share a CloudFormation name', () => {
    const names = stacks.map((s) => `${s.environment.account}/${s.environment.region}/${s.stackName}`);
    expect(new Set(names).size).toBe(names.length);
  });

  test('each stack outside us-east-1 gets its own edge stack, named after it and its region, shared by its chatbots', () => {
    const edgeOf = (name: string) => stacks.find((s) => s.stackName === name)!;
    expect(chats[0].edgeStack).toBe(chats[1].edgeStack);
    expect(chats[0].edgeStack).not.toBe(chats[2].edgeStack);
    const distributions = (name: string) => Object.values<any>(edgeOf(name).template.Resources)
      .filter((r) => r.Type === 'AWS::CloudFront::Distribution')
      .map((r) => r.Properties.DistributionConfig.Aliases).flat().sort();
    expect(distributions('chat-edge-eu-west-1')).toEqual(['one.example.com', 'two.example.com']);
    expect(distributions('chat-edge-eu-central-1')).toEqual(['three.example.com']);
    expect(distributions('SharedEdge')).toEqual(['five.example.com', 'four.example.com', 'six.example.com']);
    for (const name of ['chat-edge-eu-west-1', 'chat-edge-eu-central-1', 'SharedEdge']) {
      expect(edgeOf(name).environment.region).toBe('us-east-1');
    }
  });

  test('every edge stack deploys after the stacks whose origins and secrets it reads', () => {
    const byName = (name: string) => stacks.filter((s) => s.stackName === name);
    const dependsOn = (name: string) => byName(name)[0].dependencies.map((d) => d.id).sort();
    expect(dependsOn('chat-edge-eu-west-1')).toEqual(expect.arrayContaining([west.artifactId]));
    expect(dependsOn('chat-edge-eu-central-1')).toEqual(expect.arrayContaining([central.artifactId]));
    expect(dependsOn('SharedEdge')).toEqual(expect.arrayContaining([london.artifactId, sydney.artifactId]));
  });

  test('no two resources of the app claim the same name: aliases, DNS records, secrets', () => {
    const claims: string[] = [];
    for (const stack of stacks) {
      for (const r of Object.values<any>(stack.template.Resources)) {
        const region = stack.environment.region;
        if (r.Type === 'AWS::CloudFront::Distribution') {
          claims.push(...r.Properties.DistributionConfig.Aliases.map((a: string) => `alias ${a}`));
        } else if (r.Type === 'AWS::Route53::RecordSet') {
          claims.push(`record ${r.Properties.Name} ${r.Properties.Type}`);
        } else if (r.Type === 'AWS::SecretsManager::Secret' && typeof r.Properties.Name === 'string') {
          claims.push(`secret ${region} ${r.Properties.Name}`);
        }
      }
    }
    expect(claims.length).toBeGreaterThan(6 * 4);
    expect(claims.filter((c, i) => claims.indexOf(c) !== i)).toEqual([]);
  });
});
