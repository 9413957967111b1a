/**
 * Where Amazon Bedrock's cross-region (system-defined) inference profiles route, by the geography
 * prefix of their id (`eu.anthropic.claude-...`): the source regions a profile of that geography can
 * be called from, and the destination regions it may send the request to. The task role needs the
 * foundation model in every destination region (restricted to calls through the profile with the
 * `bedrock:InferenceProfileArn` condition), so a table keeps synthesis offline and the policy exact.
 *
 * Each geography lists the union of the regions its profiles use: one model's profile may route to
 * fewer of them. Granting a destination a profile never uses opens nothing, because the condition
 * only matches calls made through the profile.
 *
 * Sources (read 2026-11-24):
 * - Amazon Bedrock User Guide, "Supported Regions and models for inference profiles":
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 * - Amazon Bedrock User Guide, "Geographic cross-Region inference" (IAM policy requirements):
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/geographic-cross-region-inference.html
 * - Amazon Bedrock User Guide, "Global cross-Region inference" (IAM policy requirements: the
 *   regional profile, the regional foundation model and the foundation-model ARN without a region):
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html
 * - The region lists of `CrossRegionInferenceProfileRegion` in aws-cdk's `@aws-cdk/aws-bedrock-alpha`
 *   (packages/@aws-cdk/aws-bedrock-alpha/bedrock/inference-profiles/cross-region-inference-profile.ts,
 *   aws/aws-cdk commit 01d78ea845e94128cf5c898052156e8668bf134c), which agree with the guide.
 *
 * A region missing here for a geography is refused at synth time with the fix (use another
 * geography, the foundation-model id, or the profile's ARN plus the foundation-model ARNs).
 */
export interface InferenceProfileGeography {
  /** Regions a profile of this geography can be called from (its inference-profile ARN lives there). */
  readonly sourceRegions: readonly string[];
  /** Regions the profile may route to; `undefined` for the global profiles, which route to any commercial region. */
  readonly destinationRegions?: readonly string[];
  /** The partition of every region above. */
  readonly partition: string;
}

const US = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'];
const EU = ['eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3'];
const APAC = [
  'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
  'me-central-1',
];
const JP = ['ap-northeast-1', 'ap-northeast-3'];
const AU = ['ap-southeast-2', 'ap-southeast-4'];
const US_GOV = ['us-gov-east-1', 'us-gov-west-1'];
// Global profiles: callable from the commercial regions where Bedrock offers them (the guide lists
// them per model); any of these may be a source, the destination is any commercial region.
const GLOBAL_SOURCES = [...new Set([...US, ...EU, ...APAC, 'ca-central-1', 'sa-east-1'])].sort();

/** Geography prefix of a system-defined inference profile id -> its regions. */
export const INFERENCE_PROFILE_GEOGRAPHIES: { readonly [prefix: string]: InferenceProfileGeography } = {
  'us': { sourceRegions: US, destinationRegions: US, partition: 'aws' },
  'eu': { sourceRegions: EU, destinationRegions: EU, partition: 'aws' },
  'apac': { sourceRegions: APAC, destinationRegions: APAC, partition: 'aws' },
  'jp': { sourceRegions: JP, destinationRegions: JP, partition: 'aws' },
  'au': { sourceRegions: AU, destinationRegions: AU, partition: 'aws' },
  'us-gov': { sourceRegions: US_GOV, destinationRegions: US_GOV, partition: 'aws-us-gov' },
  'global': { sourceRegions: GLOBAL_SOURCES, partition: 'aws' },
};
