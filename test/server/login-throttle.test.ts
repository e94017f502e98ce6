import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/server/login-throttle.ts';

describe('LoginThrottle', () => {
  it('keeps memory bounded under 100,000 distinct failing keys and never forgets a lock', () => {
    const limits = { maxFailures: 5, lockoutMs: 15 * 60_000, maxTracked: 1000, floodPerSecond: 5 };
    const throttle = new LoginThrottle(limits);
    let now = 1_000_000;
    for (let i = 0; i < 5; i++) throttle.fail(['user:boss'], now);
    expect(throttle.admit(['user:boss'], now)?.reason).toBe('locked');
    let admitted = 0;
    let peak = 0;
    for (let i = 0; i < 100_000; i++) {
      now += 2; // 500 attempts a second, for 200 s
      const keys = [`ip:10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, `user:nobody-${i}`];
      if (throttle.admit(keys, now) === null) {
        admitted++;
        throttle.fail(keys, now);
      }
      peak = Math.max(peak, throttle.size);
    }
    // up to the bound at full speed, then the flood rate (5/s over 200 s), plus the one lock
    expect(admitted).toBeLessThan(limits.maxTracked + 5 * 200 + 10);
    expect(peak).toBeLessThanOrEqual(limits.maxTracked + 1);
    expect(throttle.admit(['user:boss'], now)?.reason).toBe('locked');
    // locks end with their time, not before
    expect(throttle.admit(['user:boss'], 1_000_000 + limits.lockoutMs + 1)).toBeNull();
  });
});
