import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { createKey } from '../shared/encryption';
import { DEFAULT_REMOVAL_POLICY, checkRemovalPolicy } from '../shared/removal-policy';
import { PropTypes, PropsValidator, enumType, isKnown, numberType, objectType, refuseWrongTypes } from '../shared/validation';

/**
 * Props for `ChatbotRepository`.
 */
export interface ChatbotRepositoryProps {
  /**
   * How many tagged images to keep; older ones expire.
   *
   * @default 30
   */
  readonly maxImageCount?: number;

  /**
   * Customer-managed key for the images.
   *
   * @default - a new key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the repository and its new key when the stack is deleted. DESTROY deletes the
   * images with the repository (CloudFormation's `EmptyOnDelete`).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A private ECR repository for one service's images: scan on push, immutable tags, KMS encryption,
 * untagged images expire after a week and only the newest `maxImageCount` tagged ones are kept.
 * Push images from your pipeline and deploy a tag with
 * `ecs.ContainerImage.fromEcrRepository(repo.ecrRepository, tag)`. Put the repository in a stack that
 * is deployed, and pushed to, before the stack of the service: a service cannot start from an
 * empty repository (see `examples/two-tier`).
 */
export class ChatbotRepository extends Construct {
  /** The repository. */
  public readonly ecrRepository: ecr.Repository;

  constructor(scope: Construct, id: string, props: ChatbotRepositoryProps = {}) {
    super(scope, id);
    refuseWrongTypes(this, 'ChatbotRepository', props, REPOSITORY_TYPES);
    const maxImageCount = props.maxImageCount ?? 30;
    const v = new PropsValidator('ChatbotRepository', this);
    if (isKnown(maxImageCount)) {
      v.check(Number.isInteger(maxImageCount) && maxImageCount >= 1, 'maxImageCount', `must be a whole number of at least 1 (got ${maxImageCount}).`,
        'Keep at least the image that is deployed.');
    }
    checkRemovalPolicy(v, 'removalPolicy', props.removalPolicy);
    v.throwIfInvalid();
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;

    this.ecrRepository = new ecr.Repository(this, 'Repository', {
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      encryption: ecr.RepositoryEncryption.KMS,
      encryptionKey: props.encryptionKey ?? createKey(this, 'Key', 'Encrypts chatbot container images', removalPolicy),
      removalPolicy,
      emptyOnDelete: removalPolicy === RemovalPolicy.DESTROY ? true : undefined,
      lifecycleRules: [
        { description: 'Untagged images expire after a week', tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(7), rulePriority: 1 },
        { description: `Keep the newest ${maxImageCount} images`, tagStatus: ecr.TagStatus.ANY, maxImageCount, rulePriority: 2 },
      ],
    });
  }
}

const REPOSITORY_TYPES: PropTypes = {
  maxImageCount: numberType('30'),
  encryptionKey: objectType('kms.IKey', 'keyArn'),
  removalPolicy: enumType('RemovalPolicy', RemovalPolicy, 'RETAIN'),
};
