/** The benchmark's one table: every figure beside its reference from the same run. */

/** met / missed: against the target; info: a figure without a target. Printed, never asserted. */
export type Verdict = 'met' | 'missed' | 'info' | 'skipped';

export interface BenchmarkRow {
  section: string;
  what: string;
  /** benchsight's figure. */
  value: string;
  /** What it is compared with, measured in the same run. */
  reference: string;
  ratio: string;
  target: string;
  verdict: Verdict;
}

export interface TableHeader {
  title: string;
  /** Lines printed above the table (date, machine, load average...). */
  lines: string[];
  /** Lines printed below it. */
  notes: string[];
}

const COLUMNS = ['section', 'what', 'benchsight', 'reference (same run)', 'ratio', 'target', 'verdict'];

function verdictText(v: Verdict): string {
  return v === 'missed' ? 'MISSED' : v === 'info' ? '' : v;
}

/** Milliseconds with about three significant digits. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const digits = value < 1 ? 3 : value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${value.toFixed(digits)} ms`;
}

export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
}

export function percent(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(1)} %` : 'n/a';
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export function fps(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(1)} fps` : 'n/a';
}

/** A markdown table with padded columns, readable in a terminal and in the README alike. */
export function renderTable(header: TableHeader, rows: readonly BenchmarkRow[]): string {
  const cells = rows.map((r) => [
    r.section,
    r.what,
    r.value,
    r.reference,
    r.ratio,
    r.target,
    verdictText(r.verdict),
  ]);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [`## ${header.title}`, '', ...header.lines, ''];
  out.push(line(COLUMNS), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of cells) out.push(line(row));
  if (header.notes.length > 0) out.push('', ...header.notes);
  return `${out.join('\n')}\n`;
}
