import { createHash } from 'crypto';
import { Stack, Token } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { Construct, IConstruct } from 'constructs';
import { nameUniquePerStackInstance } from '../shared/unique-name';
import { PropsValidator } from '../shared/validation';

/** How strongly a content filter blocks (Bedrock's filter strengths). */
export enum GuardrailFilterStrength {
  /** The filter is off for this direction. */
  NONE = 'NONE',
  /** Blocks content classified with high confidence only. */
  LOW = 'LOW',
  /** Blocks content classified with medium or high confidence. */
  MEDIUM = 'MEDIUM',
  /** Blocks content classified with low, medium or high confidence. */
  HIGH = 'HIGH',
}

/** The harmful-content categories of Bedrock's content filters. */
export enum GuardrailContentFilterType {
  /** Hate. */
  HATE = 'HATE',
  /** Insults. */
  INSULTS = 'INSULTS',
  /** Sexual content. */
  SEXUAL = 'SEXUAL',
  /** Violence. */
  VIOLENCE = 'VIOLENCE',
  /** Misconduct. */
  MISCONDUCT = 'MISCONDUCT',
  /** Prompt attacks (jailbreaks, prompt injection); filters prompts only, so its output strength must be NONE. */
  PROMPT_ATTACK = 'PROMPT_ATTACK',
}

/** What a guardrail does with a detected PII entity. */
export enum GuardrailPiiAction {
  /** Blocks the request or answer with the blocked message. */
  BLOCK = 'BLOCK',
  /** Replaces the entity with its type in brackets (`{EMAIL}`). */
  ANONYMIZE = 'ANONYMIZE',
}

/** One content filter of a guardrail. */
export interface GuardrailContentFilter {
  /** The category. */
  readonly type: GuardrailContentFilterType;
  /** Strength on prompts. */
  readonly inputStrength: GuardrailFilterStrength;
  /**
   * Strength on answers (must be NONE for PROMPT_ATTACK).
   *
   * @default - the input strength (NONE for PROMPT_ATTACK)
   */
  readonly outputStrength?: GuardrailFilterStrength;
}

/** A topic the guardrail denies. */
export interface GuardrailDeniedTopic {
  /** Name of the topic (1-100 characters: letters, digits, spaces, `-_!?.`). */
  readonly name: string;
  /** What the topic covers, in a sentence (1-200 characters). */
  readonly definition: string;
  /**
   * Example prompts of the topic (at most 5, each at most 100 characters).
   *
   * @default - none
   */
  readonly examples?: string[];
}

/** A PII entity type the guardrail blocks or masks. */
export interface GuardrailPiiEntity {
  /** The entity type as Bedrock names it: `EMAIL`, `PHONE`, `US_SOCIAL_SECURITY_NUMBER`, ... */
  readonly type: string;
  /** Block the message, or mask the entity. */
  readonly action: GuardrailPiiAction;
}

/** Options of a guardrail the construct creates (`ChatbotGuardrail.create`). */
export interface ChatbotGuardrailOptions {
  /**
   * Content filters.
   *
   * @default - every category at HIGH on prompts and answers (prompt attacks on prompts only)
   */
  readonly contentFilters?: GuardrailContentFilter[];

  /**
   * Topics to deny.
   *
   * @default - none
   */
  readonly deniedTopics?: GuardrailDeniedTopic[];

  /**
   * Words and phrases to block (each at most 100 characters).
   *
   * @default - none
   */
  readonly blockedWords?: string[];

  /**
   * Block profanity with Bedrock's managed word list.
   *
   * @default false
   */
  readonly blockProfanity?: boolean;

  /**
   * PII entity types to block or mask.
   *
   * @default - none
   */
  readonly piiEntities?: GuardrailPiiEntity[];

  /**
   * Contextual grounding: answers whose grounding score in the given source is below this
   * threshold (0 to 0.99) are blocked. Only applies when the app passes a grounding source.
   *
   * @default - no grounding check
   */
  readonly groundingThreshold?: number;

  /**
   * Contextual grounding: answers whose relevance to the question is below this threshold
   * (0 to 0.99) are blocked.
   *
   * @default - no relevance check
   */
  readonly relevanceThreshold?: number;

  /**
   * The message shown instead of a blocked prompt (at most 500 characters).
   *
   * @default 'Sorry, this request is not allowed here.'
   */
  readonly blockedInputMessage?: string;

  /**
   * The message shown instead of a blocked answer (at most 500 characters).
   *
   * @default 'Sorry, the answer was withheld by the content policy.'
   */
  readonly blockedOutputMessage?: string;
}

/** The guardrail the app calls Bedrock with, as its ARN, id and version. */
export interface ChatbotGuardrailConfig {
  /** The guardrail's ARN (without version). */
  readonly guardrailArn: string;
  /** The guardrail's id (the last part of its ARN). */
  readonly guardrailId: string;
  /** The version the app uses (a number; `DRAFT` is refused). */
  readonly guardrailVersion: string;
}

// Entity types of Bedrock's sensitive information filters (CloudFormation
// AWS::Bedrock::Guardrail PiiEntityConfig.Type, as listed in aws-cdk-lib 2.270's generated types).
const PII_TYPES = [
  'ADDRESS', 'AGE', 'NAME', 'EMAIL', 'PHONE', 'USERNAME', 'PASSWORD', 'DRIVER_ID', 'LICENSE_PLATE', 'VEHICLE_IDENTIFICATION_NUMBER',
  'CREDIT_DEBIT_CARD_CVV', 'CREDIT_DEBIT_CARD_EXPIRY', 'CREDIT_DEBIT_CARD_NUMBER', 'PIN', 'INTERNATIONAL_BANK_ACCOUNT_NUMBER', 'SWIFT_CODE',
  'IP_ADDRESS', 'MAC_ADDRESS', 'URL', 'AWS_ACCESS_KEY', 'AWS_SECRET_KEY', 'US_BANK_ACCOUNT_NUMBER', 'US_BANK_ROUTING_NUMBER',
  'US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER', 'US_PASSPORT_NUMBER', 'US_SOCIAL_SECURITY_NUMBER', 'CA_HEALTH_NUMBER', 'CA_SOCIAL_INSURANCE_NUMBER',
  'UK_NATIONAL_HEALTH_SERVICE_NUMBER', 'UK_NATIONAL_INSURANCE_NUMBER', 'UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER',
];
const GUARDRAIL_ARN = /^arn:(aws[a-z-]*):bedrock:([a-z0-9-]+):(\d{12}):guardrail\/([a-z0-9]+)$/;
const TOPIC_NAME = /^[0-9a-zA-Z-_ !?.]{1,100}$/;

/**
 * An Amazon Bedrock guardrail for every model call of the app: one the construct creates from
 * options (`create`), or an existing one (`fromArn`). With a guardrail, the task role may only
 * invoke models with it (the `bedrock:GuardrailIdentifier` condition) and may call
 * `bedrock:ApplyGuardrail` on it; its id and version reach the container as
 * `BEDROCK_GUARDRAIL_ID` and `BEDROCK_GUARDRAIL_VERSION`.
 */
export abstract class ChatbotGuardrail {
  /**
   * A guardrail created with the stack (`AWS::Bedrock::Guardrail`) and a numbered version of it
   * (`AWS::Bedrock::GuardrailVersion`); changing the options publishes a new version.
   */
  public static create(options: ChatbotGuardrailOptions = {}): ChatbotGuardrail {
    return new CreatedGuardrail(options);
  }

  /**
   * An existing guardrail in the stack's account and region.
   *
   * @param guardrailArn arn:aws:bedrock:<region>:<account>:guardrail/<id>
   * @param version a published version number (`DRAFT` cannot be enforced by IAM and changes under the app)
   */
  public static fromArn(guardrailArn: string, version: string): ChatbotGuardrail {
    return new ExistingGuardrail(guardrailArn, version);
  }

  /**
   * Checks the guardrail (refusing bad options with the prop named `prop`) and creates its
   * resources under `scope` the first time it is bound in that stack.
   */
  public abstract bind(scope: IConstruct, prop: string): ChatbotGuardrailConfig;
}

class ExistingGuardrail extends ChatbotGuardrail {
  constructor(private readonly arn: string, private readonly version: string) {
    super();
  }

  public bind(scope: IConstruct, prop: string): ChatbotGuardrailConfig {
    const v = new PropsValidator('ChatbotGuardrail', scope);
    const stack = Stack.of(scope);
    if (!Token.isUnresolved(this.arn)) {
      const match = GUARDRAIL_ARN.exec(this.arn);
      if (!match) {
        v.fail(prop, `'${this.arn}' is not a guardrail ARN (arn:aws:bedrock:<region>:<account>:guardrail/<id>, without version).`,
          'Copy the ARN from the Bedrock console (Guardrails) and pass the version separately.');
      } else if (!Token.isUnresolved(stack.region) && match[2] !== stack.region) {
        v.fail(prop, `'${this.arn}' is a guardrail in ${match[2]}, but the app calls Bedrock in ${stack.region}.`,
          'Create the guardrail in the stack\'s region, or use ChatbotGuardrail.create().');
      }
    }
    if (!Token.isUnresolved(this.version)) {
      v.check(/^[1-9][0-9]{0,7}$/.test(this.version), prop, `version '${this.version}' is not a published version number.`,
        'Publish a version of the guardrail (Create version) and pass its number, such as \'1\'; DRAFT changes under the app.');
    }
    v.throwIfInvalid();
    return { guardrailArn: this.arn, guardrailId: this.arn.substring(this.arn.lastIndexOf('/') + 1), guardrailVersion: this.version };
  }
}

class CreatedGuardrail extends ChatbotGuardrail {
  private readonly bound = new Map<Stack, ChatbotGuardrailConfig>();

  constructor(private readonly options: ChatbotGuardrailOptions) {
    super();
  }

  public bind(scope: IConstruct, prop: string): ChatbotGuardrailConfig {
    const stack = Stack.of(scope);
    const existing = this.bound.get(stack);
    if (existing) {
      return existing;
    }
    validateOptions(scope, this.options, prop);
    const holder = new Construct(scope, 'BedrockGuardrail');
    const o = this.options;
    const filters: GuardrailContentFilter[] = o.contentFilters
      ?? Object.values(GuardrailContentFilterType).map((type) => ({ type, inputStrength: GuardrailFilterStrength.HIGH }));
    const policies: Omit<bedrock.CfnGuardrailProps, 'name'> = {
      description: 'Checks the prompts and answers of the chatbot',
      blockedInputMessaging: o.blockedInputMessage ?? 'Sorry, this request is not allowed here.',
      blockedOutputsMessaging: o.blockedOutputMessage ?? 'Sorry, the answer was withheld by the content policy.',
      contentPolicyConfig: filters.length === 0 ? undefined : {
        filtersConfig: filters.map((f) => ({
          type: f.type,
          inputStrength: f.inputStrength,
          outputStrength: f.outputStrength ?? (f.type === GuardrailContentFilterType.PROMPT_ATTACK ? GuardrailFilterStrength.NONE : f.inputStrength),
        })),
      },
      topicPolicyConfig: (o.deniedTopics ?? []).length === 0 ? undefined : {
        topicsConfig: o.deniedTopics!.map((t) => ({ name: t.name, definition: t.definition, examples: t.examples, type: 'DENY' })),
      },
      wordPolicyConfig: (o.blockedWords ?? []).length === 0 && !o.blockProfanity ? undefined : {
        wordsConfig: (o.blockedWords ?? []).length > 0 ? o.blockedWords!.map((text) => ({ text })) : undefined,
        managedWordListsConfig: o.blockProfanity ? [{ type: 'PROFANITY' }] : undefined,
      },
      sensitiveInformationPolicyConfig: (o.piiEntities ?? []).length === 0 ? undefined : {
        piiEntitiesConfig: o.piiEntities!.map((e) => ({ type: e.type, action: e.action })),
      },
      contextualGroundingPolicyConfig: o.groundingThreshold === undefined && o.relevanceThreshold === undefined ? undefined : {
        filtersConfig: [
          ...(o.groundingThreshold !== undefined ? [{ type: 'GROUNDING', threshold: o.groundingThreshold }] : []),
          ...(o.relevanceThreshold !== undefined ? [{ type: 'RELEVANCE', threshold: o.relevanceThreshold }] : []),
        ],
      },
    };
    const guardrail = new bedrock.CfnGuardrail(holder, 'Guardrail', { name: nameUniquePerStackInstance(holder, { maxLength: 50 }), ...policies });
    // A version's properties cannot change in place: a description that carries a hash of the
    // options makes CloudFormation publish a new version (and retire the old one) when they change.
    const digest = createHash('sha256').update(JSON.stringify(policies)).digest('hex').substring(0, 16);
    const version = new bedrock.CfnGuardrailVersion(holder, 'Version', {
      guardrailIdentifier: guardrail.attrGuardrailId,
      description: `Options ${digest}`,
    });
    const config = { guardrailArn: guardrail.attrGuardrailArn, guardrailId: guardrail.attrGuardrailId, guardrailVersion: version.attrVersion };
    this.bound.set(stack, config);
    return config;
  }
}

function validateOptions(scope: IConstruct, o: ChatbotGuardrailOptions, prop: string): void {
  const v = new PropsValidator('ChatbotGuardrail', scope);
  const strengths = Object.values(GuardrailFilterStrength) as string[];
  const categories = Object.values(GuardrailContentFilterType) as string[];
  (o.contentFilters ?? []).forEach((f, i) => {
    // JavaScript and Python callers can pass any string, which Bedrock refuses at deploy time.
    v.check(categories.includes(f.type), `${prop}.contentFilters[${i}].type`, `is '${f.type}', not a Bedrock content filter category.`,
      `Use a GuardrailContentFilterType value: ${categories.join(', ')}.`);
    for (const key of ['inputStrength', 'outputStrength'] as const) {
      const strength = f[key];
      v.check(strength === undefined || strengths.includes(strength), `${prop}.contentFilters[${i}].${key}`,
        `is '${strength}', not a Bedrock filter strength.`, `Use a GuardrailFilterStrength value: ${strengths.join(', ')}.`);
    }
  });
  for (const f of o.contentFilters ?? []) {
    const promptAttackOnAnswers = f.type === GuardrailContentFilterType.PROMPT_ATTACK && f.outputStrength !== undefined
      && f.outputStrength !== GuardrailFilterStrength.NONE;
    v.check(!promptAttackOnAnswers, `${prop}.contentFilters`, 'sets an output strength for PROMPT_ATTACK, which Bedrock only applies to prompts.',
      'Leave outputStrength out (or NONE) for PROMPT_ATTACK.');
  }
  const types = (o.contentFilters ?? []).map((f) => f.type);
  v.check(new Set(types).size === types.length, `${prop}.contentFilters`, 'lists a category more than once.', 'Give each category one filter.');
  for (const t of o.deniedTopics ?? []) {
    v.check(Token.isUnresolved(t.name) || TOPIC_NAME.test(t.name), `${prop}.deniedTopics`,
      `topic name '${t.name}': 1-100 letters, digits, spaces or -_!?. characters.`,
      'Give the topic a short plain name, such as \'Investment advice\'.');
    v.check(Token.isUnresolved(t.definition) || (t.definition.length >= 1 && t.definition.length <= 200), `${prop}.deniedTopics`,
      `the definition of '${t.name}' must be 1-200 characters (got ${t.definition.length}).`, 'Describe the topic in one sentence.');
    v.check((t.examples ?? []).length <= 5 && (t.examples ?? []).every((e) => e.length >= 1 && e.length <= 100), `${prop}.deniedTopics`,
      `the examples of '${t.name}' must be at most 5, each 1-100 characters.`, 'Keep a few short example prompts.');
  }
  for (const w of o.blockedWords ?? []) {
    v.check(w.length >= 1 && w.length <= 100, `${prop}.blockedWords`, `'${w.substring(0, 20)}' must be 1-100 characters.`, 'Block words or short phrases.');
  }
  for (const e of o.piiEntities ?? []) {
    v.check(PII_TYPES.includes(e.type), `${prop}.piiEntities`, `'${e.type}' is not a Bedrock PII entity type.`, `Use one of ${PII_TYPES.join(', ')}.`);
  }
  for (const [name, value] of [['groundingThreshold', o.groundingThreshold], ['relevanceThreshold', o.relevanceThreshold]] as const) {
    v.check(value === undefined || (value >= 0 && value <= 0.99), `${prop}.${name}`, `must be between 0 and 0.99 (got ${value}).`,
      'Start around 0.7 and tune it on real answers.');
  }
  for (const [name, value] of [['blockedInputMessage', o.blockedInputMessage], ['blockedOutputMessage', o.blockedOutputMessage]] as const) {
    v.check(value === undefined || Token.isUnresolved(value) || (value.length >= 1 && value.length <= 500), `${prop}.${name}`,
      `must be 1-500 characters (got ${value?.length}).`, 'Keep the message short.');
  }
  const anything = o.contentFilters === undefined || o.contentFilters.length > 0 || (o.deniedTopics ?? []).length > 0
    || (o.blockedWords ?? []).length > 0
    || o.blockProfanity || (o.piiEntities ?? []).length > 0 || o.groundingThreshold !== undefined || o.relevanceThreshold !== undefined;
  v.check(!!anything, prop, 'has no policy (empty contentFilters and nothing else), and Bedrock refuses a guardrail without one.',
    'Leave contentFilters out for the default filters, or add a filter, topic, word list or PII entity.');
  v.throwIfInvalid();
}
