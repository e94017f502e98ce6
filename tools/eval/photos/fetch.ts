import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cachedName, type Photo, type PhotoManifest } from './manifest.ts';

export type PhotoErrorCode = 'E_PHOTOS_MISSING' | 'E_PHOTO_FETCH' | 'E_PHOTO_CHECKSUM';

/** An error of the real-photo set, with a stable code and what to do about it. */
export class PhotoSetError extends Error {
  readonly code: PhotoErrorCode;
  constructor(code: PhotoErrorCode, message: string) {
    super(message);
    this.name = 'PhotoSetError';
    this.code = code;
  }
}

export const RAW_GITHUB = 'https://raw.githubusercontent.com';

/** How to get the pictures: `npm run eval -- --photos` or `--photos-from DIR|URL`. */
export const HOW_TO_GET =
  'get them with `npm run eval -- --photos` (downloads them from raw.githubusercontent.com at the pinned ' +
  'commits, checking each sha256) or `npm run eval -- --photos-from DIR` (a folder of the files, or of ' +
  'bare git mirrors named owner+name/repo)';

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export interface FetchPhotosOptions {
  cacheDir: string;
  /** A local folder or mirror, or the base URL of a server laid out as raw.githubusercontent.com. */
  from?: string;
  retries?: number;
  log?: (line: string) => void;
}

export interface FetchPhotosResult {
  /** Already in the cache with the right checksum. */
  present: number;
  fetched: number;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

/** `owner/name/commit/dir/file name.jpg` with every path segment escaped. */
export function rawPath(p: Photo): string {
  return [...p.repo.split('/'), p.commit, ...p.path.split('/')].map(encodeURIComponent).join('/');
}

async function download(base: string, p: Photo, retries: number): Promise<Buffer> {
  const url = `${base.replace(/\/+$/, '')}/${rawPath(p)}`;
  let last = '';
  for (let n = 0; n <= retries; n++) {
    try {
      const res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(60_000) });
      if (res.ok) return Buffer.from(await res.arrayBuffer());
      last = `HTTP ${res.status} ${res.statusText}`;
      if (res.status < 500 && res.status !== 429) break;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 500 * 2 ** n));
  }
  throw new PhotoSetError('E_PHOTO_FETCH', `${url}: ${last}`);
}

/** The picture from a local folder: a bare git mirror (owner+name/repo), a checkout, or a flat copy. */
function readLocal(dir: string, p: Photo): Buffer {
  const [owner, name] = p.repo.split('/') as [string, string];
  const mirror = join(dir, `${owner}+${name}`, 'repo');
  if (existsSync(mirror)) {
    try {
      return execFileSync('git', ['--git-dir', mirror, 'cat-file', 'blob', `${p.commit}:${p.path}`], {
        maxBuffer: 1 << 28,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch {
      throw new PhotoSetError('E_PHOTO_FETCH', `${mirror} has no ${p.path} at commit ${p.commit}`);
    }
  }
  const candidates = [
    join(dir, owner, name, p.commit, p.path),
    join(dir, owner, name, p.path),
    join(dir, cachedName(p)),
  ];
  const found = candidates.find((f) => existsSync(f));
  if (!found) throw new PhotoSetError('E_PHOTO_FETCH', `none of ${candidates.join(', ')} exists`);
  return readFileSync(found);
}

/** Whether the cache holds the picture whole (size checked; the checksum is checked when it is read). */
export function isCached(cacheDir: string, p: Photo): boolean {
  const f = join(cacheDir, cachedName(p));
  return existsSync(f) && statSync(f).size === p.bytes;
}

/** The pictures of the manifest missing from the cache. */
export function missingPhotos(m: PhotoManifest, cacheDir: string): Photo[] {
  return m.photos.filter((p) => !isCached(cacheDir, p));
}

/** Reads a cached picture, checking its sha256. */
export function readCached(cacheDir: string, p: Photo): Buffer {
  const f = join(cacheDir, cachedName(p));
  if (!existsSync(f))
    throw new PhotoSetError('E_PHOTOS_MISSING', `${f} (${p.board}) is missing: ${HOW_TO_GET}`);
  const buf = readFileSync(f);
  if (sha256(buf) !== p.sha256) {
    throw new PhotoSetError(
      'E_PHOTO_CHECKSUM',
      `${f} (${p.board}) is not the pinned file: delete it and ${HOW_TO_GET}`,
    );
  }
  return buf;
}

/**
 * Puts every picture of the manifest into the cache: downloaded from raw.githubusercontent.com (or a
 * server laid out like it) at its pinned commit, or copied from a local folder; each checked against
 * its size and sha256 before it is renamed into place. Throws one error naming every failure.
 */
export async function fetchPhotos(m: PhotoManifest, o: FetchPhotosOptions): Promise<FetchPhotosResult> {
  mkdirSync(o.cacheDir, { recursive: true });
  const failures: string[] = [];
  let present = 0;
  let fetched = 0;
  for (const p of m.photos) {
    if (isCached(o.cacheDir, p) && sha256(readFileSync(join(o.cacheDir, cachedName(p)))) === p.sha256) {
      present++;
      continue;
    }
    try {
      const buf =
        o.from && !isUrl(o.from)
          ? readLocal(o.from, p)
          : await download(o.from ?? RAW_GITHUB, p, o.retries ?? 2);
      if (buf.length !== p.bytes || sha256(buf) !== p.sha256) {
        throw new PhotoSetError(
          'E_PHOTO_CHECKSUM',
          `${p.repo}@${p.commit.slice(0, 7)}:${p.path} has ${buf.length} bytes, sha256 ${sha256(buf)}; the manifest pins ${p.bytes} bytes, ${p.sha256}`,
        );
      }
      const dest = join(o.cacheDir, cachedName(p));
      writeFileSync(`${dest}.part`, buf);
      renameSync(`${dest}.part`, dest);
      fetched++;
      o.log?.(`photo ${p.board}: ${p.repo}/${p.path} (${buf.length} bytes)`);
    } catch (err) {
      failures.push(`${p.board}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (failures.length > 0) {
    const code = failures.every((f) => f.includes('sha256')) ? 'E_PHOTO_CHECKSUM' : 'E_PHOTO_FETCH';
    throw new PhotoSetError(
      code,
      `${failures.length} of ${m.photos.length} photos not fetched:\n  ${failures.join('\n  ')}\n` +
        'Run the command again, or pass --photos-from with a folder or a mirror that has them.',
    );
  }
  return { present, fetched };
}
