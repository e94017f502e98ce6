import { z } from 'zod';

export const rect = z
  .object({
    x: z.number().min(0).max(1),
    y: z.number().min(0).max(1),
    width: z.number().gt(0).max(1),
    height: z.number().gt(0).max(1),
  })
  .strict()
  .refine((r) => r.x + r.width <= 1.0001 && r.y + r.height <= 1.0001, {
    message: 'rectangle must lie inside the frame (x + width <= 1 and y + height <= 1, as fractions)',
  });

export const webcamSchema = z
  .object({
    kind: z.literal('webcam'),
    /** V4L2 device (/dev/video0) or anything fswebcam's -d accepts, e.g. FILE:bench.jpg */
    device: z.string().min(1).default('/dev/video0'),
    width: z.number().int().positive().default(1280),
    height: z.number().int().positive().default(720),
    /** Frames fswebcam skips before grabbing (lets auto-exposure settle). */
    skip: z.number().int().min(0).default(0),
    /** Seconds fswebcam waits before capturing. */
    delay: z.number().min(0).default(0),
    /** Interval between stills, ms. fswebcam opens the device each time: this source is slow. */
    intervalMs: z.number().int().min(0).default(500),
  })
  .strict();

export const streamSchema = z
  .object({
    kind: z.literal('stream'),
    /** /dev/videoN, rtsp://, http(s)://, a video file, or an ffmpeg lavfi graph with `format: lavfi`. */
    input: z.string().min(1),
    /** ffmpeg input format (-f), e.g. v4l2, lavfi; omitted: ffmpeg guesses. */
    format: z.string().min(1).optional(),
    fps: z.number().positive().max(120).default(15),
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
    /** Loop a video file forever (-stream_loop -1). */
    loop: z.boolean().default(false),
    /** Read a file at its native rate (-re) instead of as fast as possible. */
    realtime: z.boolean().default(true),
    quality: z.number().int().min(2).max(31).default(5),
    ffmpegPath: z.string().min(1).default('ffmpeg'),
  })
  .strict();

export const folderSchema = z
  .object({
    kind: z.literal('folder'),
    path: z.string().min(1),
    fps: z.number().positive().max(120).default(5),
    loop: z.boolean().default(true),
  })
  .strict();

export const cameraSchema = z.discriminatedUnion('kind', [webcamSchema, streamSchema, folderSchema]);

export const supervisionSchema = z
  .object({
    /** No frame for this long: the source is restarted. */
    stallTimeoutMs: z.number().int().positive().default(5000),
    backoffInitialMs: z.number().int().positive().default(500),
    backoffMaxMs: z.number().int().positive().default(30_000),
    /** Consecutive undecodable frames before the source is declared broken and restarted. */
    maxGarbageFrames: z.number().int().positive().default(10),
  })
  .strict();

/** A camera id: it names the camera in URLs, topics and history. */
const cameraIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, - and _ only (it is used in URLs)');

/** What `camera:` has: the picture and how it is supervised. */
const cameraFields = {
  source: cameraSchema.default({ kind: 'folder', path: 'demo/frames', fps: 5, loop: true }),
  supervision: supervisionSchema.default({
    stallTimeoutMs: 5000,
    backoffInitialMs: 500,
    backoffMaxMs: 30_000,
    maxGarbageFrames: 10,
  }),
  /** When an online camera's picture is called suspect (black or frozen). */
  health: z
    .object({
      blackLevel: z.number().min(0).max(255).default(12),
      blackSeconds: z.number().positive().default(60),
      frozenSeconds: z.number().positive().default(300),
    })
    .strict()
    .prefault({}),
  /** Optional crop applied before slots, as fractions of the frame. */
  crop: rect.optional(),
};

export const slotsSchema = z
  .array(
    z
      .object({
        name: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, - and _ only'),
        rect,
      })
      .strict(),
  )
  .refine((slots) => new Set(slots.map((s) => s.name)).size === slots.length, {
    message: 'slot names must be unique',
  });

const gateObject = z
  .object({
    enabled: z.boolean().default(true),
    /** Thumbnail side (pixels) the change detector compares. */
    thumbSize: z.number().int().min(8).max(128).default(32),
    /** Mean absolute grey-level difference (0-255) above which a frame counts as changed. */
    changeThreshold: z.number().min(0).max(255).default(6),
    /** Grey-level difference above which one thumbnail pixel counts as changed. */
    pixelThreshold: z.number().min(0).max(255).default(24),
    /** Fraction of changed thumbnail pixels that makes a frame changed (a board entering at an edge). */
    changedArea: z.number().min(0).max(1).default(0.01),
    /** Unchanged frames in a row before the scene is considered stable and recognized. */
    stableFrames: z.number().int().min(1).default(3),
  })
  .strict();

/** The top-level gate: every camera's that sets none of its own. */
export const gateSchema = gateObject.prefault({});

export const oneCameraSchema = z.object({ id: cameraIdSchema.default('bench-1'), ...cameraFields }).strict();

/** One entry of `cameras:`: what `camera:` has, plus its own slots and gate. */
export const cameraEntrySchema = z
  .object({
    id: cameraIdSchema,
    ...cameraFields,
    slots: slotsSchema.default([]),
    /** Omitted: the top-level `gate`; given, it replaces it (unset keys take their defaults). */
    gate: gateObject.optional(),
  })
  .strict();

/** `camera:` or `cameras:`, never both; camera ids unique. */
export function cameraProblems(
  c: { camera?: unknown; cameras?: { id: string }[] | undefined; slots?: unknown },
  ctx: z.RefinementCtx,
): void {
  if (!c.cameras) return;
  if (c.camera !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['camera'],
      message:
        'use either camera: (one camera) or cameras: (a list), not both: move this camera into cameras:',
    });
  }
  if (c.slots !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['slots'],
      message: 'with cameras:, each camera has its own slots: move these under the camera they belong to',
    });
  }
  const seen = new Map<string, number>();
  c.cameras.forEach((cam, i) => {
    const first = seen.get(cam.id);
    if (first === undefined) seen.set(cam.id, i);
    else {
      ctx.addIssue({
        code: 'custom',
        path: ['cameras', i, 'id'],
        message: `camera id "${cam.id}" is used twice (cameras ${first + 1} and ${i + 1}): give each camera its own id`,
      });
    }
  });
}

export type GateConfig = z.infer<typeof gateObject>;
type CameraEntry = z.infer<typeof cameraEntrySchema>;

/** One camera of the daemon, as it runs: its picture, its slots and its gate. */
export type CameraSetup = Omit<CameraEntry, 'gate'> & { gate: GateConfig };

export function effectiveCameras(c: {
  camera: z.infer<typeof oneCameraSchema> | undefined;
  cameras: CameraEntry[] | undefined;
  slots: CameraEntry['slots'] | undefined;
  gate: GateConfig;
}): CameraSetup[] {
  if (c.cameras) return c.cameras.map((cam) => ({ ...cam, gate: cam.gate ?? { ...c.gate } }));
  const one = c.camera ?? oneCameraSchema.parse({});
  return [{ ...one, slots: c.slots ?? [], gate: c.gate }];
}

export type CameraConfig = z.infer<typeof cameraSchema>;
export type WebcamConfig = z.infer<typeof webcamSchema>;
export type StreamConfig = z.infer<typeof streamSchema>;
export type FolderConfig = z.infer<typeof folderSchema>;
export type SupervisionConfig = z.infer<typeof supervisionSchema>;
export type Rect = { x: number; y: number; width: number; height: number };

/** The whole picture as a rectangle of fractions: a slot, crop or region that covers everything. */
export const WHOLE_FRAME: Readonly<Rect> = Object.freeze({ x: 0, y: 0, width: 1, height: 1 });
