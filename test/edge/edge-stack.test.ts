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

  test('no two resources of the app claim the same name: aliases, DNS records, secrets, parameters, IAM roles', () => {
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
        } else if (r.Type === 'AWS::SSM::Parameter' && typeof r.Properties.Name === 'string') {
          claims.push(`parameter ${region} ${r.Properties.Name}`);
        } else if (r.Type === 'AWS::IAM::Role' && r.Properties.RoleName !== undefined) {
          // IAM names are global to the account.
          claims.push(`role ${r.Properties.RoleName}`);
        }
      }
    }
    expect(claims.length).toBeGreaterThan(6 * 6);
    expect(claims.filter((c) => c.startsWith('role ')).length).toBe(6);
    expect(claims.filter((c) => c.startsWith('parameter ')).length).toBe(6);
    expect(claims.filter((c, i) => claims.indexOf(c) !== i)).toEqual([]);
  });

  test('each rotation function reads the distribution ID its own chatbot\'s edge publishes, and only its role may change that distribution', () => {
    const functions = stacks.flatMap((stack) => Object.values<any>(stack.template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.DISTRIBUTION_ID_PARAMETER)
      .map((fn) => ({ stack, fn })));
    expect(functions.length).toBe(6);
    for (const { stack, fn } of functions) {
      const env = fn.Properties.Environment.Variables;
      const roleName = stack.template.Resources[fn.Properties.Role['Fn::GetAtt'][0]].Properties.RoleName;
      const edges = stacks.filter((s) => s.environment.region === env.DISTRIBUTION_ID_PARAMETER_REGION);
      const parameters = edges.flatMap((s) => Object.values<any>(s.template.Resources).filter((r) => r.Type === 'AWS::SSM::Parameter'
        && r.Properties.Name === env.DISTRIBUTION_ID_PARAMETER).map((parameter) => ({ s, parameter })));
      expect(parameters.length).toBe(1);
      const { s: edge, parameter } = parameters[0];
      const distribution = edge.template.Resources[parameter.Properties.Value.Ref];
      expect(distribution.Properties.DistributionConfig.Aliases).toEqual([env.DOMAIN_NAME]);
      const grants = stacks.flatMap((s) => Object.values<any>(s.template.Resources))
        .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(r.Properties.PolicyDocument).includes(`{"Ref":"${parameter.Properties.Value.Ref}"}`)
          && JSON.stringify(r.Properties.PolicyDocument).includes('cloudfront:UpdateDistribution'));
      expect(grants.length).toBe(1);
      expect(grants[0].Properties.Roles).toEqual([roleName]);
    }
  });
});
