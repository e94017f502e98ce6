import { z } from 'zod';
import { isRegExp } from '../catalog/validate.ts';

export const idParam = z
  .object({
    id: z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 31),
  })
  .strict();

const text = (max: number) => z.string().trim().min(1).max(max);

export const boardInput = z
  .object({
    vendor: text(80),
    model: text(120),
    kind: z.enum(['hashboard', 'control-board', 'psu', 'empty-bench', 'other']),
    chipType: z.string().trim().max(80).nullable().optional(),
    chipCount: z.number().int().min(0).max(10_000).nullable().optional(),
    notes: z.string().max(10_000).optional(),
    tags: z.array(text(40)).max(50).optional(),
    /** regular expression (case-insensitive) the board's printed label matches */
    textPattern: z
      .string()
      .max(200)
      .nullable()
      .optional()
      .refine((v) => !v || isRegExp(v), {
        message: 'not a valid regular expression (JavaScript syntax), e.g. "S19J?[- ]?PRO"',
      }),
  })
  .strict();

export const boardPatch = boardInput
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change: send at least one field' });

export const fromSlotBody = z.object({ fromSlot: z.string().min(1).max(40) }).strict();

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

export const recognitionsQuery = z
  .object({
    board: z.union([z.literal('unknown'), z.coerce.number().int().positive()]).optional(),
    camera: z.string().max(40).optional(),
    slot: z.string().max(40).optional(),
    from: timeParam.optional(),
    to: timeParam.optional(),
    /** the serial read off the board, exactly (ignoring case) */
    serial: z.string().trim().min(1).max(100).optional(),
    /** text read off the board (or its serial) contains this, ignoring case */
    text: z.string().trim().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    offset: z.coerce.number().int().min(0).max(1e9).default(0),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

export const boardsQuery = z.object({ search: z.string().max(200).optional() }).strict();
