import { SecretValue, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PropsValidator } from './validation';

/**
 * Refuses a `SecretValue` that would land in the template as plain text (`unsafePlainText`, or
 * anything else that is not a CloudFormation dynamic reference): the value must stay a secret.
 */
export function checkSecretReference(scope: Construct, constructName: string, prop: string, value: SecretValue): void {
  const v = new PropsValidator(constructName, scope);
  if (!SecretValue.isSecretValue(value)) {
    v.fail(prop, `must be a SecretValue (got ${value === undefined ? 'nothing' : typeof value}).`,
      'Pass a reference to a secret: secret.secretValueFromJson(\'value\') or SecretValue.secretsManager(name, { jsonField: \'value\' }).');
  } else {
    // Resolved through unsafeUnwrap() so that the @aws-cdk/core:checkSecretUsage flag does not object.
    const resolved = JSON.stringify(Stack.of(scope).resolve(value.unsafeUnwrap()));
    v.check(resolved.includes('{{resolve:'), prop, 'is not a reference to a secret, so its value would be written into the template in plain text.',
      'Pass a reference to a secret: secret.secretValueFromJson(\'value\') or SecretValue.secretsManager(name, { jsonField: \'value\' }), not SecretValue.unsafePlainText.');
  }
  v.throwIfInvalid();
}
