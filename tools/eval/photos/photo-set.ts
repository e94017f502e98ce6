import type { BoardKind } from '../../../src/protocol.ts';
import { deriveSeed, Rng } from '../../synth/rng.ts';
import type { BenchBoard, BenchSet, BenchView } from '../bench-set.ts';
import { readCached } from './fetch.ts';
import type { Photo, PhotoManifest } from './manifest.ts';
import { loadPhoto, photoBenchView, referenceJpeg } from './views.ts';

export interface PhotoSplit {
  validation: Photo[];
  test: Photo[];
}

/** Share of the enrolled boards (with their look-alikes) that choose operating points and defaults. */
export const VALIDATION_SHARE = 1 / 3;

/**
 * Splits the boards into a validation part (operating points, defaults) and a test part (reported),
 * seeded. A board never enrolled stays with the enrolled board it looks like, so both parts test
 * unknown-rejection where it is hard; the other unknown boards are dealt out in the same proportion.
 */
export function splitPhotos(m: PhotoManifest, seed: number, share = VALIDATION_SHARE): PhotoSplit {
  const rng = new Rng(deriveSeed(seed, 'photo-split'));
  const shuffle = <T>(xs: T[]): T[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  const enrolled = shuffle(m.photos.filter((p) => p.role === 'enrolled'));
  const cut = Math.round(enrolled.length * share);
  const validationBoards = new Set(enrolled.slice(0, cut).map((p) => p.board));
  const loose = shuffle(m.photos.filter((p) => p.role === 'unknown' && !p.lookalikeOf));
  const looseCut = Math.round(loose.length * share);
  const inValidation = (p: Photo) =>
    p.role === 'enrolled'
      ? validationBoards.has(p.board)
      : p.lookalikeOf
        ? validationBoards.has(p.lookalikeOf)
        : loose.indexOf(p) < looseCut;
  const validation: Photo[] = [];
  const test: Photo[] = [];
  for (const p of m.photos) (inValidation(p) ? validation : test).push(p);
  return { validation, test };
}

export interface PhotoSetOptions {
  seed: number;
  cacheDir: string;
  /** Bench views per enrolled board, and per board never enrolled. */
  queries: number;
  unknownViews: number;
  width: number;
  height: number;
}

function benchBoard(p: Photo): BenchBoard {
  const kind: BoardKind = /hash|asic|proto|nerd|ember|gamma/.test(p.board) ? 'hashboard' : 'control-board';
  return { vendor: p.repo.split('/')[0]!, model: p.board, kind, chipType: null };
}

/**
 * The bench set of one part: each enrolled board enrolled from its one picture, `queries` bench
 * views of it, and `unknownViews` views of each board never enrolled. Views are seeded by the
 * picture's checksum, so a board's views do not depend on which part it falls in.
 */
export async function buildPhotoBenchSet(photos: readonly Photo[], o: PhotoSetOptions): Promise<BenchSet> {
  const set: BenchSet = { boards: [], references: [], queries: [], unknown: [], nuisance: {}, rendered: 0 };
  const frame = { width: o.width, height: o.height };
  const views = async (p: Photo, board: number | null, count: number): Promise<BenchView[]> => {
    const rgb = await loadPhoto(readCached(o.cacheDir, p));
    if (board !== null) set.references.push({ board, jpeg: await referenceJpeg(rgb) });
    const out: BenchView[] = [];
    for (let v = 0; v < count; v++) {
      const { jpeg } = await photoBenchView(rgb, deriveSeed(o.seed, 'photo-view', p.sha256, v), frame);
      out.push({ board, jpeg });
      set.rendered++;
    }
    return out;
  };
  for (const p of photos.filter((x) => x.role === 'enrolled')) {
    set.boards.push(benchBoard(p));
    set.queries.push(...(await views(p, set.boards.length - 1, o.queries)));
  }
  for (const p of photos.filter((x) => x.role === 'unknown'))
    set.unknown.push(...(await views(p, null, o.unknownViews)));
  return set;
}
