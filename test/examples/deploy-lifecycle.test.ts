import {
  Resources, alarmTopicsCloudWatchCannotUse, appDomainNames, cognitoPrefixProblems, customResourcesWithoutServiceTimeout, danglingReferences,
  deletionProtectionWithoutRetain, imagesStartedBeforeTheyArePushed,
  protectedLoadBalancers, repeatedInternetRoutes, retainedFixedNames, trafficShiftProblems,
} from '../support/deploy-lifecycle';
import { EXAMPLES, exampleAssembly } from '../support/example-assemblies';

// Invariants over every stack of every example, so that a resource added later is checked too.
describe.each(Object.keys(EXAMPLES))('examples/%s: deploy lifecycle', (name) => {
  const stacks = exampleAssembly(name).stacks.map((s) => ({
    name: s.name,
    resources: s.template.Resources as Resources,
    parameters: (s.template as { Parameters?: { [name: string]: unknown } }).Parameters ?? {},
  }));
  const perStack = (check: (resources: Resources) => string[]) => stacks.flatMap((s) => check(s.resources).map((p) => `${s.name}: ${p}`));

  test('a failed first create rolls back: deletion protection only on resources CloudFormation keeps', () => {
    expect(perStack(deletionProtectionWithoutRetain)).toEqual([]);
  });

  test('with the defaults, no load balancer has deletion protection', () => {
    expect(perStack(protectedLoadBalancers)).toEqual([]);
  });

  test('a retained resource never blocks a redeploy: its physical name references AWS::StackId', () => {
    expect(perStack(retainedFixedNames)).toEqual([]);
  });

  test('every alarm topic lets CloudWatch publish (topic policy and KMS key)', () => {
    expect(perStack(alarmTopicsCloudWatchCannotUse)).toEqual([]);
  });

  test('the Cognito domain prefix is unique per stack instance and independent of the app\'s domain', () => {
    const domains = appDomainNames(stacks.map((s) => s.resources));
    expect(domains.length).toBeGreaterThan(0);
    expect(perStack((resources) => cognitoPrefixProblems(resources, domains))).toEqual([]);
  });

  test('every Ref, GetAtt and DependsOn names a resource or parameter of its template', () => {
    expect(stacks.flatMap((s) => danglingReferences(s.resources, s.parameters).map((p) => `${s.name}: ${p}`))).toEqual([]);
  });

  test('no custom resource can hold the stack for an hour: each sets ServiceTimeout, no shorter than its handler runs', () => {
    expect(perStack(customResourcesWithoutServiceTimeout)).toEqual([]);
  });

  test('every function that reads a distribution ID finds its parameter in the stack and Region it names', () => {
    const readers = stacks.flatMap((s) => Object.entries(s.resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Environment?.Variables?.DISTRIBUTION_ID_PARAMETER !== undefined)
      .map(([id, r]) => ({ id: `${s.name}/${id}`, name: r.Properties.Environment.Variables.DISTRIBUTION_ID_PARAMETER, region: r.Properties.Environment.Variables.DISTRIBUTION_ID_PARAMETER_REGION })));
    const regionOf = new Map(exampleAssembly(name).stacks.map((s) => [s.name, s.region]));
    const missing = readers.filter((reader) => !stacks.some((s) => regionOf.get(s.name) === reader.region
      && Object.values(s.resources).some((r) => r.Type === 'AWS::SSM::Parameter' && r.Properties?.Name === reader.name)));
    expect(missing).toEqual([]);
  });

  test('no task definition names a pushed ECR image before a check has found it in its repository', () => {
    expect(perStack(imagesStartedBeforeTheyArePushed)).toEqual([]);
  });

  test('every service whose deployment shifts traffic has the target groups, the production rule and the role ECS needs', () => {
    expect(perStack(trafficShiftProblems)).toEqual([]);
  });

  test('the public subnets of each VPC share one default route to the internet gateway', () => {
    expect(perStack(repeatedInternetRoutes)).toEqual([]);
  });
});
