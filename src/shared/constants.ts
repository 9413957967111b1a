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
