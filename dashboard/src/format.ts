import type { BoardInfo, BoardKind, SlotState } from '../../src/protocol.ts';

export const KIND_LABELS: Record<BoardKind, string> = {
  hashboard: 'Hashboard',
  'control-board': 'Control board',
  psu: 'Power supply',
  'empty-bench': 'Empty bench (reference)',
  other: 'Other',
};

export const STATE_LABELS: Record<SlotState, string> = {
  recognized: 'Recognized',
  unknown: 'Unknown board',
  empty: 'Empty',
  pending: 'Waiting for a stable picture',
};

export const boardName = (b: Pick<BoardInfo, 'vendor' | 'model'>) => `${b.vendor} ${b.model}`;

export const percent = (score: number) => `${(Math.max(0, Math.min(1, score)) * 100).toFixed(1)} %`;

export function chipLine(b: Pick<BoardInfo, 'chipType' | 'chipCount'>): string | null {
  if (b.chipType && b.chipCount) return `${b.chipCount} × ${b.chipType} chips`;
  if (b.chipType) return `${b.chipType} chips`;
  if (b.chipCount) return `${b.chipCount} chips`;
  return null;
}

export const dateTime = (ms: number) =>
  new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export const clock = (ms: number) => new Date(ms).toLocaleTimeString();

export function fixed(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '–';
}
