import type { Statement } from 'better-sqlite3';
import { type PartNumberInfo, TEXT_VERDICTS } from '../protocol.ts';
import type { Database } from './db.ts';
import type { RecognitionText, TextLine, TextVerdict } from './types.ts';
import { assertFinite, badRequest, notFound } from './validate.ts';

interface RecognitionTextRow {
  recognition_id: number;
  lines: string;
  serial: string | null;
  verdict: string;
  vision_board_id: number | null;
  text_board_id: number | null;
  ms: number;
  part_number_facts: string | null;
}

const COLUMNS =
  'recognition_id, lines, serial, verdict, vision_board_id, text_board_id, ms, part_number_facts';
const MAX_LINES = 200;

function toRecognitionText(row: RecognitionTextRow): RecognitionText {
  return {
    recognitionId: row.recognition_id,
    lines: JSON.parse(row.lines) as TextLine[],
    serial: row.serial,
    verdict: row.verdict as TextVerdict,
    visionBoardId: row.vision_board_id,
    textBoardId: row.text_board_id,
    ms: row.ms,
    partNumber: row.part_number_facts ? (JSON.parse(row.part_number_facts) as PartNumberInfo) : null,
  };
}

const PART_CODE = /^[A-Z0-9]{1,39}-?$/;

function checkPartNumber(p: unknown): PartNumberInfo | null {
  if (p === null || p === undefined) return null;
  const v = p as PartNumberInfo;
  if (typeof v !== 'object' || typeof v.code !== 'string' || !PART_CODE.test(v.code))
    throw badRequest('partNumber.code must be 1 to 40 capital letters and digits (a trailing dash allowed)');
  if (typeof v.read !== 'string' || v.read.length > 40) throw badRequest('partNumber.read must be a string');
  if (!Array.isArray(v.models) || v.models.some((m) => typeof m !== 'string'))
    throw badRequest('partNumber.models must be strings');
  return {
    code: v.code,
    read: v.read,
    family: v.family ?? null,
    asicChip: v.asicChip ?? null,
    models: [...v.models],
    chipsPerBoard: v.chipsPerBoard ?? null,
    subRevision: v.subRevision === true,
    source: v.source ?? null,
  };
}

function checkLines(lines: unknown): TextLine[] {
  if (!Array.isArray(lines) || lines.length > MAX_LINES)
    throw badRequest(`lines must be an array of at most ${MAX_LINES}`);
  return lines.map((l: TextLine, i) => {
    if (typeof l?.text !== 'string') throw badRequest(`lines[${i}].text must be a string`);
    assertFinite(l.confidence, `lines[${i}].confidence`);
    if (!Array.isArray(l.box) || l.box.length !== 4 || l.box.some((p) => !Array.isArray(p) || p.length !== 2))
      throw badRequest(`lines[${i}].box must be 4 [x, y] points`);
    for (const [j, v] of l.box.flat().entries()) assertFinite(v, `lines[${i}].box value ${j}`);
    return { text: l.text, confidence: l.confidence, box: l.box.map(([x, y]) => [x, y] as [number, number]) };
  });
}

const isIdOrNull = (v: unknown) => v === null || Number.isSafeInteger(v);

/** OCR results of recognitions (table recognition_text, one row per recognition). */
export class RecognitionTextRepository {
  private readonly upsertRow: Statement<Record<string, unknown>>;
  private readonly correctBoard: Statement<{ id: number; boardId: number }>;
  private readonly recognitionExists: Statement<[number], number>;
  private readonly selectOne: Statement<[number], RecognitionTextRow>;
  private readonly selectMany: Statement<[string], RecognitionTextRow>;

  constructor(db: Database) {
    this.upsertRow = db.prepare(
      `INSERT INTO recognition_text (recognition_id, lines, text, serial, verdict, vision_board_id, text_board_id, ms,
         part_number, part_number_facts)
       VALUES (@recognitionId, @lines, @text, @serial, @verdict, @visionBoardId, @textBoardId, @ms,
         @partNumber, @partNumberFacts)
       ON CONFLICT (recognition_id) DO UPDATE SET lines = excluded.lines, text = excluded.text,
         serial = excluded.serial, verdict = excluded.verdict, vision_board_id = excluded.vision_board_id,
         text_board_id = excluded.text_board_id, ms = excluded.ms, part_number = excluded.part_number,
         part_number_facts = excluded.part_number_facts`,
    );
    this.correctBoard = db.prepare('UPDATE recognitions SET board_id = @boardId WHERE id = @id');
    this.recognitionExists = db.prepare<[number], number>('SELECT 1 FROM recognitions WHERE id = ?').pluck();
    this.selectOne = db.prepare(`SELECT ${COLUMNS} FROM recognition_text WHERE recognition_id = ?`);
    this.selectMany = db.prepare(
      `SELECT ${COLUMNS} FROM recognition_text WHERE recognition_id IN (SELECT value FROM json_each(?))`,
    );
  }

  /**
   * Stores the text of a recognition; a 'corrected' verdict also moves the recognition to the board
   * the text named (the visual match stays in vision_board_id). Run inside a transaction.
   */
  save(t: RecognitionText): void {
    if (!Number.isSafeInteger(t.recognitionId)) throw badRequest('recognitionId must be an integer');
    if (!(TEXT_VERDICTS as readonly string[]).includes(t.verdict))
      throw badRequest(`verdict must be one of ${TEXT_VERDICTS.join(', ')}`);
    if (!isIdOrNull(t.visionBoardId) || !isIdOrNull(t.textBoardId))
      throw badRequest('board ids must be integers or null');
    if (t.verdict === 'corrected' && t.textBoardId === null)
      throw badRequest('a corrected recognition needs the board the text named (textBoardId)');
    if (t.serial !== null && (typeof t.serial !== 'string' || t.serial === '' || t.serial.length > 100))
      throw badRequest('serial must be 1 to 100 characters or null');
    assertFinite(t.ms, 'ms');
    if (!this.recognitionExists.get(t.recognitionId))
      throw notFound(`recognition ${t.recognitionId} does not exist`);
    const lines = checkLines(t.lines);
    const partNumber = checkPartNumber(t.partNumber);
    this.upsertRow.run({
      recognitionId: t.recognitionId,
      lines: JSON.stringify(lines),
      text: lines.map((l) => l.text).join('\n'),
      serial: t.serial,
      verdict: t.verdict,
      visionBoardId: t.visionBoardId,
      textBoardId: t.textBoardId,
      ms: Math.max(0, t.ms),
      partNumber: partNumber?.code ?? null,
      partNumberFacts: partNumber ? JSON.stringify(partNumber) : null,
    });
    if (t.verdict === 'corrected') this.correctBoard.run({ id: t.recognitionId, boardId: t.textBoardId! });
  }

  get(recognitionId: number): RecognitionText | undefined {
    const row = this.selectOne.get(recognitionId);
    return row && toRecognitionText(row);
  }

  /** The texts of these recognitions (those that have one), by recognition id. */
  forRecognitions(ids: readonly number[]): Map<number, RecognitionText> {
    const rows = ids.length === 0 ? [] : this.selectMany.all(JSON.stringify(ids));
    return new Map(rows.map((row) => [row.recognition_id, toRecognitionText(row)]));
  }
}
