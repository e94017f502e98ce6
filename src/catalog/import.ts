import { isAbsolute } from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { BenchsightError } from '../errors.ts';
import { parseCsv } from './csv.ts';
import type { BoardKind } from './types.ts';
import { boardFields, describeIssues } from './validate.ts';

/** One board of an import manifest, with its image files (relative to the manifest's folder). */
export interface ImportRow {
  vendor: string;
  model: string;
  kind: BoardKind;
  chipType?: string;
  chipCount?: number;
  notes?: string;
  tags?: string[];
  textPattern?: string;
  images: string[];
  /** where the row is in the manifest ("line 4", "boards[2] (line 9)"), for later error messages */
  where: string;
}

export interface ManifestProblem {
  where: string;
  message: string;
}

/** Thrown with every problem of a manifest at once, so the user fixes the file in one go. */
export class ImportManifestError extends BenchsightError {
  readonly problems: readonly ManifestProblem[];

  constructor(problems: readonly ManifestProblem[]) {
    const lines = problems.map((p) => `  ${p.where}: ${p.message}`).join('\n');
    super(
      'E_BAD_REQUEST',
      `the import manifest has ${problems.length} problem(s); fix them and retry:\n${lines}`,
      {
        status: 400,
      },
    );
    this.name = 'ImportManifestError';
    this.problems = problems;
  }
}

const COLUMNS = [
  'vendor',
  'model',
  'kind',
  'chip_type',
  'chip_count',
  'notes',
  'tags',
  'text_pattern',
  'images',
] as const;
const REQUIRED_COLUMNS = ['vendor', 'model', 'kind'] as const;

/** `textPattern`, `text-pattern`, `Text Pattern`, `TEXT_PATTERN`: the way people spell one column. */
const spelling = (name: string) => name.toLowerCase().replace(/[\s_-]/g, '');
const CANONICAL = new Map<string, string>(COLUMNS.map((c) => [spelling(c), c]));

/** A column or key as the manifest spells it, in its canonical form (unknown names are kept). */
function canonicalKey(name: string): string {
  return CANONICAL.get(spelling(name.trim())) ?? name.trim();
}

/** A file inside the manifest's folder: no absolute paths, no "..". */
const imageName = z
  .string()
  .trim()
  .min(1, 'an image name is empty')
  .refine((name) => !isAbsolute(name) && !/^[a-zA-Z]:|^[\\/]/.test(name), 'image paths must be relative')
  .refine((name) => !name.split(/[\\/]/).includes('..'), 'image paths must stay inside the folder (no "..")');

const semicolonList = (v: unknown): unknown =>
  typeof v === 'string'
    ? v
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : v;

const rowSchema = z
  .object({
    vendor: boardFields.vendor,
    model: boardFields.model,
    kind: boardFields.kind,
    chip_type: boardFields.chipType,
    chip_count: z.preprocess(
      (v) =>
        typeof v === 'string' ? (v.trim() === '' ? undefined : /^\d+$/.test(v.trim()) ? Number(v) : v) : v,
      boardFields.chipCount,
    ),
    notes: boardFields.notes,
    tags: z.preprocess(semicolonList, boardFields.tags),
    text_pattern: boardFields.textPattern,
    images: z.preprocess(semicolonList, z.array(imageName).default([])),
  })
  .strict();

function toImportRow(data: z.output<typeof rowSchema>, where: string): ImportRow {
  const row: ImportRow = {
    vendor: data.vendor,
    model: data.model,
    kind: data.kind,
    images: data.images,
    where,
  };
  if (data.chip_type !== null) row.chipType = data.chip_type;
  if (data.chip_count !== null) row.chipCount = data.chip_count;
  if (data.notes !== '') row.notes = data.notes;
  if (data.tags.length > 0) row.tags = data.tags;
  if (data.text_pattern !== null) row.textPattern = data.text_pattern;
  return row;
}

/**
 * Parses and validates a board import manifest. CSV: a header row with vendor, model, kind and optionally
 * chip_type, chip_count, notes, tags, images (tags and images ';'-separated). YAML: a list of boards or
 * {boards: [...]}, with the same keys. Throws ImportManifestError listing every bad row.
 */
export function parseImportManifest(text: string, format: 'csv' | 'yaml'): ImportRow[] {
  const problems: ManifestProblem[] = [];
  const entries = format === 'csv' ? csvEntries(text, problems) : yamlEntries(text, problems);
  const rows: ImportRow[] = [];
  const seen = new Map<string, string>();
  for (const { where, value } of entries) {
    const result = rowSchema.safeParse(value);
    if (!result.success) {
      for (const message of describeIssues(result.error)) problems.push({ where, message });
      continue;
    }
    const row = toImportRow(result.data, where);
    const key = `${row.vendor}\n${row.model}`.toLowerCase();
    const first = seen.get(key);
    if (first) problems.push({ where, message: `${row.vendor} ${row.model} is already listed at ${first}` });
    else seen.set(key, where);
    rows.push(row);
  }
  if (problems.length === 0 && rows.length === 0)
    problems.push({ where: 'manifest', message: 'lists no boards' });
  if (problems.length > 0) throw new ImportManifestError(problems);
  return rows;
}

interface Entry {
  where: string;
  value: unknown;
}

function csvEntries(text: string, problems: ManifestProblem[]): Entry[] {
  const { records, problems: syntax } = parseCsv(text);
  for (const p of syntax) problems.push({ where: `line ${p.line}`, message: p.message });
  const [header, ...body] = records;
  if (!header) return [];
  const names = header.fields.map(canonicalKey);
  const where = `line ${header.line} (header)`;
  names.forEach((name, i) => {
    if (!(COLUMNS as readonly string[]).includes(name)) {
      problems.push({ where, message: `unknown column "${name}"; the columns are ${COLUMNS.join(', ')}` });
    } else if (names.indexOf(name) !== i) {
      problems.push({ where, message: `column "${name}" appears twice` });
    }
  });
  for (const required of REQUIRED_COLUMNS) {
    if (!names.includes(required)) problems.push({ where, message: `missing column "${required}"` });
  }
  if (problems.length > 0) return [];
  return body.flatMap((record) => {
    if (record.fields.length !== names.length) {
      problems.push({
        where: `line ${record.line}`,
        message: `has ${record.fields.length} fields but the header has ${names.length}; quote fields that hold commas`,
      });
      return [];
    }
    const value: Record<string, string> = {};
    names.forEach((name, i) => {
      const field = record.fields[i]!;
      if (field.trim() !== '') value[name] = field;
    });
    return [{ where: `line ${record.line}`, value }];
  });
}

/** Keys in their canonical spelling; YAML scalars such as `model: 1066` arrive as numbers; names are text. */
function normalizeRow(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = Object.fromEntries(
    Object.entries(value).map(([key, v]) => [canonicalKey(key), v]),
  );
  for (const key of ['vendor', 'model', 'chip_type', 'notes', 'text_pattern']) {
    if (typeof out[key] === 'number') out[key] = String(out[key]);
  }
  for (const key of ['tags', 'images']) {
    const list = out[key];
    if (Array.isArray(list)) out[key] = list.map((v) => (typeof v === 'number' ? String(v) : v));
  }
  return out;
}

function yamlEntries(text: string, problems: ManifestProblem[]): Entry[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  for (const err of doc.errors) {
    problems.push({ where: `line ${err.linePos?.[0].line ?? '?'}`, message: err.message.split('\n')[0]! });
  }
  if (problems.length > 0) return [];
  const data: unknown = doc.toJS();
  const wrapped = isMap(doc.contents);
  const list = wrapped ? (data as Record<string, unknown>).boards : data;
  if (wrapped && Object.keys(data as object).some((k) => k !== 'boards')) {
    problems.push({ where: 'manifest', message: 'the only top-level key allowed is "boards"' });
  }
  if (!Array.isArray(list)) {
    problems.push({ where: 'manifest', message: 'expected a list of boards, or "boards:" followed by one' });
    return [];
  }
  return list.map((value, i) => {
    const node = doc.getIn(wrapped ? ['boards', i] : [i], true) as
      | { range?: [number, number, number] }
      | undefined;
    const offset = node?.range?.[0];
    const line = offset === undefined ? '' : ` (line ${lineCounter.linePos(offset).line})`;
    return { where: `${wrapped ? 'boards' : ''}[${i}]${line}`, value: normalizeRow(value) };
  });
}
