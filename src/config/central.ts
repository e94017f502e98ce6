import { z } from 'zod';

/**
 * A central PostgreSQL shared by the shop's boxes (absent: the box works alone, as always). TLS and
 * credentials go in the URL (`?sslmode=require`); the password may come from
 * BENCHSIGHT_CENTRAL_PASSWORD instead, which keeps it out of the file.
 */
export const centralSchema = z
  .object({
    url: z.string().refine((u) => /^postgres(ql)?:\/\/[^/\s]+/i.test(u), {
      message: 'expected postgres://user@host:5432/database (add ?sslmode=require for TLS)',
    }),
    /** This box's name in the shop, unique per box: its history and enrollments are sent under it. */
    box: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only (1 to 64), e.g. bench-1'),
    /** How often the box sends its outbox and looks for catalog changes (NOTIFY wakes it sooner). */
    syncIntervalMs: z.number().int().min(50).max(3_600_000).default(2000),
    /** Also BENCHSIGHT_CENTRAL_PASSWORD; replaces a password in the URL. */
    password: z.string().min(1).optional(),
  })
  .strict();

export type CentralConfig = z.infer<typeof centralSchema>;
