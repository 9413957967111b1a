import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';
import { INFERENCE_PROFILE_GEOGRAPHIES } from './inference-profile-regions';
import { PropsValidator } from '../shared/validation';

/**
 * The actions a chat app needs to call a model. The Converse and ConverseStream APIs are
 * authorized with these two actions (Bedrock API Reference, Converse and ConverseStream: "requires
 * permission for the bedrock:InvokeModel / bedrock:InvokeModelWithResponseStream action").
 */
export const INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

// A foundation-model id: provider, a dot, the model, then an optional version and context size
// (`anthropic.claude-3-haiku-20240307-v1:0`, `anthropic.claude-3-sonnet-20240229-v1:0:28k`),
// lower case as in Bedrock's API pattern.
const FOUNDATION_MODEL_ID = /^[a-z0-9-]{1,63}\.[a-z0-9.-]{1,63}(:[a-z0-9-]{1,63}){0,2}$/;
// A Bedrock resource (foundation model, inference profile, provisioned or custom model, prompt
// router) or a SageMaker endpoint of a Bedrock Marketplace model.
const BEDROCK_ARN = /^arn:(aws[a-z-]*):(bedrock|sagemaker):([a-z0-9-]*):(\d{12})?:([a-z-]+)\/(\S+)$/;
// The resource types of those ARNs that a model can be invoked through (Service Authorization
// Reference, "Actions, resources, and condition keys for Amazon Bedrock": the resource types of
// bedrock:InvokeModel; SageMaker's `endpoint` for Bedrock Marketplace models).
const INVOCABLE_TYPES: { readonly [service: string]: readonly string[] } = {
  bedrock: ['foundation-model', 'inference-profile', 'application-inference-profile', 'provisioned-model', 'custom-model',
    'imported-model', 'prompt-router', 'default-prompt-router', 'custom-model-deployment'],
  sagemaker: ['endpoint'],
};
// An id shaped like a system-defined inference profile (`geo.provider.model`): a prefix of letters,
// then a provider (letters and digits, no dash, as every Bedrock provider name), then a model.
const PROFILE_SHAPED_ID = /^([a-z]{2,8}(?:-[a-z]{2,4})?)\.([a-z][a-z0-9]{1,30})\.[a-z0-9][a-z0-9.-]*(:[a-z0-9-]{1,63}){0,2}$/;

/** How one entry of `bedrockModels` is called and what the task role needs for it. */
export interface ParsedBedrockModel {
  /** What the app passes as `modelId`: the entry as the user wrote it. */
  readonly modelId: string;
  /** Statements for the task role (before any guardrail condition). */
  readonly statements: iam.PolicyStatement[];
}

/** Refuses entries Bedrock would refuse or that would grant more than the named models. */
export function checkBedrockModels(scope: IConstruct, v: PropsValidator, models: string[], prop: string): void {
  const region = Stack.of(scope).region;
  const partition = Token.isUnresolved(region) ? undefined : RegionInfo.get(region).partition;
  for (const model of models) {
    if (Token.isUnresolved(model)) {
      continue;
    }
    if (model === '*' || model.endsWith(':*') || model.endsWith('/*') || model.includes('*')) {
      v.fail(prop, `must name models, not wildcards (got '${model}').`, 'List the model ids or ARNs the app calls.');
      continue;
    }
    if (model.startsWith('arn:')) {
      const match = BEDROCK_ARN.exec(model);
      if (!match) {
        v.fail(prop, `'${model}' is not the ARN of a Bedrock model or inference profile.`,
          'Use an ARN such as arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.anthropic.claude-3-haiku-20240307-v1:0, or the id as the Bedrock console shows it.');
        continue;
      }
      const [, arnPartition, service, arnRegion, , type, id] = match;
      if (!INVOCABLE_TYPES[service].includes(type)) {
        v.fail(prop, `'${model}' names a ${service} resource of type '${type}', which no model is invoked through.`,
          `Use one of ${INVOCABLE_TYPES[service].join(', ')} (${service === 'bedrock' ? 'arn:aws:bedrock:<region>::foundation-model/<model id>, or .../inference-profile/<profile id>' : 'arn:aws:sagemaker:<region>:<account>:endpoint/<name>'}).`);
        continue;
      }
      if (partition !== undefined && arnPartition !== partition) {
        v.fail(prop, `'${model}' is in partition ${arnPartition}, but the stack is in ${region}, partition ${partition}, where IAM would never match it.`,
          `Use the model's ARN in ${partition} (arn:${partition}:bedrock:...), or the id as the Bedrock console shows it.`);
        continue;
      }
      if (type === 'inference-profile') {
        checkProfile(v, prop, model, id, arnRegion, `the ARN's region ${arnRegion}`);
      }
      continue;
    }
    const geography = geographyOf(model);
    if (geography !== undefined) {
      if (!Token.isUnresolved(region)) {
        checkProfile(v, prop, model, model, region, `the stack's region ${region}`);
      }
      continue;
    }
    const profileShaped = PROFILE_SHAPED_ID.exec(model);
    if (profileShaped) {
      v.fail(prop, `'${model}' looks like an inference profile id, but '${profileShaped[1]}.' is not a geography of Bedrock's cross-region inference profiles (${Object.keys(INFERENCE_PROFILE_GEOGRAPHIES).map((g) => `${g}.`).join(', ')}).`,
        `Copy the profile id from the Bedrock console (Cross-region inference), or use the foundation-model id ${model.substring(profileShaped[1].length + 1)}.`);
      continue;
    }
    v.check(FOUNDATION_MODEL_ID.test(model), prop,
      `'${model}' is not a Bedrock model id (provider.model such as anthropic.claude-3-haiku-20240307-v1:0, or an inference profile id such as eu.anthropic.claude-3-haiku-20240307-v1:0).`,
      'Copy the id from the Bedrock console (Model catalog, or Cross-region inference) or `aws bedrock list-inference-profiles`, or pass its ARN.');
  }
}

function checkProfile(v: PropsValidator, prop: string, model: string, profileId: string, sourceRegion: string, where: string): void {
  const prefix = geographyOf(profileId);
  if (prefix === undefined) {
    v.fail(prop, `'${model}' names an inference profile without a known geography prefix (${Object.keys(INFERENCE_PROFILE_GEOGRAPHIES).join(', ')}).`,
      'Copy the profile id from the Bedrock console (Cross-region inference), or use an application inference profile ARN.');
    return;
  }
  const modelId = profileId.substring(prefix.length + 1);
  if (!FOUNDATION_MODEL_ID.test(modelId)) {
    v.fail(prop, `'${model}' is not a Bedrock inference profile id (a geography such as eu., then a model id such as anthropic.claude-3-haiku-20240307-v1:0).`,
      'Copy the profile id from the Bedrock console (Cross-region inference) or `aws bedrock list-inference-profiles`.');
    return;
  }
  const geography = INFERENCE_PROFILE_GEOGRAPHIES[prefix];
  const served = Object.entries(INFERENCE_PROFILE_GEOGRAPHIES).filter(([, g]) => g.sourceRegions.includes(sourceRegion)).map(([p]) => `${p}.`);
  v.check(geography.sourceRegions.includes(sourceRegion), prop,
    `'${model}' is a ${prefix}. inference profile, which cannot be called from ${where} (it serves ${geography.sourceRegions.join(', ')}).`,
    served.length > 0
      ? `Use the ${served.join(' or ')} profile of the model (${served.map((p) => `${p}${modelId}`).join(', ')}), or the foundation-model id ${modelId} if the region offers it.`
      : `No inference profile serves ${sourceRegion}: use the foundation-model id ${modelId} if the region offers it, or deploy to a region the profile serves.`);
}

/** The geography prefix of a system-defined inference profile id, or undefined. */
function geographyOf(id: string): string | undefined {
  // `us-gov.` before `us.`: the longest prefix wins.
  return Object.keys(INFERENCE_PROFILE_GEOGRAPHIES).sort((a, b) => b.length - a.length).find((p) => id.startsWith(`${p}.`));
}

/**
 * The task role's statements for one checked entry of `bedrockModels`:
 * - a foundation-model id: the model in the stack's region;
 * - a geographic profile id (`eu.`, `us.`, ...) or its ARN: the profile in its region, and the
 *   foundation model in every destination region of the geography, only through that profile
 *   (`bedrock:InferenceProfileArn`);
 * - a global profile id or its ARN: the profile, the foundation model in the stack's region and the
 *   foundation-model ARN without a region, only through that profile;
 * - an application inference profile ARN: the profile, and any foundation model only through that
 *   profile (which models it copies is not known at synth time);
 * - any other ARN (foundation model, provisioned or custom model, prompt router, SageMaker
 *   endpoint): that ARN.
 */
export function bedrockModelStatements(scope: IConstruct, model: string, index: number): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const foundationModel = (region: string, id: string) => `arn:${stack.partition}:bedrock:${region}::foundation-model/${id}`;
  const sid = (name: string) => `${name}${index}`;
  if (Token.isUnresolved(model)) {
    return [new iam.PolicyStatement({ sid: sid('InvokeModel'), actions: INVOKE_ACTIONS, resources: [model] })];
  }
  let profileArn: string | undefined;
  let profileId: string | undefined;
  let application = false;
  if (model.startsWith('arn:')) {
    const match = BEDROCK_ARN.exec(model);
    if (match && match[6] && match[5] === 'inference-profile') {
      profileArn = model;
      profileId = match[6];
    } else if (match && match[5] === 'application-inference-profile') {
      profileArn = model;
      application = true;
    } else {
      return [new iam.PolicyStatement({ sid: sid('InvokeModel'), actions: INVOKE_ACTIONS, resources: [model] })];
    }
  } else if (geographyOf(model) !== undefined) {
    profileId = model;
    profileArn = `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:inference-profile/${model}`;
  } else {
    return [new iam.PolicyStatement({ sid: sid('InvokeModel'), actions: INVOKE_ACTIONS, resources: [foundationModel(stack.region, model)] })];
  }
  const throughProfile = { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } };
  const statements = [new iam.PolicyStatement({ sid: sid('InvokeProfile'), actions: INVOKE_ACTIONS, resources: [profileArn] })];
  if (application) {
    statements.push(new iam.PolicyStatement({
      sid: sid('InvokeModelsThroughProfile'),
      actions: INVOKE_ACTIONS,
      resources: [`arn:${stack.partition}:bedrock:*::foundation-model/*`],
      conditions: throughProfile,
    }));
    return statements;
  }
  const prefix = geographyOf(profileId!)!;
  const modelId = profileId!.substring(prefix.length + 1);
  const destinations = INFERENCE_PROFILE_GEOGRAPHIES[prefix].destinationRegions;
  // A global profile: the source region's model, and the model ARN with no region that AWS
  // documents for the routing to any commercial region.
  const regions = destinations ?? [model.startsWith('arn:') ? model.split(':')[3] : stack.region, ''];
  statements.push(new iam.PolicyStatement({
    sid: sid('InvokeModelThroughProfile'),
    actions: INVOKE_ACTIONS,
    resources: regions.map((r) => foundationModel(r, modelId)),
    conditions: throughProfile,
  }));
  return statements;
}

const KNOWLEDGE_BASE_ID = /^[0-9a-zA-Z]{10}$/;
const KNOWLEDGE_BASE_ARN = /^arn:(aws[a-z-]*):bedrock:([a-z0-9-]+):(\d{12}):knowledge-base\/([0-9a-zA-Z]{10})$/;

/** Refuses knowledge base entries that are neither an id nor an ARN in the stack's region. */
export function checkKnowledgeBases(scope: IConstruct, v: PropsValidator, knowledgeBases: string[], prop: string): void {
  const region = Stack.of(scope).region;
  for (const kb of knowledgeBases) {
    if (Token.isUnresolved(kb)) {
      continue;
    }
    const arn = KNOWLEDGE_BASE_ARN.exec(kb);
    if (kb.startsWith('arn:')) {
      if (!arn) {
        v.fail(prop, `'${kb}' is not a knowledge base ARN (arn:aws:bedrock:<region>:<account>:knowledge-base/<10-character id>).`,
          'Copy the ARN or the id from the Bedrock console (Knowledge Bases).');
      } else if (!Token.isUnresolved(region)) {
        v.check(arn[2] === region && arn[1] === RegionInfo.get(region).partition, prop,
          `'${kb}' is a knowledge base in ${arn[2]}, but the app calls Bedrock in ${region} through the VPC endpoint of that region.`,
          'Use a knowledge base in the stack\'s region.');
      }
    } else {
      v.check(KNOWLEDGE_BASE_ID.test(kb), prop, `'${kb}' is not a knowledge base id (10 letters or digits).`,
        'Copy the id from the Bedrock console (Knowledge Bases), or pass the ARN.');
    }
  }
}

/** Grants the task role the checked models (with the guardrail's condition) and knowledge bases. */
export function grantBedrock(scope: IConstruct, taskDefinition: { addToTaskRolePolicy(s: iam.PolicyStatement): void },
  models: string[], guardrail: { guardrailArn: string; guardrailVersion: string } | undefined, knowledgeBases: string[]): void {
  const stack = Stack.of(scope);
  const statements = models.flatMap((m, i) => bedrockModelStatements(scope, m, i));
  if (guardrail) {
    // AWS documents the guardrail condition as the guardrail's ARN and version:
    // https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-id.html (read 2026-11-24).
    const guardrailIdentifier = `${guardrail.guardrailArn}:${guardrail.guardrailVersion}`;
    for (const s of statements) {
      s.addCondition('StringEquals', { 'bedrock:GuardrailIdentifier': guardrailIdentifier });
    }
    // The explicit deny holds even if another policy of the role allows the same models.
    statements.push(new iam.PolicyStatement({
      sid: 'OnlyWithTheGuardrail',
      effect: iam.Effect.DENY,
      actions: INVOKE_ACTIONS,
      resources: [...new Set(statements.flatMap((s) => s.resources))],
      conditions: { StringNotEquals: { 'bedrock:GuardrailIdentifier': guardrailIdentifier } },
    }));
    statements.push(new iam.PolicyStatement({ sid: 'ApplyTheGuardrail', actions: ['bedrock:ApplyGuardrail'], resources: [guardrail.guardrailArn] }));
  }
  if (knowledgeBases.length > 0) {
    statements.push(new iam.PolicyStatement({
      sid: 'QueryKnowledgeBases',
      actions: ['bedrock:Retrieve', 'bedrock:RetrieveAndGenerate'],
      resources: knowledgeBases.map((kb) => kb.startsWith('arn:') ? kb : `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:knowledge-base/${kb}`),
    }));
  }
  for (const s of statements) {
    taskDefinition.addToTaskRolePolicy(s);
  }
}
