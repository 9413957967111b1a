import * as fs from 'fs';
import * as path from 'path';
import { EXAMPLES, exampleAssembly } from '../support/example-assemblies';

const ROOT = path.resolve(__dirname, '..', '..');
const SKIP_FILE = path.join(ROOT, 'test', 'checkov-skips.json');

interface Skip { example: string; stack: string; logicalId: string; type: string; id: string; comment: string }

test('the checkov skips in the templates match the reviewed list in test/checkov-skips.json', () => {
  const current: Skip[] = [];
  for (const example of Object.keys(EXAMPLES)) {
    for (const stack of exampleAssembly(example).stacks) {
      for (const [logicalId, resource] of Object.entries<any>(stack.template.Resources)) {
        for (const skip of resource.Metadata?.checkov?.skip ?? []) {
          current.push({ example, stack: stack.name, logicalId, type: resource.Type, id: skip.id, comment: skip.comment });
        }
      }
    }
  }
  if (process.env.UPDATE_CHECKOV_SKIPS === '1') {
    fs.writeFileSync(SKIP_FILE, JSON.stringify(current, null, 2) + '\n');
  }
  // A new or changed skip must show up as a reviewed diff of that file
  // (regenerate with UPDATE_CHECKOV_SKIPS=1 npx jest test/examples/template-checks).
  expect(current).toEqual(JSON.parse(fs.readFileSync(SKIP_FILE, 'utf-8')));
  for (const skip of current) {
    expect(skip.comment.length).toBeGreaterThan(60);
  }
});

test('every cfn-lint rule ignored in a template is ignored on an exact resource of aws-cdk-lib\'s or the secondary-CIDR subnets', () => {
  // By resource type and logical id: W3005 where aws-cdk-lib writes a DependsOn next to a reference
  // (its deploy-time handler, ECS services, API mappings, Lambda functions on their role),
  // E3059 on the subnets carved from the secondary CIDR.
  const allowed: { [rule: string]: RegExp } = {
    W3005: /^(AWS::Lambda::Function CustomVpcRestrictDefaultSGCustomResourceProviderHandler|AWS::Lambda::Function ChatbotOriginVerifyRotationFunction|AWS::Lambda::Function ChatbotInvocationLoggingHandler|AWS::Lambda::Function ChatbotBackendServiceImageCheckHandler|AWS::ECS::Service ChatbotService|AWS::ECS::Service ChatbotBackendService|AWS::ApiGatewayV2::ApiMapping ChatbotHttpApiStage)/,
    E3059: /^AWS::EC2::Subnet ChatbotNetworkTaskSubnet\dSubnet/,
  };
  for (const example of Object.keys(EXAMPLES)) {
    for (const stack of exampleAssembly(example).stacks) {
      for (const [logicalId, resource] of Object.entries<any>(stack.template.Resources)) {
        for (const rule of resource.Metadata?.['cfn-lint']?.config?.ignore_checks ?? []) {
          expect([rule, `${resource.Type} ${logicalId}`]).toEqual([rule, expect.stringMatching(allowed[rule] ?? /^$/)]);
        }
      }
    }
  }
  const rc = fs.readFileSync(path.join(ROOT, '.cfnlintrc'), 'utf-8');
  expect(rc).not.toMatch(/^ignore_checks/m);
});
