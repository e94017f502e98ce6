import { z } from 'zod';
import { BenchsightError } from '../errors.ts';
import type { RecognitionFilter } from './types.ts';
import { describeIssues } from './validate.ts';

const timeParam = z.union([
  z.coerce.number().int().min(0).max(8.64e15),
  z.string().transform((s, ctx) => {
    const t = Date.parse(s);
    if (Number.isNaN(t)) {
      ctx.addIssue({ code: 'custom', message: 'expected ms since the epoch or an ISO 8601 date' });
      return z.NEVER;
    }
    return t;
  }),
]);

/**
 * The history filters as users write them (API query parameters, CLI flags): `board` is an id or
 * "unknown", times are ms or ISO 8601. The HTTP routes extend it with paging; the CLI parses its
 * flags with it.
 */
export const recognitionFilterParams = z.object({
  board: z.union([z.literal('unknown'), z.coerce.number().int().positive()]).optional(),
  camera: z.string().max(40).optional(),
  slot: z.string().max(40).optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  /** the serial read off the board, exactly (ignoring case) */
  serial: z.string().trim().min(1).max(100).optional(),
  /** text read off the board (or its serial) contains this, ignoring case */
  text: z.string().trim().min(1).max(200).optional(),
  /** the hashboard part number read off the board starts with this, ignoring case ("BHB426") */
  part: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[A-Za-z0-9]+-?$/, 'expected letters and digits of a part number, such as BHB42601 or BHB426')
    .optional(),
  /** true: inspected boards with a chip or part missing or differing; false: inspected, none */
  defects: z
    .enum(['true', 'false'], { error: 'defects must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
});

export type RecognitionFilterParams = z.infer<typeof recognitionFilterParams>;

/** The one mapping from the users' filter words to the catalog's query. */
export function toRecognitionFilter(p: RecognitionFilterParams): RecognitionFilter {
  return {
    ...(p.board !== undefined ? { boardId: p.board === 'unknown' ? null : p.board } : {}),
    ...(p.camera !== undefined ? { camera: p.camera } : {}),
    ...(p.slot !== undefined ? { slot: p.slot } : {}),
    ...(p.from !== undefined ? { from: p.from } : {}),
    ...(p.to !== undefined ? { to: p.to } : {}),
    ...(p.serial !== undefined ? { serial: p.serial } : {}),
    ...(p.text !== undefined ? { text: p.text } : {}),
    ...(p.part !== undefined ? { part: p.part } : {}),
    ...(p.defects !== undefined ? { defects: p.defects } : {}),
  };
}

/** Parses filters given outside HTTP (CLI flags); a bad value is E_BAD_REQUEST naming the flag. */
export function parseRecognitionFilter(input: unknown): RecognitionFilter {
  const result = recognitionFilterParams.strip().safeParse(input);
  if (!result.success) {
    throw new BenchsightError('E_BAD_REQUEST', `invalid filter: ${describeIssues(result.error).join('; ')}`, {
      status: 400,
    });
  }
  return toRecognitionFilter(result.data);
}

/**
 * A board named the way a user types it on the command line: its model ("S21"), or its vendor and
 * model, ignoring case. An exact name wins; otherwise the one board whose name contains the words.
 * No match or several matches is E_BAD_REQUEST listing what would work.
 */
export function boardIdByName(
  words: string,
  boards: readonly { id: number; vendor: string; model: string }[],
): number {
  const want = words.trim().toLowerCase();
  const names = boards.map((b) => ({
    id: b.id,
    model: b.model.toLowerCase(),
    full: `${b.vendor} ${b.model}`,
  }));
  const exact = names.filter((b) => b.model === want || b.full.toLowerCase() === want);
  const found = exact.length > 0 ? exact : names.filter((b) => b.full.toLowerCase().includes(want));
  if (found.length === 1) return found[0]!.id;
  const list = (found.length > 0 ? found : names)
    .slice(0, 10)
    .map((b) => `${b.id} (${b.full})`)
    .join(', ');
  throw new BenchsightError(
    'E_BAD_REQUEST',
    found.length === 0
      ? `no board is named "${words}"; use a board id, "unknown" or a model name${list ? `: ${list}` : ' (the catalog is empty)'}`
      : `"${words}" names ${found.length} boards: ${list}; use the id or more of the name`,
    { status: 400 },
  );
}
