import { Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct } from 'constructs';
import { architectureName, platformArchitecture } from './image-platform';

/**
 * Options for `ChatbotImage.fromAsset`: those of `ecs.ContainerImage.fromAsset`, plus the CPU
 * architecture the image is built for.
 */
export interface ChatbotImageAssetOptions extends ecs.AssetImageProps {
  /**
   * The CPU architecture of the tasks that run the image; it must equal the task's
   * `cpuArchitecture`. The image is built for `linux/amd64` (X86_64) or `linux/arm64` (ARM64),
   * whatever the machine that runs `cdk deploy`. A `platform`, if you also give one, must agree.
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;
}

/**
 * Container images for the chatbot's tasks, built for the tasks' CPU architecture.
 *
 * Docker builds an asset for the machine it runs on unless told otherwise: `cdk deploy` from an
 * arm64 laptop would push an arm64 image that x86_64 tasks cannot start ("exec format error").
 */
export class ChatbotImage {
  /**
   * An image built from a directory with a Dockerfile, for `linux/amd64` or `linux/arm64` as
   * `cpuArchitecture` says (X86_64 unless set).
   *
   * @param directory the directory that holds the Dockerfile
   * @param options build options and the CPU architecture of the tasks
   */
  public static fromAsset(directory: string, options: ChatbotImageAssetOptions = {}): ecs.ContainerImage {
    const { cpuArchitecture, ...assetProps } = options;
    if (assetProps.platform) {
      const built = platformArchitecture(assetProps.platform.platform);
      if (cpuArchitecture && built !== architectureName(cpuArchitecture)) {
        throw new Error(`ChatbotImage.fromAsset: \`platform\` (${assetProps.platform.platform}) does not match \`cpuArchitecture\` (${architectureName(cpuArchitecture)}). `
          + 'Leave `platform` out: it follows `cpuArchitecture`.');
      }
      return ecs.ContainerImage.fromAsset(directory, assetProps);
    }
    const arm = architectureName(cpuArchitecture ?? ecs.CpuArchitecture.X86_64) === 'ARM64';
    const platform = arm ? ecrAssets.Platform.LINUX_ARM64 : ecrAssets.Platform.LINUX_AMD64;
    return ecs.ContainerImage.fromAsset(directory, { ...assetProps, platform });
  }

  /**
   * An image of an ECR repository, by tag or by digest (`sha256:...`). `ChatbotService` checks
   * at deploy time, before it registers the task definition, that the image is in the repository:
   * a deployment made before the push fails at once with the `docker push` to run, and rolls back
   * cleanly, instead of starting tasks that cannot pull it. Use it for images that a pipeline
   * pushes to a repository the app owns (`ChatbotRepository`).
   *
   * @param repository the repository that holds the image
   * @param tagOrDigest the image's tag (`1.0.0`) or digest (`sha256:` and 64 hex digits)
   */
  public static fromRepository(repository: ecr.IRepository, tagOrDigest: string): ecs.ContainerImage {
    if (!Token.isUnresolved(tagOrDigest) && !IMAGE_TAG.test(tagOrDigest) && !IMAGE_DIGEST.test(tagOrDigest)) {
      throw new Error(`ChatbotImage.fromRepository: \`tagOrDigest\` ('${tagOrDigest}') is neither an image tag nor a digest. `
        + 'Give a tag of up to 128 letters, digits, _, . and - that starts with a letter, digit or _ (such as 1.0.0), or a digest: sha256: and 64 lower-case hex digits.');
    }
    if (tagOrDigest === 'latest') {
      throw new Error('ChatbotImage.fromRepository: `tagOrDigest` is \'latest\', which names a different image after each push, so a redeploy or a replaced task may run code nobody deployed. '
        + 'Give the version tag (such as 1.0.0) or the digest of the image to run.');
    }
    return new RepositoryImage(repository, tagOrDigest);
  }

  private constructor() {}
}

// Docker's tag grammar (ECR stores the same): https://docs.docker.com/reference/cli/docker/image/tag/
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** An ECR repository image that remembers its repository and tag, for the presence check. */
class RepositoryImage extends ecs.ContainerImage {
  public readonly imageName: string;
  private readonly image: ecs.EcrImage;

  constructor(public readonly repository: ecr.IRepository, public readonly tagOrDigest: string) {
    super();
    this.image = ecs.ContainerImage.fromEcrRepository(repository, tagOrDigest);
    this.imageName = this.image.imageName;
  }

  public bind(scope: Construct, containerDefinition: ecs.ContainerDefinition): ecs.ContainerImageConfig {
    return this.image.bind(scope, containerDefinition);
  }
}

/** The repository and tag of an image from `ChatbotImage.fromRepository`, else undefined. */
export function repositoryImageOf(image: ecs.ContainerImage): { repository: ecr.IRepository; tagOrDigest: string } | undefined {
  return image instanceof RepositoryImage ? { repository: image.repository, tagOrDigest: image.tagOrDigest } : undefined;
}
