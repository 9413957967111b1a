/** The header CloudFront adds to every origin request and the load balancer checks first. */
export const ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';
