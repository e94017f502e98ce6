import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { isLoopbackHost } from '../config/hosts.ts';
import type { Config } from '../config/schema.ts';
import { BenchsightError } from '../errors.ts';

export type Role = 'viewer' | 'admin';

export interface Principal {
  name: string;
  role: Role;
  via: 'session' | 'token' | 'open';
}

const KEY_LENGTH = 64;
export const SESSION_COOKIE = 'bs_session';

/** scrypt$<salt hex>$<key hex>, for auth.users[].passwordHash. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${scryptSync(password, salt, KEY_LENGTH).toString('hex')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, saltHex, keyHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !keyHex) return false;
  const expected = Buffer.from(keyHex, 'hex');
  const actual = scryptSync(password, Buffer.from(saltHex, 'hex'), expected.length);
  return timingSafeEqual(actual, expected);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

interface Failures {
  count: number;
  first: number;
}

/**
 * Users with sessions (dashboard) and API tokens (scripts). Off on a loopback bind unless
 * auth.required; then everyone is an admin, as anyone who can reach 127.0.0.1 owns the box anyway.
 * Failed logins are counted per address and per user name; past the limit, logins are refused
 * for the lockout time without checking the password.
 */
export class Authenticator {
  readonly enabled: boolean;
  readonly #auth: Config['auth'];
  readonly #sessions = new Map<string, { principal: Principal; expires: number }>();
  readonly #failures = new Map<string, Failures>();
  readonly #now: () => number;

  constructor(config: Readonly<Config>, now: () => number = Date.now) {
    this.enabled = config.auth.required || !isLoopbackHost(config.server.host);
    this.#auth = config.auth;
    this.#now = now;
  }

  /** Who sent the request: a session cookie or a bearer token; null when neither is valid. */
  identify(headers: { authorization?: string | undefined; cookie?: string | undefined }): Principal | null {
    if (!this.enabled) return { name: 'local', role: 'admin', via: 'open' };
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    if (bearer) {
      const t = this.#auth.tokens.find((x) => safeEqual(x.token, bearer));
      return t ? { name: t.name, role: t.role, via: 'token' } : null;
    }
    const id = parseCookies(headers.cookie).get(SESSION_COOKIE);
    const session = id ? this.#sessions.get(id) : undefined;
    if (!session) return null;
    if (session.expires < this.#now()) {
      this.#sessions.delete(id!);
      return null;
    }
    return session.principal;
  }

  /** Checks a password; returns a new session id. Throws E_AUTH (401) or E_LOCKED (429). */
  login(
    name: string,
    password: string,
    address: string,
  ): { sessionId: string; principal: Principal; maxAgeS: number } {
    const keys = [`ip:${address}`, `user:${name}`];
    for (const key of keys) {
      const retryS = this.#lockedFor(key);
      if (retryS > 0) {
        throw new BenchsightError(
          'E_LOCKED',
          `too many failed logins; try again in ${Math.ceil(retryS / 60)} min`,
          {
            status: 429,
          },
        );
      }
    }
    const user = this.#auth.users.find((u) => u.name === name);
    // check a hash even for unknown users, so timing does not reveal which names exist
    const ok =
      verifyPassword(password, user?.passwordHash ?? `scrypt$${'0'.repeat(32)}$${'0'.repeat(128)}`) && !!user;
    if (!ok || !user) {
      for (const key of keys) this.#fail(key);
      throw new BenchsightError('E_AUTH', 'wrong user name or password', { status: 401 });
    }
    for (const key of keys) this.#failures.delete(key);
    const sessionId = randomBytes(32).toString('base64url');
    const maxAgeS = Math.round(this.#auth.sessionHours * 3600);
    const principal: Principal = { name: user.name, role: user.role, via: 'session' };
    this.#sessions.set(sessionId, { principal, expires: this.#now() + maxAgeS * 1000 });
    return { sessionId, principal, maxAgeS };
  }

  logout(cookieHeader: string | undefined): void {
    const id = parseCookies(cookieHeader).get(SESSION_COOKIE);
    if (id) this.#sessions.delete(id);
  }

  #lockedFor(key: string): number {
    const f = this.#failures.get(key);
    if (!f) return 0;
    const windowMs = this.#auth.lockoutMinutes * 60_000;
    const age = this.#now() - f.first;
    if (age > windowMs) {
      this.#failures.delete(key);
      return 0;
    }
    return f.count >= this.#auth.maxFailures ? (windowMs - age) / 1000 : 0;
  }

  #fail(key: string): void {
    const f = this.#failures.get(key);
    if (f && this.#now() - f.first <= this.#auth.lockoutMinutes * 60_000) f.count++;
    else this.#failures.set(key, { count: 1, first: this.#now() });
    if (this.#failures.size > 10_000) this.#failures.clear(); // bounded under a flood of addresses
  }
}
