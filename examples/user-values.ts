import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';

/**
 * A value only the deploying team can give (its identity provider's metadata, a secret it created),
 * read from CDK context: `cdk deploy -c <key>=<value>`, or the `context` of cdk.json. Without it the
 * app fails at synth, naming the key, rather than deploying a sample that Cognito or ECS would try
 * to use. `npm run synth:examples` and the tests pass the samples of `sample-context.json`.
 */
export function userValue(scope: IConstruct, key: string, what: string): string {
  const value = scope.node.tryGetContext(key);
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`The context value \`${key}\` is missing: ${what}. `
      + `Pass it with \`cdk deploy -c ${key}=<value>\`, or set it under "context" in cdk.json (examples/README: sample-context.json shows the shape).`);
  }
  return value;
}

/** The sample context of an example (`examples/<name>/sample-context.json`), or none. */
export function sampleContext(example: string): { [key: string]: string } {
  const file = path.join(__dirname, example, 'sample-context.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')) : {};
}
