import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPhotos, missingPhotos, PhotoSetError, readCached } from '../../../tools/eval/photos/fetch.ts';
import {
  cachedName,
  loadPhotoManifest,
  type Photo,
  type PhotoManifest,
  photoManifestSchema,
} from '../../../tools/eval/photos/manifest.ts';
import { buildPhotoBenchSet, splitPhotos } from '../../../tools/eval/photos/photo-set.ts';
import { homography, loadPhoto, photoBenchView, project } from '../../../tools/eval/photos/views.ts';
import { formatReport } from '../../../tools/eval/report.ts';
import { type EvalOptions, evaluate } from '../../../tools/eval/run.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const COMMIT = 'a'.repeat(40);

/** A small real picture of a "board": a green rectangle with pads, different per `seed`. */
async function boardPicture(seed: number, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const pads = Array.from({ length: 24 }, (_, i) => {
    const x = 20 + ((i * 37 + seed * 13) % 260);
    const y = 20 + ((i * 53 + seed * 29) % 160);
    return `<rect x="${x}" y="${y}" width="${8 + (i % 5) * 3}" height="${6 + (i % 3) * 4}" fill="#${((seed * 97 + i * 31) % 9) + 1}c${i % 10}"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200"><rect width="320" height="200" fill="#1f5a2a"/>${pads}</svg>`;
  const img = sharp(Buffer.from(svg));
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 90 }).toBuffer();
}

function photo(board: string, path: string, buf: Buffer, extra: Partial<Photo> = {}): Photo {
  return {
    board,
    role: 'enrolled',
    kind: 'render',
    repo: 'someone/boards',
    commit: COMMIT,
    path,
    bytes: buf.length,
    sha256: sha(buf),
    licence: 'MIT',
    ...extra,
  };
}

describe('real-photo set: fetching the pinned pictures', () => {
  let root: string;
  let server: Server;
  let base: string;
  let pictures: Array<{ path: string; buf: Buffer }>;
  let manifest: PhotoManifest;
  const requests: string[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'benchsight-photos-'));
    pictures = [
      { path: 'doc/board one.png', buf: await boardPicture(1) },
      { path: 'images/two.jpg', buf: await boardPicture(2, 'jpeg') },
    ];
    // A server laid out as raw.githubusercontent.com: /owner/name/commit/path, serving real files.
    const served = join(root, 'served');
    for (const p of pictures) {
      const f = join(served, 'someone', 'boards', COMMIT, p.path);
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, p.buf);
    }
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const f = join(served, decodeURIComponent(req.url ?? '/'));
      if (!f.startsWith(served) || !existsSync(f)) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(f));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    manifest = {
      photos: [
        photo('board-one', pictures[0]!.path, pictures[0]!.buf),
        photo('board-two', pictures[1]!.path, pictures[1]!.buf, {
          role: 'unknown',
          lookalikeOf: 'board-one',
        }),
      ],
    };
  });

  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(root, { recursive: true, force: true });
  });

  it('downloads each picture at its pinned commit, checks its sha256 and caches it by content', async () => {
    const cacheDir = join(root, 'cache-http');
    expect(missingPhotos(manifest, cacheDir)).toHaveLength(2);
    const r = await fetchPhotos(manifest, { cacheDir, from: base });
    expect(r).toEqual({ fetched: 2, present: 0 });
    expect(requests).toContain(`/someone/boards/${COMMIT}/doc/board%20one.png`);
    for (const [i, p] of manifest.photos.entries()) {
      expect(readCached(cacheDir, p).equals(pictures[i]!.buf)).toBe(true);
    }
    expect(missingPhotos(manifest, cacheDir)).toHaveLength(0);
    const again = await fetchPhotos(manifest, { cacheDir, from: base });
    expect(again).toEqual({ fetched: 0, present: 2 });
  });

  it('refuses a file whose checksum is not the pinned one, and caches nothing', async () => {
    const cacheDir = join(root, 'cache-bad');
    const wrong = { photos: [{ ...manifest.photos[0]!, sha256: 'f'.repeat(64) }] };
    const err = await fetchPhotos(wrong, { cacheDir, from: base }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PhotoSetError);
    expect((err as PhotoSetError).code).toBe('E_PHOTO_CHECKSUM');
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('names every picture that could not be fetched (HTTP 404) and how to retry', async () => {
    const cacheDir = join(root, 'cache-404');
    const absent = { photos: [{ ...manifest.photos[0]!, path: 'no/such.png' }] };
    const err = (await fetchPhotos(absent, { cacheDir, from: base, retries: 0 }).catch(
      (e: unknown) => e,
    )) as PhotoSetError;
    expect(err.code).toBe('E_PHOTO_FETCH');
    expect(err.message).toContain('board-one');
    expect(err.message).toContain('HTTP 404');
    expect(err.message).toContain('--photos-from');
  });

  it('copies from a folder of bare git mirrors (owner+name/repo) at the pinned commit', async () => {
    const work = join(root, 'work');
    mkdirSync(join(work, 'doc'), { recursive: true });
    mkdirSync(join(work, 'images'), { recursive: true });
    for (const p of pictures) writeFileSync(join(work, p.path), p.buf);
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', work, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args])
        .toString()
        .trim();
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'boards');
    const commit = git('rev-parse', 'HEAD');
    const mirrors = join(root, 'mirrors');
    execFileSync('git', ['clone', '-q', '--bare', work, join(mirrors, 'someone+boards', 'repo')]);
    const pinned = { photos: manifest.photos.map((p) => ({ ...p, commit })) };
    const cacheDir = join(root, 'cache-mirror');
    expect(await fetchPhotos(pinned, { cacheDir, from: mirrors })).toEqual({ fetched: 2, present: 0 });
    expect(readCached(cacheDir, pinned.photos[1]!).equals(pictures[1]!.buf)).toBe(true);
  });

  it('copies from a plain folder of the files (owner/name/path)', async () => {
    const folder = join(root, 'folder');
    for (const p of pictures) {
      const f = join(folder, 'someone', 'boards', p.path);
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, p.buf);
    }
    const cacheDir = join(root, 'cache-folder');
    expect(await fetchPhotos(manifest, { cacheDir, from: folder })).toEqual({ fetched: 2, present: 0 });
    expect(existsSync(join(cacheDir, cachedName(manifest.photos[0]!)))).toBe(true);
  });

  it('the eval skips the real-photo rows with a message saying how to get the pictures', async () => {
    const o = {
      synthetic: false,
      verify: false,
      models: [],
      histogram: false,
      seed: 1,
      tmpDir: root,
      log: () => {},
      photos: {
        manifest,
        cacheDir: join(root, 'empty'),
        queries: 1,
        unknownViews: 1,
        width: 160,
        height: 120,
      },
    } as unknown as EvalOptions;
    const r = await evaluate(o);
    expect(r.photos).toBeNull();
    expect(r.photosSkipped).toContain('2 of 2 photos');
    const text = formatReport(r, o, new Date(0));
    expect(text).toContain('npm run eval -- --photos');
    expect(text).toContain('--photos-from');
  });

  it('derives bench views of the cached pictures: references, queries and unknown views', async () => {
    const cacheDir = join(root, 'cache-http');
    const set = await buildPhotoBenchSet(manifest.photos, {
      seed: 3,
      cacheDir,
      queries: 2,
      unknownViews: 3,
      width: 160,
      height: 120,
    });
    expect(set.boards.map((b) => b.model)).toEqual(['board-one']);
    expect(set.references).toHaveLength(1);
    expect(set.queries.map((v) => v.board)).toEqual([0, 0]);
    expect(set.unknown.map((v) => v.board)).toEqual([null, null, null]);
    const meta = await sharp(set.queries[0]!.jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 160, 120]);
  });
});

describe('real-photo set: bench views', () => {
  it('maps each corner onto its target (the homography the view warps with)', () => {
    const from: [number, number][] = [
      [0, 0],
      [100, 0],
      [100, 50],
      [0, 50],
    ];
    const to: [number, number][] = [
      [10, 5],
      [120, 20],
      [110, 90],
      [5, 70],
    ];
    const h = homography(from as never, to as never);
    for (let i = 0; i < 4; i++) {
      const [x, y] = project(h, from[i]![0], from[i]![1]);
      expect(x).toBeCloseTo(to[i]![0], 6);
      expect(y).toBeCloseTo(to[i]![1], 6);
    }
  });

  it('is deterministic for a seed, differs between seeds, and keeps rotation within 15°', async () => {
    const rgb = await loadPhoto(await boardPicture(5));
    const frame = { width: 200, height: 150 };
    const a = await photoBenchView(rgb, 42, frame);
    const b = await photoBenchView(rgb, 42, frame);
    const c = await photoBenchView(rgb, 43, frame);
    expect(a.jpeg.equals(b.jpeg)).toBe(true);
    expect(a.jpeg.equals(c.jpeg)).toBe(false);
    const metas = await Promise.all(Array.from({ length: 40 }, (_, i) => photoBenchView(rgb, i, frame)));
    for (const { meta } of metas) {
      expect(Math.abs(meta.rotationDeg)).toBeLessThanOrEqual(15);
      expect(meta.crop.width).toBeGreaterThanOrEqual(0.7 * rgb.width - 1e-9);
      expect(meta.light).toBeLessThanOrEqual(1);
    }
    const occluded = metas.filter((m) => m.meta.occluded).length;
    expect(occluded).toBeGreaterThan(5);
    expect(occluded).toBeLessThan(35);
  });

  it('puts the picture where the view says: inside its quad the (red) picture, not the mat', async () => {
    const red = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    const rgb = await loadPhoto(red);
    let checked = 0;
    for (let seed = 0; seed < 6; seed++) {
      const { jpeg, meta } = await photoBenchView(rgb, seed, { width: 320, height: 240 });
      if (meta.occluded) continue;
      const { data } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
      const [tl, , br] = meta.quad;
      const i = (Math.round((tl[1] + br[1]) / 2) * 320 + Math.round((tl[0] + br[0]) / 2)) * 3;
      expect(data[i]!).toBeGreaterThan(data[i + 1]! + 40);
      expect(data[i]!).toBeGreaterThan(data[i + 2]! + 40);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('real-photo set: the manifest and its split', () => {
  const m = loadPhotoManifest();

  it('pins enough boards, with look-alikes never enrolled, and nothing from the reserved bitaxe pictures', () => {
    const enrolled = m.photos.filter((p) => p.role === 'enrolled');
    const unknown = m.photos.filter((p) => p.role === 'unknown');
    expect(enrolled.length).toBeGreaterThanOrEqual(15);
    expect(unknown.length).toBeGreaterThanOrEqual(8);
    expect(unknown.filter((p) => p.lookalikeOf).length).toBeGreaterThanOrEqual(6);
    for (const p of m.photos) {
      expect(p.repo.toLowerCase()).not.toMatch(/^(skot\/bitaxe|bitaxeorg\/)/);
      expect(p.path.toLowerCase()).not.toContain('bitaxe');
      expect(p.licence.length).toBeGreaterThan(0);
    }
    expect(new Set(m.photos.map((p) => p.sha256)).size).toBe(m.photos.length);
  });

  it('refuses a manifest whose look-alike names no enrolled board', () => {
    const bad = { photos: [{ ...m.photos[0]!, role: 'unknown', lookalikeOf: 'nobody' }] };
    expect(photoManifestSchema.safeParse(bad).success).toBe(false);
  });

  it('splits boards into validation and test deterministically, each look-alike with its sibling', () => {
    const a = splitPhotos(m, 1);
    const b = splitPhotos(m, 1);
    expect(a).toEqual(b);
    const all = [...a.validation, ...a.test].map((p) => p.board).sort();
    expect(all).toEqual(m.photos.map((p) => p.board).sort());
    for (const part of [a.validation, a.test]) {
      const enrolled = new Set(part.filter((p) => p.role === 'enrolled').map((p) => p.board));
      expect(enrolled.size).toBeGreaterThan(0);
      expect(part.some((p) => p.role === 'unknown')).toBe(true);
      for (const p of part) if (p.lookalikeOf) expect(enrolled.has(p.lookalikeOf)).toBe(true);
    }
    const share =
      a.validation.filter((p) => p.role === 'enrolled').length /
      m.photos.filter((p) => p.role === 'enrolled').length;
    expect(share).toBeCloseTo(1 / 3, 1);
  });
});
