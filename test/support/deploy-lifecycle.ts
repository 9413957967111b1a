/**
 * Checks over synthesized templates for the deploy lifecycle: a failed first create rolls back, a
 * deletion leaves nothing that blocks the next deployment of the same stack, alarms reach their
 * topic. Each returns a list of problems, empty when the template is fine.
 */

type Resource = { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string; DependsOn?: string | string[] };
export type Resources = { [logicalId: string]: Resource };

const RETAINED = ['Retain', 'RetainExceptOnCreate'];

/** Whether the resource has deletion protection of any kind turned on. */
export function hasDeletionProtection(resource: Resource): boolean {
  const props = resource.Properties ?? {};
  if (resource.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer') {
    return (props.LoadBalancerAttributes ?? []).some((a: any) => a.Key === 'deletion_protection.enabled' && String(a.Value) === 'true');
  }
  if (resource.Type === 'AWS::Backup::BackupVault' && props.LockConfiguration) {
    return true;
  }
  // DeletionProtection (Cognito, RDS), DeletionProtectionEnabled (DynamoDB, CloudWatch Logs),
  // DisableApiTermination (EC2), TerminationProtection, ...
  return Object.entries(props).some(([key, value]) =>
    /DeletionProtection|TerminationProtection|DisableApiTermination/.test(key) && [true, 'true', 'ACTIVE', 'ENABLED'].includes(value as any));
}

/** Deletion protection only on resources CloudFormation never deletes (DeletionPolicy Retain). */
export function deletionProtectionWithoutRetain(resources: Resources): string[] {
  return Object.entries(resources)
    .filter(([, r]) => hasDeletionProtection(r) && r.DeletionPolicy !== 'Retain')
    .map(([id, r]) => `${id} (${r.Type}) has deletion protection but DeletionPolicy ${r.DeletionPolicy ?? 'Delete'}: a failed create could not roll back`);
}

/** Load balancers with deletion protection. */
export function protectedLoadBalancers(resources: Resources): string[] {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' && hasDeletionProtection(r))
    .map(([id]) => id);
}

/** Resources CloudFormation would keep, or that have deletion protection. */
export function retainedOrProtected(resources: Resources): string[] {
  return Object.entries(resources)
    .filter(([, r]) => RETAINED.includes(r.DeletionPolicy ?? '') || RETAINED.includes(r.UpdateReplacePolicy ?? '') || hasDeletionProtection(r))
    .map(([id, r]) => `${id} (${r.Type}) DeletionPolicy ${r.DeletionPolicy}, UpdateReplacePolicy ${r.UpdateReplacePolicy}, protected ${hasDeletionProtection(r)}`);
}

/**
 * The properties that give a resource a physical name which must be unique in the account and
 * region, per type. An empty list: the type's names need not be unique (or it has none), so a
 * retained one cannot block a redeploy.
 */
export const UNIQUE_NAME_PROPERTIES: { [type: string]: string[] } = {
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::Backup::BackupVault': ['BackupVaultName'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::DynamoDB::Table': ['TableName'],
  'AWS::ECR::Repository': ['RepositoryName'],
  'AWS::SecretsManager::Secret': ['Name'],
  'AWS::SNS::Topic': ['TopicName'],
  'AWS::SQS::Queue': ['QueueName'],
  'AWS::KMS::Alias': ['AliasName'],
  'AWS::Cognito::UserPoolDomain': ['Domain'],
  'AWS::IAM::Role': ['RoleName'],
  'AWS::KMS::Key': [],
  // User pool names need not be unique.
  'AWS::Cognito::UserPool': [],
};

/**
 * Every retained resource with a physical name has one that references AWS::StackId, so a
 * resource kept from a deleted stack never collides with the next instance of the stack. An
 * unknown retained type with a property that looks like a name is a problem too: add it above.
 */
export function retainedFixedNames(resources: Resources): string[] {
  const problems: string[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (!RETAINED.includes(r.DeletionPolicy ?? '') && !RETAINED.includes(r.UpdateReplacePolicy ?? '')) {
      continue;
    }
    const known = UNIQUE_NAME_PROPERTIES[r.Type];
    const nameProps = known ?? Object.keys(r.Properties ?? {}).filter((k) => /Name$/.test(k));
    if (!known && nameProps.length > 0) {
      problems.push(`${id} (${r.Type}) is retained and has ${nameProps.join(', ')}: add the type to UNIQUE_NAME_PROPERTIES`);
      continue;
    }
    for (const prop of nameProps) {
      const value = r.Properties?.[prop];
      if (value !== undefined && !JSON.stringify(value).includes('AWS::StackId')) {
        problems.push(`${id} (${r.Type}) is retained with ${prop} ${JSON.stringify(value)}, which does not reference AWS::StackId`);
      }
    }
  }
  return problems;
}

const refTo = (value: any): string | undefined => value?.Ref ?? value?.['Fn::GetAtt']?.[0];
const asList = (value: any): any[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Every SNS topic an alarm notifies accepts CloudWatch: its policy, when it has one (a topic
 * policy replaces SNS's default), allows cloudwatch.amazonaws.com sns:Publish for this account's
 * alarms, and its KMS key, when it has one, lets CloudWatch encrypt for it.
 */
export function alarmTopicsCloudWatchCannotUse(resources: Resources): string[] {
  const problems: string[] = [];
  const topics = new Set<string>();
  for (const r of Object.values(resources)) {
    if (r.Type === 'AWS::CloudWatch::Alarm') {
      for (const action of ['AlarmActions', 'OKActions', 'InsufficientDataActions'].flatMap((k) => asList(r.Properties?.[k]))) {
        const id = refTo(action);
        if (id && resources[id]?.Type === 'AWS::SNS::Topic') {
          topics.add(id);
        }
      }
    }
  }
  const allowsCloudWatch = (statement: any, actions: string[]) => statement.Effect === 'Allow'
    && asList(statement.Principal?.Service).includes('cloudwatch.amazonaws.com')
    && actions.every((a) => asList(statement.Action).includes(a));
  for (const topicId of topics) {
    const policies = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::SNS::TopicPolicy'
      && asList(r.Properties?.Topics).some((t) => refTo(t) === topicId));
    for (const [policyId, policy] of policies) {
      const ok = asList(policy.Properties.PolicyDocument.Statement).some((s) => allowsCloudWatch(s, ['sns:Publish'])
        && JSON.stringify(s.Condition ?? {}).includes(':alarm:*') && s.Condition?.StringEquals?.['aws:SourceAccount'] !== undefined);
      if (!ok) {
        problems.push(`${policyId} of alarm topic ${topicId} does not let cloudwatch.amazonaws.com publish for this account's alarms`);
      }
    }
    const keyId = refTo(resources[topicId].Properties?.KmsMasterKeyId);
    if (keyId && resources[keyId]?.Type === 'AWS::KMS::Key') {
      const ok = asList(resources[keyId].Properties.KeyPolicy.Statement).some((s) => allowsCloudWatch(s, ['kms:Decrypt', 'kms:GenerateDataKey*']));
      if (!ok) {
        problems.push(`${keyId}, the key of alarm topic ${topicId}, does not let cloudwatch.amazonaws.com use it`);
      }
    }
  }
  return problems;
}

/** The app's public host names, from the templates: CloudFront aliases, API domains, login callbacks. */
export function appDomainNames(templates: Resources[]): string[] {
  const names = new Set<string>();
  for (const resources of templates) {
    for (const r of Object.values(resources)) {
      for (const alias of asList(r.Properties?.DistributionConfig?.Aliases)) {
        names.add(alias);
      }
      if (r.Type === 'AWS::ApiGatewayV2::DomainName' && typeof r.Properties?.DomainName === 'string') {
        names.add(r.Properties.DomainName);
      }
      for (const url of asList(r.Properties?.CallbackURLs)) {
        if (typeof url === 'string') {
          names.add(new URL(url).hostname);
        }
      }
    }
  }
  return [...names];
}

/**
 * A Cognito prefix domain is unique per stack instance (references AWS::StackId) and does not
 * derive from the app's domain name, so renaming the app never replaces it.
 */
export function cognitoPrefixProblems(resources: Resources, domainNames: string[]): string[] {
  const problems: string[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::Cognito::UserPoolDomain' || r.Properties?.CustomDomainConfig) {
      continue;
    }
    const text = JSON.stringify(r.Properties.Domain);
    if (!text.includes('AWS::StackId')) {
      problems.push(`${id}: the prefix ${text} does not reference AWS::StackId`);
    }
    for (const name of domainNames) {
      for (const form of [name, name.replace(/\./g, '-')]) {
        if (text.includes(form)) {
          problems.push(`${id}: the prefix ${text} contains the app's domain (${form})`);
        }
      }
    }
  }
  return problems;
}

/**
 * Refs, GetAtts and DependsOn that name no resource or parameter of the template: CloudFormation
 * refuses such a template. A construct removed from the tree after something referenced it, or
 * waited for it, leaves one.
 */
export function danglingReferences(resources: Resources, parameters: { [name: string]: unknown } = {}): string[] {
  const known = (id: string) => id in resources || id in parameters || id.startsWith('AWS::');
  const problems: string[] = [];
  const visit = (owner: string, value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach((v) => visit(owner, v));
    } else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'Ref' && typeof v === 'string' && !known(v)) {
          problems.push(`${owner} references ${v}, which is not in the template`);
        } else if (key === 'Fn::GetAtt' && Array.isArray(v) && typeof v[0] === 'string' && !known(v[0])) {
          problems.push(`${owner} gets an attribute of ${v[0]}, which is not in the template`);
        }
        visit(owner, v);
      }
    }
  };
  for (const [id, resource] of Object.entries(resources) as Array<[string, Resource & { DependsOn?: string | string[] }]>) {
    visit(id, resource.Properties);
    for (const target of [resource.DependsOn ?? []].flat()) {
      if (!known(target)) {
        problems.push(`${id} depends on ${target}, which is not in the template`);
      }
    }
  }
  return problems;
}

/**
 * VPCs whose public route tables hold more than one IPv4 default route to an internet gateway:
 * public subnets share one route table, as in a hand-written VPC, so that a security reviewer reads
 * one unrestricted route per VPC.
 */
export function repeatedInternetRoutes(resources: Resources): string[] {
  const byVpc = new Map<string, string[]>();
  for (const [id, route] of Object.entries(resources)) {
    const gateway = route.Properties?.GatewayId?.Ref;
    if (route.Type !== 'AWS::EC2::Route' || route.Properties?.DestinationCidrBlock !== '0.0.0.0/0' || resources[gateway]?.Type !== 'AWS::EC2::InternetGateway') {
      continue;
    }
    const vpc = JSON.stringify(resources[route.Properties.RouteTableId?.Ref]?.Properties?.VpcId);
    byVpc.set(vpc, [...(byVpc.get(vpc) ?? []), id]);
  }
  return [...byVpc.entries()].filter(([, routes]) => routes.length > 1).map(([vpc, routes]) => `VPC ${vpc} has ${routes.length} default routes to an internet gateway: ${routes.join(', ')}`);
}

/**
 * Custom resources that CloudFormation would wait for an hour if their handler never answers: every
 * resource with a `ServiceToken` must set `ServiceTimeout`, at most 3600 s, and no shorter than
 * its handler function's own timeout when the handler is in the template.
 */
export function customResourcesWithoutServiceTimeout(resources: Resources): string[] {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const token = resource.Properties?.ServiceToken;
    if (token === undefined) {
      continue;
    }
    // aws-cdk-lib's CustomResource writes it as a string of seconds, an override as a number.
    const raw = resource.Properties.ServiceTimeout;
    const timeout = Number(raw);
    if (raw === undefined || !Number.isInteger(timeout) || timeout < 1 || timeout > 3600) {
      problems.push(`${id} (${resource.Type}) has ServiceTimeout ${JSON.stringify(raw)}`);
      continue;
    }
    const handler = resources[token?.['Fn::GetAtt']?.[0]];
    const handlerTimeout = handler?.Type === 'AWS::Lambda::Function' ? handler.Properties?.Timeout ?? 3 : undefined;
    if (handlerTimeout !== undefined && timeout < handlerTimeout) {
      problems.push(`${id} (${resource.Type}) gives up after ${timeout} s, before its handler's timeout of ${handlerTimeout} s`);
    }
  }
  return problems;
}

/** The repository reference and tag of an image written as `<registry>/<repository>:<tag>` with a Fn::Join. */
function ecrImageReference(image: any): { repository: unknown; tag: string } | undefined {
  const parts = image?.['Fn::Join']?.[1];
  if (!Array.isArray(parts) || !parts.some((p) => typeof p === 'string' && p.includes('.dkr.ecr.'))) {
    return undefined;
  }
  const last = parts[parts.length - 1];
  const slash = parts.lastIndexOf('/');
  if (typeof last !== 'string' || !last.startsWith(':') || slash < 0) {
    return undefined;
  }
  return { repository: parts[slash + 1], tag: last.slice(1) };
}

/**
 * Task definitions that could start tasks before their image is pushed: every container whose
 * image is a tag of an ECR repository (not a CDK asset, which `cdk deploy` pushes first) needs a
 * `Custom::ChatbotImageCheck` of the same repository and tag among the task definition's DependsOn.
 */
export function imagesStartedBeforeTheyArePushed(resources: Resources): string[] {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::ECS::TaskDefinition') {
      continue;
    }
    for (const container of resource.Properties?.ContainerDefinitions ?? []) {
      const image = container.Image;
      if (JSON.stringify(image).includes('container-assets')) {
        continue;
      }
      const pushed = ecrImageReference(image);
      if (!pushed) {
        if (JSON.stringify(image).includes('.dkr.ecr.')) {
          problems.push(`${id}: container ${container.Name} names an ECR image this check cannot read: ${JSON.stringify(image)}`);
        }
        continue;
      }
      const checked = asList(resource.DependsOn).some((dep) => {
        const check = resources[dep];
        return check?.Type === 'Custom::ChatbotImageCheck' && check.Properties?.ImageTag === pushed.tag
          && JSON.stringify(check.Properties?.RepositoryName) === JSON.stringify(pushed.repository);
      });
      if (!checked) {
        problems.push(`${id}: container ${container.Name} runs ${JSON.stringify(pushed.repository)}:${pushed.tag} with no image check before it`);
      }
    }
  }
  return problems;
}

/**
 * Services whose deployment shifts traffic (blue/green, linear, canary) but that ECS could not
 * shift: each needs an alternate target group, a production rule that forwards to exactly its two
 * target groups with weights 100 and 0, and a role that exists before the service and may change
 * that rule and register tasks in both groups.
 */
export function trafficShiftProblems(resources: Resources): string[] {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const strategy = resource.Type === 'AWS::ECS::Service' ? resource.Properties?.DeploymentConfiguration?.Strategy : undefined;
    if (strategy === undefined || strategy === 'ROLLING') {
      continue;
    }
    for (const lb of resource.Properties?.LoadBalancers ?? []) {
      const advanced = lb.AdvancedConfiguration;
      if (!advanced) {
        problems.push(`${id} (${strategy}) is attached to ${refTo(lb.TargetGroupArn)} without an alternate target group`);
        continue;
      }
      const primary = refTo(lb.TargetGroupArn);
      const alternate = refTo(advanced.AlternateTargetGroupArn);
      const ruleId = refTo(advanced.ProductionListenerRule);
      const rule = ruleId ? resources[ruleId] : undefined;
      const forward = rule?.Properties?.Actions?.find((a: any) => a.Type === 'forward')?.ForwardConfig?.TargetGroups ?? [];
      const weights = Object.fromEntries(forward.map((t: any) => [refTo(t.TargetGroupArn), t.Weight]));
      if (rule?.Type !== 'AWS::ElasticLoadBalancingV2::ListenerRule' || forward.length !== 2 || weights[primary!] !== 100 || weights[alternate!] !== 0) {
        problems.push(`${id}: production rule ${ruleId} does not forward to ${primary} (100) and ${alternate} (0)`);
      }
      const roleId = refTo(advanced.RoleArn);
      const policies = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy'
        && asList(r.Properties?.Roles).some((role) => refTo(role) === roleId));
      const statements = policies.flatMap(([, r]) => asList(r.Properties?.PolicyDocument?.Statement));
      const allows = (action: string, target: string | undefined) => statements.some((s: any) => asList(s.Action).includes(action)
        && asList(s.Resource).some((r) => r === '*' || refTo(r) === target));
      if (!allows('elasticloadbalancing:ModifyRule', ruleId) || !allows('elasticloadbalancing:RegisterTargets', primary) || !allows('elasticloadbalancing:RegisterTargets', alternate)) {
        problems.push(`${id}: role ${roleId} may not shift the weights of ${ruleId} or register tasks in both target groups`);
      }
      if (!policies.every(([policyId]) => asList(resource.DependsOn).includes(policyId))) {
        problems.push(`${id}: is created before the policy of its traffic-shifting role ${roleId}`);
      }
    }
  }
  return problems;
}
