import { recognitionThumbnailPath } from '../protocol.ts';
import type { BoardKind, Recognition, RecognitionText } from './types.ts';

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
  'kind',
  'notes',
  'score',
  'margin',
  'model_id',
  'topk',
  'serial',
  'part_number',
  'label_text',
  'text_verdict',
  'verified',
  'inliers',
  'outline',
  'chips_expected',
  'chips_found',
  'chips_hidden',
  'defects',
  'picture_url',
]);

/** The text read off the board of a history row (OCR), when it has been read. */
type TextRow = Pick<RecognitionText, 'serial' | 'lines' | 'verdict' | 'partNumber'>;

/**
 * One history row as CSV; `board` is the board it names, when it still exists; `origin`
 * (http://host:port) makes the picture's URL one a spreadsheet can open.
 */
export function recognitionCsvLine(
  r: Recognition,
  board?: { vendor: string; model: string; kind: BoardKind; notes: string },
  text?: TextRow,
  origin = '',
): string {
  return csvLine([
    r.id,
    new Date(r.at).toISOString(),
    r.camera,
    r.slot,
    r.boardId ?? 'unknown',
    board?.vendor ?? '',
    board?.model ?? '',
    board?.kind ?? '',
    board?.notes ?? '',
    r.score.toFixed(4),
    r.margin.toFixed(4),
    r.modelId,
    r.topk.map((t) => `${t.boardId}:${t.score.toFixed(3)}`).join(' '),
    text?.serial ?? '',
    text?.partNumber?.code ?? '',
    text?.lines.map((l) => l.text).join(' | ') ?? '',
    text?.verdict ?? '',
    r.inliers === null ? '' : r.verified,
    r.inliers ?? '',
    r.outline?.map(([x, y]) => `${x.toFixed(4)} ${y.toFixed(4)}`).join(';') ?? '',
    r.chipsExpected ?? '',
    r.chipsFound ?? '',
    r.chipsHidden ?? '',
    r.defects?.map((d) => `${d.label} ${d.verdict}`).join('; ') ?? '',
    r.hasThumbnail ? `${origin}${recognitionThumbnailPath(r.id)}` : '',
  ]);
}
