import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { hostOfHeader, isLoopbackHost, isWildcardHost } from '../config/hosts.ts';
import type { Config } from '../config/schema.ts';

/** Same origin when the Origin header names the host the request was sent to. */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (!origin) return true;
  try {
    if (new URL(origin).host === host) return true;
  } catch {
    return false;
  }
  return allowed.includes(origin);
}

/**
 * Which Host headers the daemon answers. A page on evil.example whose DNS name is re-pointed at
 * 127.0.0.1 (DNS rebinding) is same-origin with the daemon as far as the browser knows; only the
 * Host header, which still says evil.example, gives it away. Accepted: localhost and the loopback
 * addresses, server.host, server.allowedHosts, and, on a wildcard bind (0.0.0.0, ::), the machine's
 * own name and any IP address: a browser that sends an address as Host resolved no name, so
 * nothing was rebound (and behind NAT or port forwarding the daemon cannot know all its addresses).
 */
export function hostChecker(server: Readonly<Config['server']>): (header: string | undefined) => boolean {
  const names = new Set([server.host.toLowerCase(), ...server.allowedHosts]);
  const wildcard = isWildcardHost(server.host);
  if (wildcard) {
    const own = hostname().toLowerCase();
    names.add(own).add(`${own}.local`);
  }
  return (header) => {
    // HTTP/1.0 without Host: not a browser, so not a rebinding attempt (HTTP/1.1 requires one).
    if (header === undefined) return true;
    const host = hostOfHeader(header);
    if (host === null) return false;
    return isLoopbackHost(host) || names.has(host) || (wildcard && isIP(host) !== 0);
  };
}
