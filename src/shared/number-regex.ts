/**
 * A regular expression matching the decimal integers greater than `n` (leading zeros allowed):
 * WAF compares header values as text, so "Content-Length above n" is written as a pattern.
 */
export function greaterThanRegex(n: number): string {
  const digits = String(Math.floor(n));
  const alternatives = [`[1-9][0-9]{${digits.length},}`];
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i]);
    if (d < 9) {
      const rest = digits.length - i - 1;
      alternatives.push(`${digits.slice(0, i)}[${d + 1}-9]${rest > 0 ? `[0-9]{${rest}}` : ''}`);
    }
  }
  return `^0*(${alternatives.join('|')})$`;
}
