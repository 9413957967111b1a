import { Template } from 'aws-cdk-lib/assertions';

/** The logical id of the one security group whose logical id matches `pattern`. */
export function securityGroupId(template: Template, pattern: RegExp): string {
  const ids = Object.keys(template.findResources('AWS::EC2::SecurityGroup')).filter((id) => pattern.test(id));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/**
 * Every ingress rule of a security group, whether CDK wrote it inline in the group or as a separate
 * AWS::EC2::SecurityGroupIngress resource.
 */
export function ingressRules(template: Template, groupId: string): any[] {
  const inline = template.findResources('AWS::EC2::SecurityGroup')[groupId].Properties.SecurityGroupIngress ?? [];
  const separate = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
    .map((r) => r.Properties)
    .filter((p) => JSON.stringify(p.GroupId).includes(groupId));
  return [...inline, ...separate];
}

/** Every ingress rule of every security group of the template. */
export function allIngressRules(template: Template): any[] {
  return Object.keys(template.findResources('AWS::EC2::SecurityGroup')).flatMap((id) => ingressRules(template, id));
}
