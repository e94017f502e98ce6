import { readFileSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { type ImportRow, parseImportManifest } from '../catalog/import.ts';
import type { Board, BoardPatch, Catalog } from '../catalog/index.ts';
import { BenchsightError, errorMessage } from '../errors.ts';
import type { PreparedReference, Recognizer } from './recognizer.ts';

export interface ImportOptions {
  /** manifest path (default: <dir>/boards.yaml|yml|csv) */
  manifest?: string;
  onProgress?: (done: number, total: number, label: string) => void;
}

/** What an import did to one board of the manifest. */
export interface ImportedBoard {
  board: string;
  action: 'created' | 'updated' | 'unchanged' | 'skipped';
  /** fields an existing board had different from the manifest, now as in the manifest */
  changed: (keyof BoardPatch)[];
  /** references added */
  references: number;
  /** the board's id (absent: skipped) */
  boardId?: number;
  /** the references added, each with its file */
  added: { id: number; label: string }[];
  /** why a board was skipped */
  reason?: string;
}

export interface ImportResult {
  /** boards created */
  boards: number;
  /** boards whose fields changed */
  updated: number;
  references: number;
  skipped: { board: string; reason: string }[];
  /** one entry per board of the manifest, in its order */
  perBoard: ImportedBoard[];
}

/** The manifest's fields that differ from the stored board (fields the row leaves out are kept). */
function changedFields(board: Board, row: ImportRow): BoardPatch {
  const patch: BoardPatch = {};
  if (row.kind !== board.kind) patch.kind = row.kind;
  if (row.chipType !== undefined && row.chipType !== board.chipType) patch.chipType = row.chipType;
  if (row.chipCount !== undefined && row.chipCount !== board.chipCount) patch.chipCount = row.chipCount;
  if (row.notes !== undefined && row.notes !== board.notes) patch.notes = row.notes;
  if (row.tags !== undefined && row.tags.join('\n') !== board.tags.join('\n')) patch.tags = row.tags;
  if (row.textPattern !== undefined && row.textPattern !== board.textPattern)
    patch.textPattern = row.textPattern;
  return patch;
}

/** Finds the manifest of an import folder: boards.yaml, boards.yml or boards.csv. */
export function findImportManifest(dir: string, explicit?: string): { path: string; format: 'csv' | 'yaml' } {
  const candidates = explicit
    ? [resolve(explicit)]
    : ['boards.yaml', 'boards.yml', 'boards.csv'].map((f) => join(dir, f));
  for (const path of candidates) {
    try {
      readFileSync(path, { flag: 'r' });
      return { path, format: extname(path).toLowerCase() === '.csv' ? 'csv' : 'yaml' };
    } catch {
      // try the next name
    }
  }
  throw new BenchsightError(
    'E_BAD_REQUEST',
    `no manifest found in ${dir}: expected boards.yaml or boards.csv (or pass --manifest FILE)`,
    { status: 400 },
  );
}

/**
 * Imports a folder of images described by a CSV/YAML manifest. Each board is created together with
 * all of its references in one transaction: a crash or a bad image never leaves a half-enrolled
 * board. Boards that already exist (same vendor and model) get the new references. Call it through
 * CatalogEditor, which brings the live index up to date afterwards.
 */
export async function importFolder(
  dir: string,
  deps: { catalog: Catalog; recognizer: Recognizer },
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const { path, format } = findImportManifest(dir, opts.manifest);
  const rows = parseImportManifest(readFileSync(path, 'utf8'), format);
  const result: ImportResult = { boards: 0, updated: 0, references: 0, skipped: [], perBoard: [] };
  const total = rows.reduce((n, r) => n + r.images.length, 0);
  let done = 0;
  for (const row of rows) {
    const label = `${row.vendor} ${row.model}`;
    const prepared: { p: PreparedReference; file: string }[] = [];
    // a re-run (after a crash or with new images) skips what an earlier import already enrolled
    const known = deps.catalog.findBoard(row.vendor, row.model);
    const already = new Set(
      known
        ? deps.catalog
            .listReferences(known.id)
            .filter((r) => r.source === 'import')
            .map((r) => r.sourceDetail)
        : [],
    );
    try {
      for (const file of row.images) {
        if (already.has(file)) {
          opts.onProgress?.(++done, total, label);
          continue;
        }
        const full = resolve(dir, file);
        if (!full.startsWith(resolve(dir) + sep)) {
          throw new BenchsightError('E_BAD_REQUEST', `image path ${file} leaves the import folder`, {
            status: 400,
          });
        }
        const bytes = readFileSync(full);
        prepared.push({ p: await deps.recognizer.prepareReference(bytes), file });
        opts.onProgress?.(++done, total, label);
      }
    } catch (err) {
      const reason = errorMessage(err);
      result.skipped.push({ board: label, reason });
      result.perBoard.push({
        board: label,
        action: 'skipped',
        changed: [],
        references: 0,
        added: [],
        reason,
      });
      continue;
    }
    const outcome = deps.catalog.transaction((): ImportedBoard => {
      const existing = deps.catalog.findBoard(row.vendor, row.model);
      const patch = existing ? changedFields(existing, row) : {};
      const changed = Object.keys(patch) as (keyof BoardPatch)[];
      const board = existing
        ? changed.length > 0
          ? deps.catalog.updateBoard(existing.id, patch)
          : existing
        : deps.catalog.createBoard({
            vendor: row.vendor,
            model: row.model,
            kind: row.kind,
            chipType: row.chipType ?? null,
            chipCount: row.chipCount ?? null,
            notes: row.notes ?? '',
            tags: row.tags ?? [],
            textPattern: row.textPattern ?? null,
          });
      const added = prepared.map(({ p, file }) => ({
        id: deps.recognizer.store(board.id, p, 'import', file).id,
        label: file,
      }));
      const action = !existing ? 'created' : changed.length > 0 ? 'updated' : 'unchanged';
      return { board: label, action, changed, references: prepared.length, boardId: board.id, added };
    });
    if (outcome.action === 'created') result.boards++;
    if (outcome.action === 'updated') result.updated++;
    result.references += outcome.references;
    result.perBoard.push(outcome);
  }
  return result;
}
