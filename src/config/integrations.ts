import { z } from 'zod';
import { OUTBOUND_EVENTS } from '../protocol.ts';

/** An MQTT topic level path: no wildcards, no empty level, no leading or trailing slash. */
const topicPath = z
  .string()
  .regex(
    /^[^/+#\s]+(\/[^/+#\s]+)*$/,
    'a topic prefix without + or #, spaces, empty levels or a leading/trailing slash (e.g. benchsight)',
  )
  .max(100);

export const mqttSchema = z
  .object({
    /** mqtt://host:1883, or mqtts://host:8883 for TLS. */
    url: z.string().refine((u) => /^mqtts?:\/\/[^/\s]+/i.test(u), {
      message: 'expected mqtt://host:1883 or mqtts://host:8883 (TLS)',
    }),
    username: z.string().min(1).optional(),
    /** Also BENCHSIGHT_MQTT_PASSWORD, which keeps it out of the file. */
    password: z.string().min(1).optional(),
    /** Unique per daemon on the broker (two clients with one id keep kicking each other off). */
    clientId: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only')
      .optional(),
    topicPrefix: topicPath.default('benchsight'),
    /** Home Assistant MQTT discovery: sensors appear in Home Assistant by themselves. */
    discovery: z.boolean().default(true),
    discoveryPrefix: topicPath.default('homeassistant'),
    /** TLS (mqtts://): PEM files of the broker's CA, and this client's certificate and key. */
    ca: z.string().min(1).optional(),
    cert: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    /** Events kept while the broker is unreachable; past this the oldest are dropped (and counted). */
    queueSize: z.number().int().min(1).max(100_000).default(1000),
  })
  .strict()
  .superRefine((m, ctx) => {
    if ((m.cert === undefined) !== (m.key === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [m.cert === undefined ? 'cert' : 'key'],
        message: 'a client certificate needs both cert and key (PEM files)',
      });
    }
    const tls = /^mqtts:/i.test(m.url);
    if (!tls && (m.ca !== undefined || m.cert !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'ca, cert and key are for TLS: use an mqtts:// url',
      });
    }
  });

export const webhookSchema = z
  .object({
    url: z.string().refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), {
      message: 'expected an http:// or https:// URL',
    }),
    /** recognized, cleared, ocr, camera (a camera going online or offline); omitted: all. */
    events: z
      .array(z.enum(OUTBOUND_EVENTS))
      .min(1)
      .default([...OUTBOUND_EVENTS]),
    /** Signs each body: X-Benchsight-Signature: sha256=<HMAC-SHA256 hex>. */
    secret: z.string().min(16, 'at least 16 characters (use `openssl rand -hex 24`)'),
    /** How long one POST may take before it counts as failed and is retried. */
    timeoutMs: z.number().int().min(100).max(120_000).default(5000),
    /** Attempts after the first, for 5xx answers and network errors; 4xx is never retried. */
    retries: z.number().int().min(0).max(20).default(5),
    backoffInitialMs: z.number().int().positive().default(500),
    backoffMaxMs: z.number().int().positive().default(30_000),
    /** Events waiting for this hook; past this the oldest are dropped (and counted). */
    queueSize: z.number().int().min(1).max(100_000).default(1000),
  })
  .strict();

export type MqttConfig = z.infer<typeof mqttSchema>;
export type WebhookConfig = z.infer<typeof webhookSchema>;
