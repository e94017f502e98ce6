import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BenchsightError } from '../errors.ts';
import { modelKey } from './model-key.ts';

export { modelKey };

/**
 * Facts about mining hardware shipped with the product (src/hardware/reference-data.json): miner
 * models with their hashboard chip, chips per board and voltage domains, and the Bitmain hashboard
 * part-number families. Every row names its source; a value no source states is null.
 */

const count = z.number().int().positive().nullable();

export const hardwareModelSchema = z.object({
  vendor: z.string().min(1),
  model: z.string().min(1),
  /** Other names the source's model cell covers ("Antminer S9 / S9i / S9j"). */
  aliases: z.array(z.string().min(1)),
  boardKind: z.string().min(1),
  asicChip: z.string().min(1).nullable(),
  chipsPerBoard: count,
  voltageDomains: count,
  source: z.url(),
});

export const partNumberFamilySchema = z.object({
  id: z.string().min(1),
  /** Anchored regular expression over the code in capitals; families are tried in order. */
  pattern: z.string().min(1),
  asicChip: z.string().min(1).nullable(),
  models: z.array(z.string().min(1)).min(1),
  chipsPerBoard: count,
  note: z.string(),
  source: z.url(),
});

export const hardwareReferenceSchema = z.object({
  version: z.number().int().positive(),
  updated: z.string(),
  credit: z.string().min(1),
  licence: z.string().min(1),
  models: z.array(hardwareModelSchema),
  partNumberFamilies: z.array(partNumberFamilySchema),
});

export type HardwareModel = z.infer<typeof hardwareModelSchema>;
export type PartNumberFamily = z.infer<typeof partNumberFamilySchema>;
export type HardwareReferenceData = z.infer<typeof hardwareReferenceSchema>;

export const HARDWARE_REFERENCE_FILE = new URL('./reference-data.json', import.meta.url);

/** The shipped facts, validated once; lookups by model name. */
export class HardwareReference {
  readonly data: Readonly<HardwareReferenceData>;
  readonly #byModel = new Map<string, HardwareModel>();
  readonly #familyPatterns: { family: PartNumberFamily; pattern: RegExp }[];

  constructor(data: HardwareReferenceData) {
    this.data = data;
    for (const m of data.models) {
      for (const name of [m.model, ...m.aliases]) {
        const key = modelKey(name);
        if (!this.#byModel.has(key)) this.#byModel.set(key, m);
      }
    }
    this.#familyPatterns = data.partNumberFamilies.map((family) => ({
      family,
      pattern: new RegExp(family.pattern),
    }));
  }

  /** Reads and validates the shipped data file (or another file of the same shape). */
  static load(file: URL | string = HARDWARE_REFERENCE_FILE): HardwareReference {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new BenchsightError(
        'E_DEPENDENCY',
        `hardware reference data ${String(file)} could not be read (${(err as Error).message}); reinstall benchsight`,
        { cause: err },
      );
    }
    const parsed = hardwareReferenceSchema.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new BenchsightError(
        'E_DEPENDENCY',
        `hardware reference data ${String(file)} is invalid at ${first?.path.join('.') ?? '?'}: ${first?.message ?? ''}`,
      );
    }
    return new HardwareReference(parsed.data);
  }

  get models(): readonly HardwareModel[] {
    return this.data.models;
  }

  get families(): readonly PartNumberFamily[] {
    return this.data.partNumberFamilies;
  }

  /** The model a board's model name names ("S19j Pro", "Antminer S19j Pro hashboard"), or null. */
  findModel(name: string): HardwareModel | null {
    const key = modelKey(name.replace(/\b(hash\s*board|hashboard|control\s*board|psu)\b/gi, ''));
    return this.#byModel.get(key) ?? null;
  }

  /** The first family whose pattern matches the code (codes in capitals, no spaces), or null. */
  familyOf(code: string): PartNumberFamily | null {
    for (const { family, pattern } of this.#familyPatterns) if (pattern.test(code)) return family;
    return null;
  }
}
