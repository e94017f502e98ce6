import { z } from 'zod';
import { DEFAULT_SERIAL_PATTERN, isSerialPattern } from '../ocr/serial.ts';
import { DASHBOARD_LANGUAGES, UNIT_STATUSES, type UnitStatus } from '../protocol.ts';
import {
  cameraEntrySchema,
  cameraProblems,
  effectiveCameras,
  gateSchema,
  oneCameraSchema,
  slotsSchema,
} from './cameras.ts';
import { centralSchema } from './central.ts';
import { isHostOrAddress, isLoopbackHost } from './hosts.ts';
import { mqttSchema, webhookSchema } from './integrations.ts';

/** The bundled encoder the daemon uses unless config or `benchsight model use` says otherwise. */
export const DEFAULT_MODEL = 'benchsight-vit';

/** match.verify defaults, chosen on the development split of `npm run eval` (see README). */
export const VERIFY_DEFAULTS = {
  candidates: 8,
  minInliers: 12,
  minRatio: 2,
  strongInliers: 100,
  minAgreement: 0.9,
  strongAgreement: 0.75,
} as const;

export const ocrSchema = z
  .object({
    /** Off: no OCR (a box without spare CPU); recognitions then carry no text. */
    enabled: z.boolean().default(true),
    /** Regular expression (case-insensitive) that finds the serial in the text read; group 1 if it has one. */
    serialPattern: z
      .string()
      .min(1)
      .max(500)
      .default(DEFAULT_SERIAL_PATTERN)
      .refine(isSerialPattern, { message: 'not a valid regular expression (JavaScript syntax)' }),
    /** Lines read with a lower mean character confidence (0-1) are dropped. */
    minConfidence: z.number().min(0).max(1).default(0.5),
    /** onnxruntime threads for OCR; 0: one per core. Keep it low so OCR leaves the encoder its cores. */
    threads: z.number().int().min(0).max(64).default(1),
    /** Slots smaller than this (shorter side, pixels) are enlarged for text detection; 0: never (small print far from the camera). */
    detectMinSide: z.number().int().min(0).max(2048).default(0),
  })
  .strict()
  .prefault({});

/** Units: the physical boards (serial numbers) followed across their visits to the bench. */
export const unitsSchema = z
  .object({
    /** A board off the bench for longer than this comes back on a new visit. */
    visitGapMinutes: z
      .number()
      .positive()
      .max(60 * 24 * 365)
      .default(60),
    /** The shop's names for the repair statuses, e.g. { "testing": "Burn-in" }; unnamed ones keep theirs. */
    statuses: z
      .partialRecord(z.enum(UNIT_STATUSES), z.string().trim().min(1).max(40))
      .default({})
      .refine(
        (names) =>
          new Set(UNIT_STATUSES.map((s) => (names[s] ?? s).toLowerCase())).size === UNIT_STATUSES.length,
        { message: `two statuses would have the same name (the statuses are ${UNIT_STATUSES.join(', ')})` },
      ),
  })
  .strict()
  .prefault({});

/** Every status with the name the shop gave it (units.statuses), in workflow order. */
export function unitStatusLabels(
  units: Pick<z.infer<typeof unitsSchema>, 'statuses'>,
): Record<UnitStatus, string> {
  return Object.fromEntries(UNIT_STATUSES.map((s) => [s, units.statuses[s] ?? s])) as Record<
    UnitStatus,
    string
  >;
}

export const configSchema = z
  .object({
    /** The one-camera form; `cameras:` is the list. */
    camera: oneCameraSchema.optional(),
    /** Several cameras in one daemon, each with its own slots and gate. */
    cameras: z.array(cameraEntrySchema).min(1).optional(),
    /** The slots of the one camera of `camera:`. */
    slots: slotsSchema.optional(),
    model: z
      .object({
        /**
         * A manifest name in models/ (e.g. benchsight-tiny) or a path to a manifest JSON. Omitted: the
         * model chosen with `benchsight model use`, else DEFAULT_MODEL.
         */
        name: z.string().min(1).optional(),
        dir: z.string().min(1).default('models'),
        executionProviders: z
          .array(z.enum(['cuda', 'tensorrt', 'cpu']))
          .min(1)
          .default(['cpu']),
        intraOpThreads: z.number().int().min(0).default(0),
      })
      .strict()
      .prefault({}),
    /** The gate of every camera that sets none of its own. */
    gate: gateSchema,
    match: z
      .object({
        topK: z.number().int().min(1).max(50).default(5),
        /** Cosine similarity a board must reach; omitted: the model manifest's operating point. */
        threshold: z.number().min(-1).max(1).optional(),
        /** Minimum gap between the best board and the runner-up; omitted: the manifest's. */
        minMargin: z.number().min(0).max(2).optional(),
        /** Stable decisions in a row that must agree before `recognized` fires. */
        smoothing: z.number().int().min(1).max(20).default(2),
        /**
         * Geometric verification: the embedding shortlists boards, local features (ORB + RANSAC
         * homography) decide. Off: the cosine threshold and margin decide alone, as before.
         */
        verify: z
          .object({
            enabled: z.boolean().default(true),
            /** Boards the embedding shortlists (every board when the catalog has fewer). */
            candidates: z.number().int().min(1).max(100).default(VERIFY_DEFAULTS.candidates),
            /** Inliers the best board's best reference must have. */
            minInliers: z.number().int().min(4).max(10_000).default(VERIFY_DEFAULTS.minInliers),
            /** How many times the runner-up board's inliers the best board must have. */
            minRatio: z.number().min(1).max(100).default(VERIFY_DEFAULTS.minRatio),
            /**
             * Inliers that decide alone; under them the encoder must agree too (the board's cosine
             * at least minCosine). Without a minCosine (here or in the model's manifest) minInliers
             * decides alone.
             */
            strongInliers: z.number().int().min(4).max(100_000).default(VERIFY_DEFAULTS.strongInliers),
            /** The cosine a board with fewer than strongInliers inliers needs; omitted: the model manifest's operatingPoint.verifyCosine. */
            minCosine: z.number().min(-1).max(1).optional(),
            /**
             * The dense check after alignment (the slot brought into the reference's frame and
             * compared cell by cell, -1..1): under strongInliers this much agreement stands in for
             * a cosine under minCosine. null: never.
             */
            minAgreement: z.number().min(-1).max(1).nullable().default(VERIFY_DEFAULTS.minAgreement),
            /**
             * From strongInliers on, the agreement a board needs when the encoder doubts it too (its
             * cosine under minCosine): another revision of an enrolled board maps onto it with
             * hundreds of inliers. null: the inliers decide alone there.
             */
            strongAgreement: z.number().min(-1).max(1).nullable().default(VERIFY_DEFAULTS.strongAgreement),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Reading board labels and serial numbers (OCR) once a slot's recognition is stable. */
    ocr: ocrSchema,
    /** Inspection of a verified board against its inspection map (chips counted, regions compared). */
    inspect: z
      .object({
        /** Off: no inspection (live or POST /api/inspect); maps can still be drawn. */
        enabled: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    units: unitsSchema,
    server: z
      .object({
        /** Address to bind. Anything but loopback requires auth users or tokens. */
        host: z
          .string()
          .refine(isHostOrAddress, {
            message: 'expected an IP address (127.0.0.1, 0.0.0.0, ::1, 192.168.1.20) or a host name',
          })
          .default('127.0.0.1'),
        /**
         * Host names (beyond localhost, the loopback addresses and server.host) that browsers may use
         * to reach the daemon, e.g. bench-3.workshop.lan. Requests naming any other host are refused,
         * so a web page cannot reach the daemon by pointing its own domain at it (DNS rebinding).
         */
        allowedHosts: z
          .array(
            z
              .string()
              .refine(isHostOrAddress, { message: 'expected a host name or an IP address, without a port' })
              .transform((h) => h.toLowerCase()),
          )
          .default([]),
        /** Origins (scheme://host:port) allowed to call the API from a browser; none by default. */
        corsOrigins: z.array(z.string().url()).default([]),
        port: z.number().int().min(0).max(65535).default(8080),
        /** Max frames per second pushed to each dashboard client. */
        frameRate: z.number().positive().max(30).default(5),
        /** Width of the JPEG streamed to the dashboard. */
        frameWidth: z.number().int().min(64).max(4096).default(640),
        maxUploadBytes: z
          .number()
          .int()
          .positive()
          .default(15 * 1024 * 1024),
        /**
         * The dashboard's language when the browser asks for none it has (navigator.languages lists
         * neither French nor English) and the user has not picked one in the header.
         */
        defaultLanguage: z.enum(DASHBOARD_LANGUAGES).default('en'),
      })
      .strict()
      .prefault({}),
    data: z
      .object({
        dir: z.string().min(1).default('data'),
        /** Max decoded pixels accepted in an uploaded image (decompression-bomb guard). */
        maxImagePixels: z.number().int().positive().default(40_000_000),
        /** Quota for the catalog database; writes past it fail and are reported, never fatal. */
        maxDatabaseMB: z.number().positive().optional(),
        /** Below this much free space in the data folder the status reports low disk. */
        minFreeMB: z.number().min(0).default(200),
        retention: z
          .object({
            /** Recognition thumbnails older than this are deleted (the history rows stay). */
            thumbnailMaxAgeDays: z.number().positive().default(90),
            /** Oldest recognition thumbnails are deleted beyond this total. */
            thumbnailMaxMB: z.number().positive().default(512),
            intervalMinutes: z.number().positive().default(10),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({
        /** Require login even on 127.0.0.1 (always required on any other address). */
        required: z.boolean().default(false),
        users: z
          .array(
            z
              .object({
                name: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'letters, digits and _ . @ - only'),
                /** From `benchsight auth hash-password`: scrypt$<salt>$<hash>. */
                passwordHash: z
                  .string()
                  .regex(/^scrypt\$[0-9a-f]{32}\$[0-9a-f]{128}$/, 'expected scrypt$<salt>$<hash>'),
                role: z.enum(['viewer', 'admin']).default('viewer'),
              })
              .strict(),
          )
          .default([]),
        /** API tokens for scripts: sent as `Authorization: Bearer <token>`. */
        tokens: z
          .array(
            z
              .object({
                name: z.string().min(1).max(64),
                token: z.string().min(24, 'at least 24 characters (use `openssl rand -hex 24`)'),
                role: z.enum(['viewer', 'admin']).default('viewer'),
              })
              .strict(),
          )
          .default([]),
        sessionHours: z
          .number()
          .positive()
          .max(24 * 30)
          .default(12),
        /** Failed logins from one address (or for one user) before a lockout. */
        maxFailures: z.number().int().min(1).default(5),
        lockoutMinutes: z.number().positive().default(15),
        /**
         * Addresses and user names whose failed logins are remembered. Past this (a flood from many
         * addresses) locked ones are still kept, and logins from everyone are slowed to
         * floodLoginsPerSecond until the flood passes.
         */
        maxTrackedLogins: z.number().int().min(10).max(1_000_000).default(10_000),
        floodLoginsPerSecond: z.number().positive().max(1000).default(5),
      })
      .strict()
      .prefault({}),
    /** Publishing to an MQTT broker (Home Assistant, Node-RED...); absent: off. */
    mqtt: mqttSchema.optional(),
    /** HTTP POSTs of events to the shop's own systems. */
    webhooks: z.array(webhookSchema).default([]),
    /** The shop's central PostgreSQL (catalog shared, history sent up); absent: this box alone. */
    central: centralSchema.optional(),
    log: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!isLoopbackHost(c.server.host) && c.auth.users.length === 0 && c.auth.tokens.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth'],
        message: `binding to ${c.server.host} exposes the bench on the network: add auth.users (benchsight auth hash-password) or auth.tokens`,
      });
    }
    if (c.auth.required && c.auth.users.length === 0 && c.auth.tokens.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'required'],
        message: 'auth.required needs auth.users or auth.tokens',
      });
    }
    cameraProblems(c, ctx);
  })
  .transform(({ camera, cameras, slots, gate, ...rest }) => ({
    ...rest,
    /** The effective list: `cameras:`, or the one camera of `camera:` with the top-level slots. */
    cameras: effectiveCameras({ camera, cameras, slots, gate }),
  }));

export type Config = z.infer<typeof configSchema>;
export type OcrConfig = z.infer<typeof ocrSchema>;
export type UnitsConfig = z.infer<typeof unitsSchema>;

export type {
  CameraConfig,
  CameraSetup,
  FolderConfig,
  GateConfig,
  Rect,
  StreamConfig,
  SupervisionConfig,
  WebcamConfig,
} from './cameras.ts';
export { supervisionSchema, WHOLE_FRAME, webcamSchema } from './cameras.ts';
