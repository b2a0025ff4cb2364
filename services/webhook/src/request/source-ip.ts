import { BlockList, isIP } from 'node:net';

/** A set of IPv4/IPv6 CIDR ranges (node's BlockList does the prefix matching). */
export interface CidrList {
  contains(ip: string): boolean;
  readonly size: number;
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what dual-stack sockets report) compares as IPv4. */
export function normalizeIp(raw: string): string | undefined {
  const ip = raw.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  const candidate = mapped?.[1] ?? ip;
  return isIP(candidate) === 0 ? undefined : candidate;
}

/** `"203.0.113.0/24, 2001:db8::/32, 198.51.100.7"`; a bare address is a /32 or /128. */
export function parseCidrList(text: string, label: string): CidrList {
  const list = new BlockList();
  let size = 0;
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [addrPart, prefixPart, extra] = entry.split('/');
    const addr = addrPart === undefined ? undefined : normalizeIp(addrPart);
    const family = addr === undefined ? 0 : isIP(addr);
    const maxPrefix = family === 6 ? 128 : 32;
    const prefix = prefixPart === undefined ? maxPrefix : Number(prefixPart);
    if (addr === undefined || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > maxPrefix || (prefixPart !== undefined && !/^\d{1,3}$/.test(prefixPart))) {
      throw new Error(`${label}: "${entry}" is not an IPv4/IPv6 address or CIDR`);
    }
    list.addSubnet(addr, prefix, family === 6 ? 'ipv6' : 'ipv4');
    size++;
  }
  return {
    size,
    contains(ip) {
      const norm = normalizeIp(ip);
      if (norm === undefined) return false;
      return list.check(norm, isIP(norm) === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/**
 * The caller's address from `X-Forwarded-For`, by the rightmost-untrusted rule: the ALB appends
 * the address that connected to it as the LAST entry, and anything to its left was supplied by
 * the client and can be forged. So walk from the right, skip hops that are our own forwarding
 * proxies (e.g. a CDN in front of the ALB; none by default), and take the first address that is
 * not one of them. An unparsable entry at that position yields undefined (treated as untrusted),
 * never a guess further left.
 */
export function sourceIpFromForwardedFor(header: string | undefined, forwardingProxies: CidrList): string | undefined {
  if (!header) return undefined;
  const hops = header.split(',').map((h) => h.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    const ip = hop === undefined ? undefined : normalizeIp(hop);
    if (ip === undefined) return undefined;
    if (!forwardingProxies.contains(ip)) return ip;
  }
  return undefined;
}
