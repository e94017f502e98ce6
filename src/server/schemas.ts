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

const slotName = z.string().min(1).max(40);

/** A camera id (config `cameras[].id`); omitted: the first camera. */
export const cameraId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'a camera id from config cameras');

export const cameraParam = z.object({ id: cameraId }).strict();

/** A capture handle (SlotCaptures): base64url. */
const captureId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a capture id from POST /api/captures');

/** A reference from the live view: a picture captured before (the dashboard), or the slot as it is now. */
export const liveReferenceBody = z.union([
  z.object({ fromCapture: captureId }).strict(),
  z.object({ fromSlot: slotName, camera: cameraId.optional() }).strict(),
]);

export const captureBody = z.object({ slot: slotName, camera: cameraId.optional() }).strict();

export const captureParam = z.object({ id: captureId }).strict();

/** ?box= of the shop-wide views: one box's name, or * for every box. */
export const shopBox = z
  .string()
  .regex(/^(\*|[A-Za-z0-9_.-]{1,64})$/, 'a box name (letters, digits, _ . -) or * for every box');

/** GET /api/recognitions/:id/thumbnail.jpg: ?box= names another box's row (kept centrally). */
export const thumbnailQuery = z
  .object({
    box: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a box name (letters, digits, _ . -)')
      .optional(),
  })
  .strict();

/** GET /api/recognitions: the history filters, a page, and the format. */
export const recognitionsQuery = recognitionFilterParams
  .extend({
    limit: z.coerce.number().int().min(1).max(1000).default(50),
    offset: z.coerce.number().int().min(0).max(1e9).default(0),
    format: z.enum(['json', 'csv']).default('json'),
    /** The shop's history from the central side: one box's name, or * for every box. */
    box: shopBox.optional(),
  })
  .strict();

export const boardsQuery = z.object({ search: z.string().max(200).optional() }).strict();
