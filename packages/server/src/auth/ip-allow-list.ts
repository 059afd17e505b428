import { BlockList, isIP } from 'node:net';

/** `allowed_ips` entries: IPv4/IPv6 addresses, or CIDR ranges of either family. */
export function isValidAllowedIp(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is the IPv4 address `10.0.0.1`. */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1] : ip;
}

export function buildAllowList(entries: readonly string[]): BlockList | null {
  if (entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    const normalized = normalizeIp(address);
    const normalizedFamily = isIP(normalized) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(normalized, normalizedFamily);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

export function ipAllowed(list: BlockList | null, ip: string): boolean {
  if (!list) return true;
  const normalized = normalizeIp(ip);
  return list.check(normalized, isIP(normalized) === 6 ? 'ipv6' : 'ipv4');
}
