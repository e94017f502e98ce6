import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Catalog, type CatalogOptions } from '../../src/catalog/index.ts';
import type { NewReference } from '../../src/catalog/types.ts';

/** A fresh temp folder per test, removed afterwards, and catalogs opened in it closed. */
export function useTempDir(): { dir: () => string; open: (name?: string, opts?: CatalogOptions) => Catalog } {
  const dirs: string[] = [];
  const catalogs: Catalog[] = [];
  afterEach(() => {
    for (const c of catalogs.splice(0)) c.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'benchsight-catalog-'));
    dirs.push(d);
    return d;
  };
  const open = (name = 'catalog.db', opts: CatalogOptions = {}): Catalog => {
    const c = Catalog.open(join(dirs.at(-1) ?? dir(), name), opts);
    catalogs.push(c);
    return c;
  };
  return { dir, open };
}

/** Bytes that pass as a JPEG (SOI marker) and differ by `seed`; nothing here decodes them. */
export function fakeJpeg(seed: number, size = 64): Buffer {
  const b = Buffer.alloc(size, seed & 0xff);
  b[0] = 0xff;
  b[1] = 0xd8;
  b[2] = 0xff;
  b[3] = 0xe0;
  b.writeUInt32BE(seed >>> 0, 4);
  return b;
}

export function vector(dim: number, seed: number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = Math.sin(seed * 7.1 + i * 0.37) + seed;
  return v;
}

export function newReference(boardId: number, seed: number, extra: Partial<NewReference> = {}): NewReference {
  return {
    boardId,
    image: fakeJpeg(seed, 256),
    thumbnail: fakeJpeg(seed + 1000),
    width: 640,
    height: 480,
    source: 'upload',
    sourceDetail: `board-${seed}.jpg`,
    ...extra,
  };
}

/** Expects fn to throw a BenchsightError with this code; returns it for further checks. */
export function catchError(fn: () => unknown): { code?: string; status?: number; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; status?: number; message: string };
  }
  throw new Error('expected an error, none was thrown');
}
