import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isLoopbackHost } from '../config/hosts.ts';
import type { Config } from '../config/schema.ts';
import { BenchsightError } from '../errors.ts';
import { LoginThrottle } from './login-throttle.ts';
import { PasswordChecker } from './password.ts';

export { hashPassword } from './password.ts';

export type Role = 'viewer' | 'admin';

export interface Principal {
  name: string;
  role: Role;
  via: 'session' | 'token' | 'open';
}

export const SESSION_COOKIE = 'bs_session';
/** Checked for unknown user names, so timing does not reveal which names exist. */
const DUMMY_HASH = `scrypt$${'0'.repeat(32)}$${'0'.repeat(128)}`;

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

type Headers = { authorization?: string | undefined; cookie?: string | undefined };

/**
 * Users with sessions (dashboard) and API tokens (scripts). Off on a loopback bind unless
 * auth.required; then everyone is an admin, as anyone who can reach 127.0.0.1 owns the box anyway.
 * Failed logins are counted per address and per user name (LoginThrottle); a locked key is refused
 * without checking the password. Sessions end at logout or expiry, and whoever holds a connection
 * for one (socket.io) is told through onSessionEnd.
 */
export class Authenticator {
  readonly enabled: boolean;
  readonly #auth: Config['auth'];
  readonly #sessions = new Map<string, { principal: Principal; expires: number }>();
  readonly #throttle: LoginThrottle;
  readonly #passwords = new PasswordChecker();
  readonly #ended = new Set<(sessionId: string) => void>();
  readonly #now: () => number;
  #sweep: NodeJS.Timeout | null = null;

  constructor(config: Readonly<Config>, now: () => number = Date.now) {
    this.enabled = config.auth.required || !isLoopbackHost(config.server.host);
    this.#auth = config.auth;
    this.#now = now;
    this.#throttle = new LoginThrottle({
      maxFailures: config.auth.maxFailures,
      lockoutMs: config.auth.lockoutMinutes * 60_000,
      maxTracked: config.auth.maxTrackedLogins,
      floodPerSecond: config.auth.floodLoginsPerSecond,
    });
  }

  /** Ends expired sessions on time (a quarter of the session length, at most a minute, late). */
  start(): void {
    const sessionMs = this.#auth.sessionHours * 3_600_000;
    this.#sweep = setInterval(() => this.#expire(), Math.max(250, Math.min(60_000, sessionMs / 4)));
    this.#sweep.unref();
  }

  stop(): void {
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = null;
  }

  /** Calls `listener` with the id of every session that ends (logout, expiry); returns an unsubscribe. */
  onSessionEnd(listener: (sessionId: string) => void): () => void {
    this.#ended.add(listener);
    return () => this.#ended.delete(listener);
  }

  /** Who sent the request: a session cookie or a bearer token; null when neither is valid. */
  identify(headers: Headers): Principal | null {
    if (!this.enabled) return { name: 'local', role: 'admin', via: 'open' };
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    if (bearer) {
      const t = this.#auth.tokens.find((x) => safeEqual(x.token, bearer));
      return t ? { name: t.name, role: t.role, via: 'token' } : null;
    }
    const id = this.sessionId(headers);
    return id ? this.#sessions.get(id)!.principal : null;
  }

  /** The id of the live session the request's cookie names, else null. */
  sessionId(headers: Headers): string | null {
    const id = parseCookies(headers.cookie).get(SESSION_COOKIE);
    const session = id ? this.#sessions.get(id) : undefined;
    if (!id || !session) return null;
    if (session.expires < this.#now()) {
      this.#end(id);
      return null;
    }
    return id;
  }

  /** Checks a password; returns a new session id. Throws E_AUTH (401) or E_LOCKED (429). */
  async login(
    name: string,
    password: string,
    address: string,
  ): Promise<{ sessionId: string; principal: Principal; maxAgeS: number }> {
    const keys = [`ip:${address}`, `user:${name}`];
    const refusal = this.#throttle.admit(keys, this.#now());
    if (refusal) {
      const wait =
        refusal.retryMs >= 60_000
          ? `${Math.ceil(refusal.retryMs / 60_000)} min`
          : `${Math.ceil(refusal.retryMs / 1000)} s`;
      throw new BenchsightError(
        'E_LOCKED',
        refusal.reason === 'locked'
          ? `too many failed logins; try again in ${wait}`
          : `the daemon is receiving too many login attempts; try again in ${wait}`,
        { status: 429 },
      );
    }
    const user = this.#auth.users.find((u) => u.name === name);
    const ok = (await this.#passwords.verify(password, user?.passwordHash ?? DUMMY_HASH)) && !!user;
    if (!ok || !user) {
      this.#throttle.fail(keys, this.#now());
      throw new BenchsightError('E_AUTH', 'wrong user name or password', { status: 401 });
    }
    this.#throttle.succeed(keys);
    const sessionId = randomBytes(32).toString('base64url');
    const maxAgeS = Math.round(this.#auth.sessionHours * 3600);
    const principal: Principal = { name: user.name, role: user.role, via: 'session' };
    this.#sessions.set(sessionId, { principal, expires: this.#now() + this.#auth.sessionHours * 3_600_000 });
    return { sessionId, principal, maxAgeS };
  }

  logout(cookieHeader: string | undefined): void {
    const id = parseCookies(cookieHeader).get(SESSION_COOKIE);
    if (id && this.#sessions.has(id)) this.#end(id);
  }

  #expire(): void {
    const now = this.#now();
    for (const [id, s] of this.#sessions) if (s.expires < now) this.#end(id);
  }

  #end(id: string): void {
    this.#sessions.delete(id);
    for (const listener of this.#ended) listener(id);
  }
}
