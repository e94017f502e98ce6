import type { Recognition, RecognitionText } from './types.ts';

/** RFC 4180 field quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run it. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s) && typeof value === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export const RECOGNITION_CSV_HEADER = csvLine([
  'id',
  'time',
  'camera',
  'slot',
  'board_id',
  'vendor',
  'model',
  'score',
  'margin',
  'model_id',
  'topk',
  'serial',
  'part_number',
  'label_text',
  'text_verdict',
]);

type RecognitionRow = Omit<Recognition, 'hasThumbnail'>;

/** The text read off the board of a history row (OCR), when it has been read. */
type TextRow = Pick<RecognitionText, 'serial' | 'lines' | 'verdict' | 'partNumber'>;

/** One history row as CSV; `board` is the board it names, when it still exists. */
export function recognitionCsvLine(
  r: RecognitionRow,
  board?: { vendor: string; model: string },
  text?: TextRow,
): string {
  return csvLine([
    r.id,
    new Date(r.at).toISOString(),
    r.camera,
    r.slot,
    r.boardId ?? 'unknown',
    board?.vendor ?? '',
    board?.model ?? '',
    r.score.toFixed(4),
    r.margin.toFixed(4),
    r.modelId,
    r.topk.map((t) => `${t.boardId}:${t.score.toFixed(3)}`).join(' '),
    text?.serial ?? '',
    text?.partNumber?.code ?? '',
    text?.lines.map((l) => l.text).join(' | ') ?? '',
    text?.verdict ?? '',
  ]);
}
