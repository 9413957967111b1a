import { Match, Template } from 'aws-cdk-lib/assertions';

/** Asserts that a container of a task definition in `template` has the plain environment variable `name` set to `value`. */
export function expectContainerVariable(template: Template, name: string, value: unknown): void {
  template.hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: Match.arrayWith([Match.objectLike({ Environment: Match.arrayWith([{ Name: name, Value: value }]) })]),
  });
}
