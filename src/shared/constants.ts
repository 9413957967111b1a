// The names and defaults more than one part uses, in one place, so that a part built alone and
// the same part inside SecureContainerChatbot agree.

/** The header CloudFront adds to every origin request and the load balancer checks first. */
export const ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';

/** Tasks the service runs, and the autoscaling minimum, without `desiredCount`. */
export const DEFAULT_DESIRED_COUNT = 2;

/** The sign-out path of the app (`SIGNOUT_PATH`), without `signOutPath`. */
export const DEFAULT_SIGN_OUT_PATH = '/signout';

/** The path on which the load balancer sends users on to the login's own logout endpoint. */
export function cognitoLogoutPath(signOutPath: string = DEFAULT_SIGN_OUT_PATH): string {
  return `${signOutPath}/cognito`;
}

/** The DNS name CloudFront reaches an internet-facing load balancer by, without `originDomainName`. */
export function defaultOriginDomainName(domainName: string): string {
  return `origin.${domainName}`;
}

/** The DNS name of the backend's internal load balancer. */
export function backendDomainName(domainName: string): string {
  return `backend.${domainName}`;
}

/**
 * The Bedrock variables the service sets in the container, and the prop each comes from (the
 * service and SecureContainerChatbot name these props alike); a variable of the user's by the
 * same name is refused while its prop is set.
 */
export const BEDROCK_VARIABLES: ReadonlyArray<readonly [string, 'bedrockModels' | 'bedrockGuardrail']> = [
  ['BEDROCK_MODEL_ID', 'bedrockModels'],
  ['BEDROCK_ALLOWED_MODELS', 'bedrockModels'],
  ['BEDROCK_GUARDRAIL_ID', 'bedrockGuardrail'],
  ['BEDROCK_GUARDRAIL_VERSION', 'bedrockGuardrail'],
];

/** Whether the prop a Bedrock variable comes from is set: a model listed, or a guardrail given. */
export function setsBedrockVariable(props: { readonly bedrockModels?: string[]; readonly bedrockGuardrail?: unknown }, prop: 'bedrockModels' | 'bedrockGuardrail'): boolean {
  return prop === 'bedrockModels' ? (props.bedrockModels ?? []).length > 0 : props.bedrockGuardrail !== undefined;
}

/**
 * Regions where CloudFront's standard logging (legacy) cannot deliver to an S3 bucket, from the
 * AWSConfigRemediation-EnableCloudFrontAccessLogs runbook ("Buckets in the af-south-1, ap-east-1,
 * eu-south-1, and me-south-1 AWS Regions are not supported"). A distribution outside us-east-1
 * logs to such a bucket, so it cannot live in these regions.
 */
export const NO_LEGACY_LOG_BUCKET_REGIONS: readonly string[] = ['af-south-1', 'ap-east-1', 'eu-south-1', 'me-south-1'];
