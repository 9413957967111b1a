import { inCidr } from './waf-evaluator';

// The evaluator decides what the login firewall tests prove, so its address matching is tested too.
describe('inCidr', () => {
  test.each([
    ['203.0.113.5', '203.0.113.0/24', true],
    ['203.0.114.5', '203.0.113.0/24', false],
    ['198.51.100.7', '198.51.100.7/32', true],
    ['198.51.100.8', '198.51.100.7/32', false],
    ['2001:db8:1234::1', '2001:db8:1234::/48', true],
    ['2001:db8:1235::1', '2001:db8:1234::/48', false],
    ['2001:db8::7', '2001:db8::/32', true],
    ['203.0.113.5', '2001:db8::/32', false],
    ['2001:db8::7', '203.0.113.0/24', false],
  ])('%s in %s: %s', (ip, cidr, expected) => {
    expect(inCidr(ip, cidr)).toBe(expected);
  });
});
