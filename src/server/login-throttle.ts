export interface LoginThrottleLimits {
  /** Failures of one key (an address, a user name) that lock it. */
  maxFailures: number;
  /** How long a key stays locked, and how long its failures are counted. */
  lockoutMs: number;
  /** Keys (counting or locked) held before a flood is assumed. */
  maxTracked: number;
  /** During a flood: login attempts a second, for everyone together. */
  floodPerSecond: number;
}

interface Counter {
  count: number;
  first: number;
}

/** Why an attempt is refused before its password is checked, and for how long. */
export type Refusal = { reason: 'locked' | 'flood'; retryMs: number };

/**
 * Failed logins, per key. A key that reaches maxFailures is locked for lockoutMs, and a lock is
 * only ever lifted by time: no amount of other traffic evicts it. Keys that are still counting
 * live in a least-recently-used map; once counting and locked keys together reach maxTracked (a
 * flood of new addresses and names), the oldest counting keys make room and every attempt, from
 * anyone, draws from one bucket of floodPerSecond tokens. A flood then slows logins down instead
 * of resetting what was counted, and memory stays bounded: at most maxTracked counting keys, plus
 * the locks the (rate-limited) attempts of one lockout period can create.
 */
export class LoginThrottle {
  readonly #limits: LoginThrottleLimits;
  readonly #counting = new Map<string, Counter>();
  readonly #locked = new Map<string, number>();
  #tokens: number;
  #refilled = 0;
  #swept = 0;

  constructor(limits: LoginThrottleLimits) {
    this.#limits = limits;
    this.#tokens = limits.floodPerSecond;
  }

  /** Keys held (counting + locked): bounded, see the class comment. */
  get size(): number {
    return this.#counting.size + this.#locked.size;
  }

  /** null when an attempt for these keys may go ahead (it then takes a flood token if one is needed). */
  admit(keys: readonly string[], now: number): Refusal | null {
    for (const key of keys) {
      const until = this.#locked.get(key);
      if (until === undefined) continue;
      if (until > now) return { reason: 'locked', retryMs: until - now };
      this.#locked.delete(key);
    }
    if (this.size < this.#limits.maxTracked) return null;
    this.#sweep(now);
    if (this.size < this.#limits.maxTracked) return null;
    const rate = this.#limits.floodPerSecond;
    this.#tokens = Math.min(rate, this.#tokens + ((now - this.#refilled) / 1000) * rate);
    this.#refilled = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return null;
    }
    return { reason: 'flood', retryMs: Math.ceil(((1 - this.#tokens) / rate) * 1000) };
  }

  fail(keys: readonly string[], now: number): void {
    for (const key of keys) {
      const c = this.#counting.get(key);
      this.#counting.delete(key); // re-inserted last: the map's order is least recently used first
      const counter = c && now - c.first <= this.#limits.lockoutMs ? c : { count: 0, first: now };
      counter.count++;
      if (counter.count >= this.#limits.maxFailures) {
        this.#locked.set(key, now + this.#limits.lockoutMs);
        continue;
      }
      this.#counting.set(key, counter);
      while (this.size > this.#limits.maxTracked && this.#counting.size > 0) {
        const oldest = this.#counting.keys().next().value as string;
        this.#counting.delete(oldest);
      }
    }
  }

  succeed(keys: readonly string[]): void {
    for (const key of keys) this.#counting.delete(key);
  }

  /** Drops expired locks and counters whose window has passed (at most once a second: it walks every key). */
  #sweep(now: number): void {
    if (now - this.#swept < 1000) return;
    this.#swept = now;
    for (const [key, until] of this.#locked) if (until <= now) this.#locked.delete(key);
    for (const [key, c] of this.#counting)
      if (now - c.first > this.#limits.lockoutMs) this.#counting.delete(key);
  }
}
