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
  'label_text',
  'text_verdict',
]);

interface RecognitionRow {
  id: number;
  at: number;
  camera: string;
  slot: string;
  boardId: number | null;
  score: number;
  margin: number;
  modelId: string;
  topk: { boardId: number; score: number }[];
}

/** The text read off the board of a history row (OCR), when it has been read. */
interface TextRow {
  serial: string | null;
  lines: { text: string }[];
  verdict: string;
}

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
    text?.lines.map((l) => l.text).join(' | ') ?? '',
    text?.verdict ?? '',
  ]);
}
