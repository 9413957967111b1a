/** An IPv4 CIDR block as numbers: first address and size. */
export interface Ipv4Block {
  readonly start: number;
  readonly size: number;
}

/** Parses `a.b.c.d/n`; undefined when malformed or when the address has bits beyond the mask. */
export function parseCidr(cidr: string): Ipv4Block | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) {
    return undefined;
  }
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) {
    return undefined;
  }
  const start = octets[0] * 2 ** 24 + octets[1] * 2 ** 16 + octets[2] * 2 ** 8 + octets[3];
  const size = 2 ** (32 - prefix);
  return start % size === 0 ? { start, size } : undefined;
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;
}

/** True when the two blocks share an address. */
export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.start < b.start + b.size && b.start < a.start + a.size;
}

const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr(c)!);

/** The RFC 1918 range holding the block, or undefined for publicly routable space. */
export function privateRangeOf(block: Ipv4Block): Ipv4Block | undefined {
  return RFC1918.find((range) => contains(range, block));
}

/** The prefix length of a block: 24 for a /24. */
export function prefixLength(block: Ipv4Block): number {
  return 32 - Math.log2(block.size);
}

/** AWS accepts VPC CIDR blocks and subnets from /16 to /28 (Amazon VPC user guide, "VPC CIDR blocks"). */
export const MIN_PREFIX = 16;
/** See `MIN_PREFIX`. */
export const MAX_PREFIX = 28;

/**
 * Whether subnets of the given prefix lengths, allocated one after another in this order, each
 * aligned to its own size (as aws-cdk-lib's `IpAddresses.cidr` does), fit in `block`.
 */
export function fitsInOrder(block: Ipv4Block, prefixes: number[]): boolean {
  let next = block.start;
  for (const prefix of prefixes) {
    const size = 2 ** (32 - prefix);
    next = Math.ceil(next / size) * size + size;
  }
  return next <= block.start + block.size;
}
