import * as path from 'path';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { ChatbotImage, ChatbotImageAssetOptions } from '../src';

/**
 * What another app may change when it builds an example: the integration tests under test/integ
 * build every example with `removalPolicy: DESTROY`, their own stack names, and the tester's
 * hosted zone and domain. Each example, built with none of these, synthesizes exactly as its own
 * app does.
 */
export interface ExampleOptions {
  /**
   * The physical name of the example's main stack (its us-east-1 companion is named from it).
   * @default the stack's construct id, as in the example's own app
   */
  readonly stackName?: string;

  /**
   * `removalPolicy` of the chatbot.
   * @default the library's default, RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The chat app's image.
   * @default the reference app, examples/app, built as an image asset at deploy
   */
  readonly image?: ecs.ContainerImage;

  /**
   * The public domain name of the chatbot.
   * @default the example's own name under example.com
   */
  readonly domainName?: string;

  /**
   * The Route 53 public hosted zone that holds `domainName`.
   * @default `EXAMPLE_HOSTED_ZONE`, a placeholder
   */
  readonly hostedZone?: ExampleHostedZone;
}

/** A Route 53 public hosted zone, by id and name. */
export interface ExampleHostedZone {
  readonly hostedZoneId: string;
  readonly zoneName: string;
}

/** The placeholder zone the examples synthesize with. */
export const EXAMPLE_HOSTED_ZONE: ExampleHostedZone = {
  hostedZoneId: 'Z0123456789EXAMPLE',
  zoneName: 'example.com',
};

/** The example's hosted zone, imported into `scope` as `Zone`. */
export function exampleHostedZone(scope: Construct, options: ExampleOptions): route53.IHostedZone {
  return route53.HostedZone.fromHostedZoneAttributes(scope, 'Zone', options.hostedZone ?? EXAMPLE_HOSTED_ZONE);
}

/** The example's domain: `options.domainName`, or `label` under the example's zone. */
export function exampleDomainName(label: string, options: ExampleOptions): string {
  return options.domainName ?? `${label}.${(options.hostedZone ?? EXAMPLE_HOSTED_ZONE).zoneName}`;
}

/** The example's image: `options.image`, or the reference app under examples/app built as an asset. */
export function exampleImage(options: ExampleOptions, assetOptions: ChatbotImageAssetOptions = {}): ecs.ContainerImage {
  return options.image ?? ChatbotImage.fromAsset(path.join(__dirname, 'app'), assetOptions);
}
