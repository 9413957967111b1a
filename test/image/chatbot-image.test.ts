import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ChatbotBackend, ChatbotImage, ChatbotService, ChatbotServiceProps, SecureContainerChatbot } from '../../src';
import { backendContext } from '../support/own-parts';

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'chatbot-image-'));
fs.writeFileSync(path.join(DIR, 'Dockerfile'), 'FROM public.ecr.aws/docker/library/python:3.12-slim\n');
const WARNING_ID = 'secure-container-chatbot:imagePlatform';

/** The platform recorded in the asset manifest for the one image asset of a task definition. */
function builtPlatform(image: ecs.ContainerImage): string | undefined {
  const app = new App();
  const stack = new Stack(app, 'S');
  new ecs.FargateTaskDefinition(stack, 'Task').addContainer('App', { image });
  const assembly = app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'S.assets.json'), 'utf-8'));
  const images = Object.values<any>(manifest.dockerImages);
  expect(images).toHaveLength(1);
  return images[0].source.platform;
}

describe('ChatbotImage.fromAsset', () => {
  test('builds for linux/amd64 by default, whatever machine synthesizes', () => {
    expect(builtPlatform(ChatbotImage.fromAsset(DIR))).toBe('linux/amd64');
  });

  test('builds for linux/arm64 for ARM64 tasks, keeping the other build options', () => {
    const image = ChatbotImage.fromAsset(DIR, { cpuArchitecture: ecs.CpuArchitecture.ARM64, buildArgs: { VERSION: '1' } });
    expect(builtPlatform(image)).toBe('linux/arm64');
    expect((image as any).props.buildArgs).toEqual({ VERSION: '1' });
  });

  test('keeps a platform given alone, and refuses one that contradicts cpuArchitecture', () => {
    expect(builtPlatform(ChatbotImage.fromAsset(DIR, { platform: ecrAssets.Platform.LINUX_ARM64 }))).toBe('linux/arm64');
    expect(() => ChatbotImage.fromAsset(DIR, { platform: ecrAssets.Platform.LINUX_ARM64, cpuArchitecture: ecs.CpuArchitecture.X86_64 }))
      .toThrow(/`platform` \(linux\/arm64\) does not match `cpuArchitecture` \(X86_64\)/);
  });
});

describe('the image platform check of ChatbotService', () => {
  const service = (props: Partial<ChatbotServiceProps>) => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    return { stack, make: () => new ChatbotService(stack, 'Service', { vpc, image: ChatbotImage.fromAsset(DIR), ...props }) };
  };

  test('refuses an asset built for another architecture than the task, naming `image` and the fix', () => {
    const { make } = service({ image: ecs.ContainerImage.fromAsset(DIR, { platform: ecrAssets.Platform.LINUX_ARM64 }) });
    expect(make).toThrow(/`image`: is an image asset built for linux\/arm64, but the tasks run on X86_64 \(`cpuArchitecture`\).*ChatbotImage.fromAsset/);
  });

  test.each([
    ['windows/amd64', /`image`: is an image asset built for windows\/amd64, but the tasks run on X86_64/],
    ['linux/riscv64', /`image`: is an image asset built for linux\/riscv64/],
  ])('refuses an asset built for %s', (platform, message) => {
    expect(service({ image: ecs.ContainerImage.fromAsset(DIR, { platform: ecrAssets.Platform.custom(platform) }) }).make).toThrow(message);
  });

  test('warns, with an id and the fix, about an asset without a platform', () => {
    const { stack, make } = service({ image: ecs.ContainerImage.fromAsset(DIR) });
    make();
    Annotations.fromStack(stack).hasWarning('/S/Service', Match.stringLikeRegexp(`\`image\` is an image asset without a platform.*ChatbotImage\\.fromAsset.*\\[ack: ${WARNING_ID}\\]`));
  });

  test.each([
    ['an asset built for the task', { image: ChatbotImage.fromAsset(DIR, { cpuArchitecture: ecs.CpuArchitecture.ARM64 }), cpuArchitecture: ecs.CpuArchitecture.ARM64 }],
    ['an asset built for linux/x86_64, the alias of linux/amd64', { image: ecs.ContainerImage.fromAsset(DIR, { platform: ecrAssets.Platform.custom('linux/x86_64') }) }],
    ['a registry image', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim') }],
  ])('accepts %s without a warning', (_, props) => {
    const { stack, make } = service(props);
    make();
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('recognizes an asset image by its jsii type name, as one made by another copy of aws-cdk-lib', () => {
    class ForeignAssetImage extends ecs.ContainerImage {
      public readonly props = { platform: ecrAssets.Platform.LINUX_ARM64 };
      public bind(): ecs.ContainerImageConfig {
        return { imageName: 'x' };
      }
    }
    Object.defineProperty(ForeignAssetImage, Symbol.for('jsii.rtti'), { value: { fqn: 'aws-cdk-lib.aws_ecs.AssetImage' } });
    expect(service({ image: new ForeignAssetImage() }).make).toThrow(/`image`: is an image asset built for linux\/arm64/);
  });
});

describe('the backend image', () => {
  const arm = () => ecs.ContainerImage.fromAsset(DIR, { platform: ecrAssets.Platform.LINUX_ARM64 });

  test('in SecureContainerChatbot, a mismatch names `backend.image` and `backend.cpuArchitecture`', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Z', { hostedZoneId: 'Z1', zoneName: 'example.com' });
    expect(() => new SecureContainerChatbot(stack, 'Chat', {
      container: { image: ChatbotImage.fromAsset(DIR) }, domainName: 'chat.example.com', hostedZone, backend: { image: arm(), port: 8080 },
    })).toThrow(/`backend.image`: is an image asset built for linux\/arm64, but the tasks run on X86_64 \(`backend.cpuArchitecture`\)/);
  });

  test('alone, ChatbotBackend names `image`; with cpuArchitecture ARM64 the same image is accepted', () => {
    const build = (cpuArchitecture?: ecs.CpuArchitecture) => {
      const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
      return () => new ChatbotBackend(stack, 'Backend', {
        ...backendContext(stack, vpc, 'backend.example.com'),
        image: arm(),
        port: 8080,
        cpuArchitecture,
      });
    };
    expect(build()).toThrow(/ChatbotService: `image`: is an image asset built for linux\/arm64/);
    expect(build(ecs.CpuArchitecture.ARM64)).not.toThrow();
  });
});
