import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { errorMessage } from '../errors.ts';
import { type LoadedManifest, loadManifest } from '../vision/manifest.ts';

/** What a verified fetch recorded about the file it installed. */
export interface InstallRecord {
  bytes: number;
  sha256: string;
  source: string;
  fetchedAt: string;
  /** The manifest named no sha256: this fetch recorded it (trust on first use). */
  recordedFirst: boolean;
}

export interface ModelEntry {
  name: string;
  loaded: LoadedManifest;
  installed: boolean;
  bytes: number | null;
  record: InstallRecord | null;
}

export function recordPath(modelPath: string): string {
  return `${modelPath}.verified.json`;
}

export function readInstallRecord(modelPath: string): InstallRecord | null {
  try {
    return JSON.parse(readFileSync(recordPath(modelPath), 'utf8')) as InstallRecord;
  } catch {
    return null;
  }
}

/** Writes the record next to the model, atomically (temp file + rename). */
export function writeInstallRecord(modelPath: string, record: InstallRecord): void {
  const tmp = `${recordPath(modelPath)}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(tmp, recordPath(modelPath));
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every model manifest in `modelsDir`, with whether its ONNX file is present. */
export function listModels(
  modelsDir: string,
  installDir: string,
): { entries: ModelEntry[]; broken: string[] } {
  const entries: ModelEntry[] = [];
  const broken: string[] = [];
  const files = existsSync(modelsDir) ? readdirSync(modelsDir).filter((f) => f.endsWith('.json')) : [];
  for (const file of files.sort()) {
    const name = basename(file, '.json');
    try {
      const loaded = loadManifest(join(modelsDir, file), modelsDir, installDir);
      const installed = existsSync(loaded.modelPath);
      entries.push({
        name,
        loaded,
        installed,
        bytes: installed ? statSync(loaded.modelPath).size : null,
        record: installed ? readInstallRecord(loaded.modelPath) : null,
      });
    } catch (err) {
      broken.push(`${file}: ${errorMessage(err)}`);
    }
  }
  return { entries, broken };
}

export type VerifyOutcome =
  | { status: 'ok'; sha256: string; against: 'manifest' | 'fetch record' }
  | { status: 'mismatch'; sha256: string; expected: string; against: 'manifest' | 'fetch record' }
  | { status: 'unrecorded'; sha256: string }
  | { status: 'missing' };

/** Re-hashes an installed model and compares it with the manifest's sha256, else the fetch record's. */
export async function verifyModel(entry: ModelEntry): Promise<VerifyOutcome> {
  if (!existsSync(entry.loaded.modelPath)) return { status: 'missing' };
  const sha256 = await sha256File(entry.loaded.modelPath);
  const fromManifest = entry.loaded.manifest.source?.sha256;
  const expected = fromManifest ?? entry.record?.sha256;
  if (!expected) return { status: 'unrecorded', sha256 };
  const against = fromManifest ? 'manifest' : 'fetch record';
  return expected === sha256
    ? { status: 'ok', sha256, against }
    : { status: 'mismatch', sha256, expected, against };
}
