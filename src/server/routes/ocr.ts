import type { FastifyInstance } from 'fastify';
import type { RecognitionText } from '../../catalog/types.ts';
import { WHOLE_FRAME } from '../../config/schema.ts';
import { errorMessage } from '../../errors.ts';
import { partNumberConflict } from '../../hardware/part-number.ts';
import type { OcrStep } from '../../pipeline/ocr-step.ts';
import type { BoardInfo } from '../../protocol.ts';
import type { RawImage } from '../../vision/image.ts';
import { access } from '../access.ts';
import type { ServerContext } from '../context.ts';

/** A history row's text as the API shows it. */
export function textJson(t: RecognitionText) {
  return {
    lines: t.lines,
    serial: t.serial,
    partNumber: t.partNumber,
    verdict: t.verdict,
    textOverride: t.verdict === 'corrected',
    visionBoardId: t.visionBoardId,
    textBoardId: t.textBoardId,
    ms: t.ms,
  };
}

/** The text read off the boards on the bench now (the same payloads as the socket's `ocr` events). */
export function ocrRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/ocr', access('viewer'), async () => ({
    enabled: ctx.config.ocr.enabled,
    slots: ctx.ocr ? ctx.benches.slotTexts() : [],
  }));
}

/**
 * The text of an uploaded image (POST /api/recognize) and its verdict on the visual match: `board`
 * is the board the recognition would name after the text was read. An OCR failure is reported in
 * `error`; the visual result stands.
 */
export async function readUpload(
  ocr: OcrStep,
  raw: RawImage,
  visionBoardId: number | null,
  board: (id: number | null) => BoardInfo | null,
) {
  try {
    const r = await ocr.read(raw, WHOLE_FRAME, visionBoardId);
    const named = board(r.decision.boardId);
    return {
      lines: r.lines,
      serial: r.serial,
      partNumber: r.partNumber,
      partNumberConflict: partNumberConflict(named, r.partNumber),
      verdict: r.decision.verdict,
      textOverride: r.decision.verdict === 'corrected',
      board: named,
      textBoard: board(r.decision.textBoardId),
      ms: r.ms,
      error: null,
    };
  } catch (err) {
    return {
      lines: [],
      serial: null,
      partNumber: null,
      partNumberConflict: false,
      verdict: 'none' as const,
      textOverride: false,
      board: board(visionBoardId),
      textBoard: null,
      ms: 0,
      error: errorMessage(err),
    };
  }
}
