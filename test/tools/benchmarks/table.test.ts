import { describe, expect, it } from 'vitest';
import {
  type BenchmarkRow,
  fps,
  mib,
  ms,
  percent,
  ratio,
  renderTable,
} from '../../../tools/benchmarks/table.ts';

const rows: BenchmarkRow[] = [
  {
    section: 'Encode',
    what: 'tiny, 1 slot',
    value: ms(2.345),
    reference: `bare ${ms(2.2)}`,
    ratio: ratio(1.066),
    target: '<= 1.10x',
    verdict: 'met',
  },
  {
    section: 'Memory',
    what: 'RSS',
    value: mib(300 * 2 ** 20),
    reference: '',
    ratio: ratio(1.2),
    target: '<= 1.10x',
    verdict: 'missed',
  },
  {
    section: 'Start-up',
    what: 'restart',
    value: ms(1234.4),
    reference: '',
    ratio: '',
    target: '',
    verdict: 'info',
  },
];

describe('benchmark table', () => {
  it('formats figures with about three significant digits and their unit', () => {
    expect(ms(0.12345)).toBe('0.123 ms');
    expect(ms(2.345)).toBe('2.35 ms');
    expect(ms(71.26)).toBe('71.3 ms');
    expect(ms(1234.4)).toBe('1234 ms');
    expect(ms(Number.NaN)).toBe('n/a');
    expect(ratio(0.5)).toBe('0.50x');
    expect(percent(3.06)).toBe('3.1 %');
    expect(fps(13.96)).toBe('14.0 fps');
    expect(mib(5 * 2 ** 20)).toBe('5 MiB');
  });

  it('renders an aligned markdown table with header lines, verdicts and notes', () => {
    const text = renderTable({ title: 'bench', lines: ['machine X', 'load 0.1'], notes: ['a note'] }, rows);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('## bench');
    expect(lines).toContain('machine X');
    expect(lines).toContain('load 0.1');
    const table = lines.filter((l) => l.startsWith('|'));
    expect(table).toHaveLength(2 + rows.length);
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
    expect(table[1]).toMatch(/^\|-+(\|-+)+\|$/);
    expect(table[2]).toContain('| met ');
    expect(table[3]).toContain('| MISSED ');
    expect(table[4]).toMatch(/\| +\|$/);
    expect(lines.at(-1)).toBe('a note');
  });
});
