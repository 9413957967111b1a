/**
 * IDs of the AWS-managed prefix list `com.amazonaws.global.cloudfront.origin-facing` per region.
 * The list is the same everywhere but its ID differs by region; a table avoids a context lookup
 * (and so keeps synthesis offline and deterministic). Regions missing here need the
 * `cloudFrontPrefixListId` prop. Only IDs that at least two independent published sources agree on
 * are listed. The list weighs 55 rules against the security group's rule quota (60 by default).
 */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LISTS: { readonly [region: string]: string } = {
  'us-east-1': 'pl-3b927c52',
  'us-east-2': 'pl-b6a144df',
  'us-west-1': 'pl-4ea04527',
  'us-west-2': 'pl-82a045eb',
  'ca-central-1': 'pl-38a64351',
  'sa-east-1': 'pl-5da64334',
  'eu-west-1': 'pl-4fa04526',
  'eu-west-2': 'pl-93a247fa',
  'eu-west-3': 'pl-75b1541c',
  'eu-central-1': 'pl-a3a144ca',
  'eu-north-1': 'pl-fab65393',
  'ap-south-1': 'pl-9aa247f3',
  'ap-northeast-1': 'pl-58a04531',
  'ap-northeast-2': 'pl-22a6434b',
  'ap-northeast-3': 'pl-31a14458',
  'ap-southeast-1': 'pl-31a34658',
  'ap-southeast-2': 'pl-b8a742d1',
  'af-south-1': 'pl-c0aa4fa9',
  'ap-east-1': 'pl-14b2577d',
  'eu-south-1': 'pl-1bbc5972',
  'me-south-1': 'pl-17b2577e',
  'eu-central-2': 'pl-00b37293991dbe6a8',
  'il-central-1': 'pl-0dd89524416301988',
  'ap-south-2': 'pl-0a25c3463226fcc61',
};
