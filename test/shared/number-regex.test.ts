import { greaterThanRegex } from '../../src/shared/number-regex';

test.each([1, 9, 10, 99, 100, 1000, 10485760, 209715200])('greaterThanRegex(%i) matches exactly the integers above it', (n) => {
  const re = new RegExp(greaterThanRegex(n));
  const probes = [0, 1, n - 1, n, n + 1, n + 9, n * 10, n * 10 + 7, Number('9'.repeat(String(n).length)), 10 ** String(n).length];
  for (const p of probes.filter((x) => x >= 0)) {
    expect([p, re.test(String(p))]).toEqual([p, p > n]);
  }
  expect(re.test(`00${n + 1}`)).toBe(true);
  expect(re.test('')).toBe(false);
  expect(re.test('12a')).toBe(false);
  expect(greaterThanRegex(n).length).toBeLessThan(512); // WAF's limit for a regex
});
