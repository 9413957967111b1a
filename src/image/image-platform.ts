import { Annotations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IConstruct } from 'constructs';
import { PropsValidator } from '../shared/validation';

const ASSET_IMAGE_FQN = 'aws-cdk-lib.aws_ecs.AssetImage';

/** 'X86_64' or 'ARM64' (or whatever name `ecs.CpuArchitecture.of` was given). */
export function architectureName(architecture: ecs.CpuArchitecture): string {
  // The name is private; aws-cdk-lib renders it into the task definition as it is.
  return String((architecture as any)._cpuArchitecture ?? '');
}

/** The task CPU architecture a Docker platform runs on, or undefined for another platform. */
export function platformArchitecture(platform: string): string | undefined {
  const [os, arch] = platform.toLowerCase().split('/');
  if (os !== 'linux') {
    return undefined;
  }
  if (arch === 'amd64' || arch === 'x86_64') {
    return 'X86_64';
  }
  if (arch === 'arm64' || arch === 'aarch64') {
    return 'ARM64';
  }
  return undefined;
}

/**
 * The Docker platform of an asset image (`ecs.ContainerImage.fromAsset`): a string, `null` when the
 * asset sets none, `undefined` when the image is not an asset image (registry, ECR: not built here).
 */
function assetPlatform(image: ecs.ContainerImage): string | null | undefined {
  // By class, or by jsii type name when another copy of aws-cdk-lib made it.
  const isAsset = image instanceof ecs.AssetImage || (image?.constructor as any)?.[Symbol.for('jsii.rtti')]?.fqn === ASSET_IMAGE_FQN;
  if (!isAsset) {
    return undefined;
  }
  // AssetImage keeps its build options in a private field; read it to know what will be built.
  const platform = (image as any).props?.platform?.platform;
  return typeof platform === 'string' ? platform : null;
}

/**
 * Records an asset image built for another CPU architecture than the task's as a problem in `v`, and
 * warns about one without a platform (Docker would build it for the deploying machine's architecture).
 *
 * @param prop the prop that holds the image, for the messages (`image`, `backend.image`)
 * @param architectureProp the prop that sets the task's architecture
 */
export function checkImagePlatform(scope: IConstruct, v: PropsValidator, image: ecs.ContainerImage, architecture: ecs.CpuArchitecture,
  prop: string, architectureProp: string): void {
  const platform = assetPlatform(image);
  if (platform === undefined) {
    return;
  }
  const arch = architectureName(architecture);
  const wanted = arch === 'ARM64' ? 'linux/arm64' : 'linux/amd64';
  const helper = `ChatbotImage.fromAsset(directory, { cpuArchitecture: ecs.CpuArchitecture.${arch} })`;
  if (platform === null) {
    Annotations.of(scope).addWarningV2('secure-container-chatbot:imagePlatform',
      `\`${prop}\` is an image asset without a platform, so Docker builds it for the machine that runs \`cdk deploy\`; `
      + `from a machine of another architecture the ${arch} tasks fail to start (exec format error). `
      + `Build it with ${helper}, or pass \`platform: ecr_assets.Platform.${arch === 'ARM64' ? 'LINUX_ARM64' : 'LINUX_AMD64'}\` to ContainerImage.fromAsset.`);
    return;
  }
  v.check(platformArchitecture(platform) === arch, prop, `is an image asset built for ${platform}, but the tasks run on ${arch} (\`${architectureProp}\`), where it cannot start.`,
    `Build it for ${wanted} with ${helper}, or set \`${architectureProp}\` to the image's architecture.`);
}
