import * as fs from 'fs';
import * as path from 'path';
import { EXAMPLES, exampleAssembly } from '../support/example-assemblies';

const PLATFORM_OF: { [cpuArchitecture: string]: string } = { X86_64: 'linux/amd64', ARM64: 'linux/arm64' };

interface ContainerImageUse { stack: string; taskDefinition: string; cpuArchitecture: string; image: any }

/** Every container image of every ECS task definition in an example, with the task's architecture. */
function containerImages(name: string): ContainerImageUse[] {
  return exampleAssembly(name).stacks.flatMap((stack) => Object.entries(stack.template.Resources)
    .filter(([, r]) => r.Type === 'AWS::ECS::TaskDefinition')
    .flatMap(([logicalId, r]) => (r.Properties.ContainerDefinitions ?? []).map((c: any) => ({
      stack: stack.artifactId,
      taskDefinition: logicalId,
      // CloudFormation's default when RuntimePlatform is absent.
      cpuArchitecture: r.Properties.RuntimePlatform?.CpuArchitecture ?? 'X86_64',
      image: c.Image,
    }))));
}

describe.each(Object.keys(EXAMPLES))('examples/%s', (name) => {
  test('every image asset a task runs is built for the task\'s CPU architecture', () => {
    const assembly = exampleAssembly(name);
    let assets = 0;
    for (const use of containerImages(name)) {
      // An image asset's URI is an Fn::Sub that ends in ':<image tag>', the tag of a dockerImages
      // entry in the stack's asset manifest.
      const uri = typeof use.image?.['Fn::Sub'] === 'string' ? use.image['Fn::Sub'] as string : undefined;
      if (!uri || !uri.includes('container-assets')) {
        continue;
      }
      const tag = uri.substring(uri.lastIndexOf(':') + 1);
      const manifest = JSON.parse(fs.readFileSync(path.join(assembly.outdir, `${use.stack}.assets.json`), 'utf-8'));
      const entry = Object.values<any>(manifest.dockerImages ?? {})
        .find((image) => Object.values<any>(image.destinations).some((d) => d.imageTag === tag));
      expect(entry).toBeDefined();
      expect({ taskDefinition: use.taskDefinition, platform: entry.source.platform })
        .toEqual({ taskDefinition: use.taskDefinition, platform: PLATFORM_OF[use.cpuArchitecture] });
      assets++;
    }
    expect(assets).toBeGreaterThan(0);
  });
});

/** The logical ids an intrinsic refers to: Ref, Fn::GetAtt and the ${...} of Fn::Sub. */
function referencedIds(value: any): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(referencedIds);
  }
  if (value === null || typeof value !== 'object') {
    return [];
  }
  return Object.entries(value).flatMap(([key, inner]: [string, any]) => {
    if (key === 'Ref' && typeof inner === 'string') {
      return [inner];
    }
    if (key === 'Fn::GetAtt') {
      return [Array.isArray(inner) ? inner[0] : String(inner).split('.')[0]];
    }
    if (key === 'Fn::Sub') {
      const [text, variables] = Array.isArray(inner) ? inner : [inner, {}];
      const named = [...String(text).matchAll(/\$\{([^}!.]+)[^}]*\}/g)].map((m) => m[1]).filter((id) => !(id in variables));
      return [...named, ...referencedIds(variables)];
    }
    return referencedIds(inner);
  });
}

describe.each(Object.keys(EXAMPLES))('examples/%s', (name) => {
  test('no task runs an image from an ECR repository its own stack creates (it would be empty when the service starts)', () => {
    for (const stack of exampleAssembly(name).stacks) {
      const resources = stack.template.Resources;
      for (const [taskDefinition, resource] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ECS::TaskDefinition')) {
        for (const container of resource.Properties.ContainerDefinitions ?? []) {
          const repositories = referencedIds(container.Image).filter((id) => resources[id]?.Type === 'AWS::ECR::Repository');
          expect({ stack: stack.name, taskDefinition, repositories }).toEqual({ stack: stack.name, taskDefinition, repositories: [] });
        }
      }
    }
  });
});
