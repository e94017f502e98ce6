import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { BenchsightError } from '../errors.ts';

const KEY_LENGTH = 64;

/** scrypt$<salt hex>$<key hex>, for auth.users[].passwordHash. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${scryptSync(password, salt, KEY_LENGTH).toString('hex')}`;
}

function scryptAsync(password: string, salt: Buffer, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Password checks run on libuv's thread pool (crypto.scrypt), never on the main thread: each one
 * costs about 50 ms of CPU and 16 MB. At most two run at once, so a login flood leaves the pool's
 * other threads to file I/O and the event loop free; a few more wait their turn, the rest are
 * refused.
 */
export class PasswordChecker {
  readonly #parallel: number;
  readonly #maxWaiting: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(parallel = 2, maxWaiting = 64) {
    this.#parallel = parallel;
    this.#maxWaiting = maxWaiting;
  }

  /** Whether `password` matches a hash from hashPassword; false for a malformed hash. */
  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, saltHex, keyHex] = stored.split('$');
    if (scheme !== 'scrypt' || !saltHex || !keyHex) return false;
    const expected = Buffer.from(keyHex, 'hex');
    await this.#acquire();
    try {
      const actual = await scryptAsync(password, Buffer.from(saltHex, 'hex'), expected.length);
      return timingSafeEqual(actual, expected);
    } finally {
      this.#release();
    }
  }

  async #acquire(): Promise<void> {
    if (this.#running < this.#parallel) {
      this.#running++;
      return;
    }
    if (this.#waiting.length >= this.#maxWaiting) {
      throw new BenchsightError('E_LOCKED', 'too many logins at once; try again in a few seconds', {
        status: 429,
      });
    }
    // the slot is handed over by #release, so #running stays counted
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#running--;
  }
}
