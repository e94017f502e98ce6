import { describe, expect, it } from 'vitest';
import { configSchema, unitStatusLabels } from '../../src/config/schema.ts';

const problems = (input: unknown) => {
  const r = configSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('config: units', () => {
  it('defaults to a 60-minute visit gap and the statuses under their own names', () => {
    const c = configSchema.parse({});
    expect(c.units.visitGapMinutes).toBe(60);
    expect(unitStatusLabels(c.units)).toEqual({
      received: 'received',
      diagnosing: 'diagnosing',
      repairing: 'repairing',
      testing: 'testing',
      done: 'done',
      returned: 'returned',
    });
  });

  it('renames statuses; refuses unknown statuses, two statuses with one name, and a gap of 0', () => {
    const c = configSchema.parse({ units: { statuses: { testing: 'Burn-in' } } });
    expect(unitStatusLabels(c.units).testing).toBe('Burn-in');
    expect(problems({ units: { statuses: { shipped: 'Shipped' } } }).join()).toMatch(/units\.statuses/);
    expect(problems({ units: { statuses: { testing: 'Done' } } }).join()).toMatch(
      /units\.statuses: two statuses would have the same name/,
    );
    expect(problems({ units: { visitGapMinutes: 0 } }).join()).toMatch(/units\.visitGapMinutes/);
  });
});
