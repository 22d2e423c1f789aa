import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Server-side request forgery guard for URLs that customers give us (webhook endpoints): a URL
 * is refused when its host resolves to any address that is not public (loopback, private,
 * link-local, cloud metadata, multicast, reserved), in IPv4 and IPv6, including IPv4 written
 * inside IPv6 (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16).
 *
 * The check answers the address it checked: the caller connects to exactly that address
 * (`pinnedLookup`), so a DNS answer that changes between the check and the connection (DNS
 * rebinding) cannot lead the request somewhere else.
 */

export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

const v4Blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['169.254.0.0', 16], // link-local, 169.254.169.254 cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments (192.0.0.192 Oracle metadata)
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  v4Blocked.addSubnet(net, prefix, 'ipv4');
const v4Loopback = new BlockList();
v4Loopback.addSubnet('127.0.0.0', 8, 'ipv4');

const v6Blocked = new BlockList();
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['100::', 64], // discard
  ['2001::', 23], // IETF special purpose (Teredo and others)
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (fd00:ec2::254, AWS metadata over IPv6)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  v6Blocked.addSubnet(net, prefix, 'ipv6');

/** The 16 bytes of an IPv6 address (any textual form, with a zone or an embedded dotted IPv4). */
export function ipv6Bytes(address: string): Uint8Array {
  const text = address.split('%')[0]!.toLowerCase();
  let tail: number[] = [];
  let body = text;
  const dotted = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    tail = dotted[2]!.split('.').map(Number);
    body = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const [head, rest] = body.includes('::') ? body.split('::') : [body, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').filter((g) => g !== '') : []);
  const left = groups(head);
  const right = groups(rest);
  const words = 8 - tail.length / 2;
  const middle = rest === undefined ? [] : new Array(words - left.length - right.length).fill('0');
  const all = [...left, ...middle, ...right];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    const n = parseInt(g, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  });
  tail.forEach((b, i) => (bytes[12 + i] = b));
  return bytes;
}

/** The IPv4 address an IPv6 address carries, when it carries one in a form that reaches it. */
function embeddedIpv4(bytes: Uint8Array): string | null {
  const zero = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  const v4 = (at: number) => `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible)
  if (zero(0, 10) && ((bytes[10] === 0xff && bytes[11] === 0xff) || (bytes[10] === 0 && bytes[11] === 0)))
    return v4(12);
  // 64:ff9b::a.b.c.d (NAT64)
  if (bytes[0] === 0 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zero(4, 12)) return v4(12);
  // 2002:aabb:ccdd::/48 (6to4)
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return v4(2);
  return null;
}

export interface AddressPolicy {
  /** Loopback (127.0.0.0/8, ::1) is let through: development and tests with local receivers. */
  allowLoopback: boolean;
}

/** Why `address` may not be connected to, or null when it may. */
export function addressProblem(address: string, policy: AddressPolicy): string | null {
  const family = isIP(address);
  if (family === 4) {
    if (v4Loopback.check(address, 'ipv4')) return policy.allowLoopback ? null : 'a loopback address';
    return v4Blocked.check(address, 'ipv4') ? 'a private, link-local or reserved address' : null;
  }
  if (family === 6) {
    const bytes = ipv6Bytes(address);
    const inner = embeddedIpv4(bytes);
    // ::1 is loopback; :: (and ::0.0.0.0 ...) is "this host" through the compatible form.
    if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1)
      return policy.allowLoopback ? null : 'a loopback address';
    if (inner) return addressProblem(inner, policy);
    const canonical = Array.from({ length: 8 }, (_, i) => ((bytes[i * 2]! << 8) | bytes[i * 2 + 1]!).toString(16)).join(
      ':',
    );
    return v6Blocked.check(canonical, 'ipv6') ? 'a private, link-local or reserved address' : null;
  }
  return 'not an IP address';
}

export interface CheckedUrl {
  url: URL;
  /** The address the request must connect to (the one checked). */
  address: string;
  family: 4 | 6;
}

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;
const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Parses and checks `raw`: http(s) only, no credentials in it, and every address its host
 * resolves to allowed (one bad answer refuses the URL: a round-robin name cannot smuggle one in).
 * Throws UnsafeUrlError with the reason.
 */
export async function checkUrl(
  raw: string,
  policy: AddressPolicy,
  resolve: Resolver = systemResolver,
): Promise<CheckedUrl> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError('not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UnsafeUrlError('only http and https URLs');
  if (url.username || url.password) throw new UnsafeUrlError('credentials in the URL are not accepted');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let answers: { address: string; family: number }[];
  if (isIP(host)) answers = [{ address: host, family: isIP(host) }];
  else {
    try {
      answers = await resolve(host);
    } catch {
      throw new UnsafeUrlError(`${host} does not resolve`);
    }
  }
  if (answers.length === 0) throw new UnsafeUrlError(`${host} does not resolve`);
  for (const answer of answers) {
    const problem = addressProblem(answer.address, policy);
    if (problem) throw new UnsafeUrlError(`${host} resolves to ${problem}`);
  }
  const first = answers[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** A `lookup` for http(s).request that answers only the checked address (no second DNS query). */
export function pinnedLookup(checked: CheckedUrl) {
  return (
    _host: string,
    options: { all?: boolean } | number | undefined,
    callback: (error: Error | null, address: string | { address: string; family: number }[], family?: number) => void,
  ) => {
    if (typeof options === 'object' && options?.all)
      callback(null, [{ address: checked.address, family: checked.family }]);
    else callback(null, checked.address, checked.family);
  };
}
