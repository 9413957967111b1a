import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
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

  private constructor() {}
}
