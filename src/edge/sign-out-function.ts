/**
 * The CloudFront Function on the sign-out path. A load balancer's fixed responses and redirects
 * cannot set cookies, so the load balancer's session cookies (`AWSELBAuthSessionCookie-0..3`;
 * large sessions are split over several) are expired here, at the edge. The browser then goes on
 * to `nextPath`, where the load balancer redirects to Cognito's logout endpoint, which ends the
 * Cognito session and comes back to the app's root, where a new login starts.
 */
export function signOutFunctionCode(nextPath: string): string {
  return [
    'function handler(event) {',
    '  var cookies = {};',
    '  for (var i = 0; i < 4; i++) {',
    "    cookies['AWSELBAuthSessionCookie-' + i] = { value: '', attributes: 'Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure; HttpOnly; SameSite=Lax' };",
    '  }',
    '  return {',
    '    statusCode: 302,',
    "    statusDescription: 'Found',",
    `    headers: { location: { value: ${JSON.stringify(nextPath)} }, 'cache-control': { value: 'no-store' } },`,
    '    cookies: cookies,',
    '  };',
    '}',
  ].join('\n');
}
