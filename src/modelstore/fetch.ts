import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { open, rename, truncate } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BenchsightError, errorMessage } from '../errors.ts';
import type { LoadedManifest } from '../vision/manifest.ts';
import { checkModelFile } from './check-model.ts';
import { sha256File, writeInstallRecord } from './registry.ts';

export interface FetchOptions {
  /** A mirror URL or a local file; default: the manifest's source URL. */
  from?: string;
  /** Abort an attempt when no byte arrives for this long. */
  stallTimeoutMs?: number;
  /** Further attempts after a failed one; each resumes the partial file. */
  retries?: number;
  backoffMs?: number;
  onProgress?: (done: number, total: number | null) => void;
  onRetry?: (attempt: number, reason: string, delayMs: number) => void;
}

export interface FetchResult {
  path: string;
  bytes: number;
  sha256: string;
  /** The manifest had no sha256: this fetch recorded it. */
  recordedFirst: boolean;
  /** Attempts that resumed a partial download. */
  resumed: number;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

class RetryableError extends Error {}

/** One HTTP attempt, appending to `part` from its current size. Returns when the body is complete. */
async function attempt(url: string, part: string, opts: FetchOptions): Promise<boolean> {
  const offset = existsSync(part) ? statSync(part).size : 0;
  const controller = new AbortController();
  let stall: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(stall);
    stall = setTimeout(() => controller.abort(), opts.stallTimeoutMs ?? 30_000);
  };
  arm();
  try {
    let res: Response;
    try {
      res = await fetch(url, {
        headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
        signal: controller.signal,
        redirect: 'follow',
      });
    } catch (err) {
      throw new RetryableError(controller.signal.aborted ? 'no answer (timed out)' : errorMessage(err));
    }
    if (res.status === 416 && offset > 0) return false;
    if (res.status >= 500 || res.status === 429) throw new RetryableError(`HTTP ${res.status}`);
    if (res.status !== 200 && res.status !== 206) {
      throw new BenchsightError('E_MODEL_FETCH', `${url} answered HTTP ${res.status} ${res.statusText}`);
    }
    let done = offset;
    if (res.status === 200 && offset > 0) {
      await truncate(part, 0); // the server ignored the range: start over
      done = 0;
    }
    const length = Number(res.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? done + length : null;
    const out = createWriteStream(part, { flags: 'a' });
    try {
      const body = res.body;
      if (!body) throw new RetryableError('empty response body');
      await pipeline(
        (async function* () {
          for await (const chunk of Readable.fromWeb(body as import('node:stream/web').ReadableStream)) {
            arm();
            done += (chunk as Uint8Array).length;
            opts.onProgress?.(done, total);
            yield chunk;
          }
        })(),
        out,
      );
    } catch (err) {
      throw new RetryableError(controller.signal.aborted ? 'connection stalled' : errorMessage(err));
    }
    if (total !== null && done < total)
      throw new RetryableError(`connection closed at ${done} of ${total} bytes`);
    return offset > 0 && res.status === 206;
  } finally {
    clearTimeout(stall);
  }
}

async function download(url: string, part: string, opts: FetchOptions): Promise<number> {
  const retries = opts.retries ?? 5;
  let resumed = 0;
  for (let n = 0; ; n++) {
    try {
      if (await attempt(url, part, opts)) resumed++;
      return resumed;
    } catch (err) {
      if (!(err instanceof RetryableError) || n >= retries) {
        if (err instanceof BenchsightError) throw err;
        throw new BenchsightError(
          'E_MODEL_FETCH',
          `download of ${url} failed after ${n + 1} attempts: ${errorMessage(err)}. ` +
            'Run the same command again to resume, or use --from with a mirror URL or a local copy of the file.',
        );
      }
      const delay = Math.min((opts.backoffMs ?? 1000) * 2 ** n, 30_000);
      opts.onRetry?.(n + 1, errorMessage(err), delay);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

async function copyLocal(file: string, part: string, opts: FetchOptions): Promise<void> {
  if (!existsSync(file)) throw new BenchsightError('E_MODEL_FETCH', `${file} does not exist`);
  const total = statSync(file).size;
  let done = 0;
  const input = createReadStream(file);
  input.on('data', (c) => {
    done += (c as Buffer).length;
    opts.onProgress?.(done, total);
  });
  await pipeline(input, createWriteStream(part));
}

/**
 * Downloads (or copies) a model into place: a `.part` file next to the destination that survives
 * interruptions and is resumed with an HTTP range request. Size and sha256 are checked, then the file
 * is opened with onnxruntime and run once against its manifest, before it is renamed into place: a
 * half-written, wrong or corrupt model is never installed, and an installed one is left as it was.
 */
export async function fetchModel(loaded: LoadedManifest, opts: FetchOptions = {}): Promise<FetchResult> {
  const { manifest, modelPath } = loaded;
  const source = opts.from ?? manifest.source?.url;
  if (!source) {
    throw new BenchsightError(
      'E_BAD_REQUEST',
      `the manifest of ${manifest.name} names no download URL; pass --from URL or --from FILE`,
    );
  }
  mkdirSync(dirname(modelPath), { recursive: true });
  const part = `${modelPath}.part`;
  let resumed = 0;
  if (isUrl(source)) resumed = await download(source, part, opts);
  else await copyLocal(resolve(source), part, opts);

  const bytes = statSync(part).size;
  const sha256 = await sha256File(part);
  const expected = manifest.source;
  const problems: string[] = [];
  if (expected?.bytes !== undefined && expected.bytes !== bytes)
    problems.push(`${bytes} bytes, expected ${expected.bytes}`);
  if (expected?.sha256 && expected.sha256 !== sha256)
    problems.push(`sha256 ${sha256}, expected ${expected.sha256}`);
  if (problems.length > 0) {
    unlinkSync(part);
    throw new BenchsightError(
      'E_MODEL_VERIFY',
      `${source} gave a file that does not match the manifest of ${manifest.name} (${problems.join('; ')}). ` +
        'Nothing was installed. Check the mirror or the local file, then fetch again.',
    );
  }
  try {
    await checkModelFile(loaded, part);
  } catch (err) {
    unlinkSync(part);
    throw new BenchsightError(
      'E_MODEL_VERIFY',
      `${source} is not a ${manifest.name} model: ${errorMessage(err)}. ` +
        'Nothing was installed. Check the mirror or the local file (a truncated download, an HTML error page ' +
        'or another model are refused), then fetch again.',
      { cause: err },
    );
  }
  const fd = await open(part, 'r+');
  await fd.sync();
  await fd.close();
  await rename(part, modelPath);
  const recordedFirst = !expected?.sha256;
  writeInstallRecord(modelPath, {
    bytes,
    sha256,
    source,
    fetchedAt: new Date().toISOString(),
    recordedFirst,
  });
  return { path: modelPath, bytes, sha256, recordedFirst, resumed };
}
