import type { BoardInfo } from '../../src/protocol.ts';
import type { Translator } from './i18n/translator.ts';

/** A board's name as entered: vendor and model, never translated. */
export const boardName = (b: Pick<BoardInfo, 'vendor' | 'model'>) => `${b.vendor} ${b.model}`;

export function chipLine(t: Translator, b: Pick<BoardInfo, 'chipType' | 'chipCount'>): string | null {
  if (b.chipType && b.chipCount) return t.t('chips.typeAndCount', { count: b.chipCount, type: b.chipType });
  if (b.chipType) return t.t('chips.type', { type: b.chipType });
  if (b.chipCount) return t.t('chips.count', { count: b.chipCount });
  return null;
}

/** A day as 2026-10-02 (the browser's time zone): the same in every language. */
export function isoDay(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}
