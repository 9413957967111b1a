import { Fn, Names, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The last group of the UUID in this stack's `AWS::StackId` (12 lower-case hex digits). It stays
 * the same across updates and is new whenever the stack is created again, so a name that carries
 * it never collides with a resource retained from an earlier instance of the stack, nor with the
 * same app deployed to another account.
 */
export function stackInstanceId(scope: IConstruct): string {
  const uuid = Fn.select(2, Fn.split('/', Stack.of(scope).stackId));
  return Fn.select(4, Fn.split('-', uuid));
}

/**
 * A physical name unique per stack instance: `<prefix><construct path>-<stack instance id>`, at
 * most `maxLength` characters. The construct path part (with its hash) tells two constructs of one
 * stack apart and keeps the name readable; it is shortened to fit.
 */
export function nameUniquePerStackInstance(scope: IConstruct, options: {
  readonly maxLength: number;
  readonly prefix?: string;
  readonly separator?: string;
  readonly allowedSpecialCharacters?: string;
}): string {
  const prefix = options.prefix ?? '';
  const separator = options.separator ?? '-';
  // The instance id is 12 characters, plus its separator.
  const readable = Names.uniqueResourceName(scope, {
    maxLength: options.maxLength - prefix.length - 13,
    separator,
    allowedSpecialCharacters: options.allowedSpecialCharacters,
  });
  return `${prefix}${readable}${separator}${stackInstanceId(scope)}`;
}
