import { z } from 'zod';
import { recognitionFilterParams } from '../catalog/recognition-filter.ts';

/** Images in one multipart upload (reference enrollment). */
export const MAX_UPLOAD_FILES = 20;

export const idParam = z
  .object({
    id: z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 31),
  })
  .strict();

export const fromSlotBody = z.object({ fromSlot: z.string().min(1).max(40) }).strict();

/** GET /api/recognitions: the history filters, a page, and the format. */
export const recognitionsQuery = recognitionFilterParams
  .extend({
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    offset: z.coerce.number().int().min(0).max(1e9).default(0),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

export const boardsQuery = z.object({ search: z.string().max(200).optional() }).strict();
