import { BlockList, isIP } from 'node:net';

/**
 * Addresses and host names, parsed rather than compared by prefix: "127.evil.example" is a name,
 * not a loopback address. Used by the config (what a bind address means) and by the server (which
 * Host headers it answers).
 */

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

export function isHostName(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => LABEL.test(label)) && !isIP(value);
}

/** An IP address (v4 dotted quad or v6) or a host name: what server.host and allowedHosts accept. */
export function isHostOrAddress(value: string): boolean {
  return isIP(value) !== 0 || isHostName(value);
}

/** 127.0.0.0/8, ::1 (also written in full or IPv4-mapped), or the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const family = isIP(host);
  if (family === 0) return host.toLowerCase() === 'localhost';
  return LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** 0.0.0.0 or ::: the daemon answers on every address of the machine. */
export function isWildcardHost(host: string): boolean {
  const family = isIP(host);
  return family !== 0 && /^[0:.]+$/.test(host);
}

/**
 * The host name of a Host header ("box:8080" -> "box", "[::1]:8080" -> "::1"), lower case; null
 * when the header is not a host with an optional port.
 */
export function hostOfHeader(header: string): string | null {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/i.exec(header.trim());
  if (!m) return null;
  const host = (m[1] ?? m[2] ?? '').toLowerCase();
  if (m[1] !== undefined ? isIP(host) !== 6 : !isHostOrAddress(host)) return null;
  return host;
}
