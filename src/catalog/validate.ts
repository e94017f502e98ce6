import { z } from 'zod';
import { BenchsightError } from '../errors.ts';
import { textPatternProblem } from '../ocr/text-match.ts';
import { BOARD_KINDS, BOARD_LIMITS, type BoardKind } from '../protocol.ts';

/** A board as stored: trimmed, tags de-duplicated, absent optionals made explicit. */
export interface NormalizedBoard {
  vendor: string;
  model: string;
  kind: BoardKind;
  chipType: string | null;
  chipCount: number | null;
  notes: string;
  tags: string[];
  textPattern: string | null;
}

export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const tag of tags) {
    const t = tag.trim();
    if (t !== '') seen.add(t);
  }
  return [...seen];
}

const L = BOARD_LIMITS;
const atMost = (what: string, n: number) => `${what} must be at most ${n} characters`;
const name = (what: 'vendor' | 'model') =>
  z.string().trim().min(1, `${what} must not be empty`).max(L[what], atMost(what, L[what]));

/**
 * The one definition of a valid board, with the limits of protocol.ts (the dashboard's form checks
 * the same ones): the catalog, the HTTP API and the import manifests all parse boards with it.
 */
export const boardFields = {
  vendor: name('vendor'),
  model: name('model'),
  kind: z.enum(BOARD_KINDS, { error: `kind must be one of ${BOARD_KINDS.join(', ')}` }),
  chipType: z
    .string()
    .trim()
    .max(L.chipType, atMost('chipType', L.chipType))
    .nullish()
    .transform((v) => (v ? v : null)),
  chipCount: z
    .number()
    .int('chipCount must be a whole number')
    .min(0, 'chipCount must be 0 or more')
    .max(L.chipCount, `chipCount must be at most ${L.chipCount}`)
    .nullish()
    .transform((v) => v ?? null),
  notes: z
    .string()
    .max(L.notes, atMost('notes', L.notes))
    .nullish()
    .transform((v) => v ?? ''),
  tags: z
    .array(z.string().max(L.tag, atMost('a tag', L.tag)))
    .max(L.tags, `at most ${L.tags} tags`)
    .nullish()
    .transform((v) => normalizeTags(v ?? [])),
  textPattern: z
    .string()
    .max(L.textPattern, atMost('textPattern', L.textPattern))
    .nullish()
    .transform((v) => (v ? v : null))
    .superRefine((v, ctx) => {
      const problem = v === null ? null : textPatternProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
};

/** A whole board (create, import). */
export const boardSchema = z.object(boardFields).strict();

/** Some of a board's fields (an edit): at least one. */
export const boardPatchSchema = boardSchema
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change: send at least one field' });

/** Zod issues as "path: message" lines. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
}

export function parseBoard(input: unknown): NormalizedBoard {
  const result = boardSchema.safeParse(input);
  if (!result.success) {
    throw new BenchsightError('E_BAD_REQUEST', `invalid board: ${describeIssues(result.error).join('; ')}`, {
      status: 400,
    });
  }
  return result.data;
}

export function badRequest(message: string): BenchsightError {
  return new BenchsightError('E_BAD_REQUEST', message, { status: 400 });
}

export function notFound(message: string): BenchsightError {
  return new BenchsightError('E_NOT_FOUND', message, { status: 404 });
}

const JPEG_MAGIC = [0xff, 0xd8, 0xff];

/** Images are served as image/jpeg; anything else would show as a broken picture. */
export function assertJpeg(bytes: unknown, what: string): asserts bytes is Buffer {
  if (!Buffer.isBuffer(bytes) || bytes.length < 4 || JPEG_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new BenchsightError('E_IMAGE_INVALID', `${what} must be JPEG bytes (starting FF D8 FF)`, {
      status: 400,
    });
  }
}

export function assertPositiveInt(value: unknown, what: string): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    throw badRequest(`${what} must be a positive whole number, got ${String(value)}`);
  }
}

export function assertFinite(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw badRequest(`${what} must be a finite number, got ${String(value)}`);
  }
}

export function assertText(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw badRequest(`${what} must be a non-empty string`);
  }
}
