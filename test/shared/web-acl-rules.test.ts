import { isIpv4Cidr, isIpv6Cidr } from '../../src/shared/web-acl-rules';

test.each([
  '203.0.113.0/24', '198.51.100.7/32', '10.0.0.0/8', '0.0.0.0/1',
])('IPv4 range WAF accepts: %s', (cidr) => {
  expect(isIpv4Cidr(cidr)).toBe(true);
  expect(isIpv6Cidr(cidr)).toBe(false);
});

test.each([
  '2001:db8::/32', '2001:db8:1234::/48', '2001:0db8:0000:0000:0000:0000:0000:0001/128', '::1/128', 'fe80::/10', '::ffff:192.0.2.1/128', '2001:db8::1:0:0:1/64',
])('IPv6 range WAF accepts: %s', (cidr) => {
  expect(isIpv6Cidr(cidr)).toBe(true);
  expect(isIpv4Cidr(cidr)).toBe(false);
});

test.each([
  '203.0.113.0/0', '203.0.113.0/33', '256.0.0.0/8', '203.0.113.0', '203.0.113.01/32', '::/0', '2001:db8::/129', '2001:db8:::1/64', '2001:db8::1::2/64',
  '1:2:3:4:5:6:7:8:9/128', '1:2:3:4:5:6:7/128', '2001:db8::g/32', '::ffff:300.0.2.1/128', 'any', '',
])('refused: %p', (cidr) => {
  expect(isIpv4Cidr(cidr) || isIpv6Cidr(cidr)).toBe(false);
});
