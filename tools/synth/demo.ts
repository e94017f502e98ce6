import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { BenchsightError } from '../../src/errors.ts';
import { HardwareReference } from '../../src/hardware/reference.ts';
import { boardTypeFromSeed, vendorModelFor } from './board.ts';
import { demoFacts, repairNotes, slug, tagsFor } from './demo-notes.ts';
import type { Nuisance } from './nuisance.ts';
import type { BoardPose } from './pose.ts';
import { deriveSeed, Rng } from './rng.ts';
import { renderBenchView } from './scene.ts';
import type { BoardKind, BoardType } from './types.ts';

/** Bump when the generator's output changes: a demo with another version is regenerated. */
export const DEMO_GENERATOR_VERSION = 4;

export interface DemoOptions {
  boards?: number;
  width?: number;
  height?: number;
  seed?: number;
}

export interface DemoBoard {
  vendor: string;
  model: string;
  kind: BoardKind;
  /** From the hardware reference; null where it states nothing. */
  chipType: string | null;
  chipCount: number | null;
  typeSeed: number;
  /** First and last frame number (1-based, inclusive) of the board's static run. */
  staticFrames: [number, number];
  images: string[];
}

export interface DemoSummary {
  dir: string;
  version: number;
  seed: number;
  width: number;
  height: number;
  /** Frames in dir/frames. */
  frames: number;
  boards: DemoBoard[];
  /** Catalog images, the empty bench's included. */
  catalogImages: number;
  bytes: number;
  /** Generation time (of the run that wrote the demo), ms. */
  ms: number;
  /** True when an up-to-date demo was already there. */
  skipped: boolean;
}

const KIND_CYCLE: readonly BoardKind[] = ['hashboard', 'hashboard', 'control-board', 'psu'];
const LEAD_IN = 3;
const MOVING = 4;
const STATIC = 12;
const EMPTY_AFTER = 6;
const QUALITY = 75;

/** One bench under one camera: only the board and its placement change between frames. */
const BENCH: Partial<Nuisance> = {
  position: 0,
  rotation: 0,
  scale: 0.3,
  skew: 0.15,
  lighting: 0.4,
  colorTemp: 0.4,
  glare: 0.2,
  shadow: 0.6,
  blur: 0,
  noise: 0.12,
  jpeg: 0,
  occlusion: 0,
  clutter: 0.5,
};
/** Catalogue photos: other benches, other light, any angle. */
const CATALOG: Partial<Nuisance> = { occlusion: 0, blur: 0.15, jpeg: 0, noise: 0.25, clutter: 0.4 };

/** The bench the project is about: the first boards are these models when a seed yields them. */
const PREFERRED_MODELS: readonly string[] = ['S19j Pro', 'M30S++', 'C52 CTRL', 'APW12'];

/** Board types with distinct vendor + model (the catalogue's key), kinds cycling through KIND_CYCLE. */
function demoBoards(seed: number, count: number): BoardType[] {
  const types: BoardType[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const kind = KIND_CYCLE[i % KIND_CYCLE.length] as BoardKind;
    const preferred = PREFERRED_MODELS[i];
    let fallback: BoardType | null = null;
    for (let attempt = 0; attempt < 400; attempt++) {
      const type = boardTypeFromSeed(deriveSeed(seed, 'demo-board', i, attempt), kind);
      if (seen.has(`${type.identity.vendor}\n${type.identity.model}`)) continue;
      fallback ??= type;
      if (preferred === undefined || type.identity.model === preferred) {
        fallback = type;
        break;
      }
    }
    const chosen = fallback ?? boardTypeFromSeed(deriveSeed(seed, 'demo-board', i), kind);
    seen.add(`${chosen.identity.vendor}\n${chosen.identity.model}`);
    types.push(chosen);
  }
  return types;
}

async function sizeOf(dir: string, names: string[]): Promise<number> {
  let total = 0;
  for (const name of names) total += (await stat(join(dir, name))).size;
  return total;
}

async function generate(
  dir: string,
  seed: number,
  count: number,
  width: number,
  height: number,
): Promise<DemoSummary> {
  const start = performance.now();
  const reference = HardwareReference.load();
  await mkdir(join(dir, 'frames'), { recursive: true });
  await mkdir(join(dir, 'catalog'), { recursive: true });
  const files: string[] = [];
  let frame = 0;
  const writeFrame = async (jpeg: Buffer): Promise<number> => {
    const name = join('frames', `${String(++frame).padStart(6, '0')}.jpg`);
    await writeFile(join(dir, name), jpeg);
    files.push(name);
    return frame;
  };
  const writeCatalog = async (name: string, jpeg: Buffer): Promise<string> => {
    await writeFile(join(dir, 'catalog', name), jpeg);
    files.push(join('catalog', name));
    return name;
  };

  const benchSeed = deriveSeed(seed, 'bench');
  const view = { width, height, nuisance: BENCH, quality: QUALITY, mozjpeg: true };
  const empty = (await renderBenchView(null, benchSeed, view)).jpeg;
  for (let i = 0; i < LEAD_IN; i++) await writeFrame(empty);

  const entries: Array<Record<string, unknown>> = [];
  const boards: DemoBoard[] = [];
  for (const [i, type] of demoBoards(seed, count).entries()) {
    const rng = new Rng(deriveSeed(seed, 'placement', i));
    const placement: Partial<BoardPose> = {
      cx: width * rng.float(0.44, 0.56),
      cy: height * rng.float(0.44, 0.56),
      angleDeg: rng.float(-12, 12),
    };
    const still = await renderBenchView(type, benchSeed, { ...view, pose: placement });
    const pose = still.meta.board?.pose;
    if (!pose) throw new Error('demo: a board view came back without a board');
    // Put down from the technician's side: slides up from the bottom edge and turns into place.
    for (let k = 0; k < MOVING; k++) {
      const t = (k + 1) / (MOVING + 1);
      const moving: BoardPose = {
        ...pose,
        cy: pose.cy + (1 - t) ** 1.5 * height * 0.7,
        angleDeg: pose.angleDeg + (1 - t) * 25,
      };
      await writeFrame((await renderBenchView(type, benchSeed, { ...view, pose: moving })).jpeg);
    }
    const first = frame + 1;
    for (let k = 0; k < STATIC; k++) await writeFrame(still.jpeg);
    const last = frame;
    for (let k = 0; k < EMPTY_AFTER; k++) await writeFrame(empty);

    const vm = vendorModelFor(type);
    const base = `${String(i + 1).padStart(2, '0')}-${slug(vm.model)}`;
    const images = [await writeCatalog(`${base}-1.jpg`, still.jpeg)];
    for (let k = 2; k <= 3; k++) {
      const other = await renderBenchView(type, deriveSeed(seed, 'catalog-view', i, k), {
        width,
        height,
        nuisance: CATALOG,
        quality: QUALITY,
        mozjpeg: true,
      });
      images.push(await writeCatalog(`${base}-${k}.jpg`, other.jpeg));
    }
    const facts = demoFacts(vm, reference);
    // Keys as src/catalog/import.ts reads them; chip facts only where the hardware reference states them.
    entries.push({
      vendor: vm.vendor,
      model: vm.model,
      kind: vm.kind,
      ...(facts.chipType ? { chip_type: facts.chipType } : {}),
      ...(facts.chipCount !== null ? { chip_count: facts.chipCount } : {}),
      notes: repairNotes(vm, facts),
      tags: tagsFor(vm, facts),
      images,
    });
    boards.push({
      vendor: vm.vendor,
      model: vm.model,
      kind: vm.kind,
      chipType: facts.chipType,
      chipCount: facts.chipCount,
      typeSeed: type.seed,
      staticFrames: [first, last],
      images,
    });
  }

  // The empty bench under the demo's light, and under stronger light from another angle.
  const emptyImages = [await writeCatalog('00-empty-bench-1.jpg', empty)];
  const relit = await renderBenchView(null, benchSeed, { ...view, nuisance: { ...BENCH, lighting: 0.9 } });
  emptyImages.push(await writeCatalog('00-empty-bench-2.jpg', relit.jpeg));
  entries.unshift({
    vendor: 'Bench',
    model: 'Empty bench',
    kind: 'empty-bench',
    notes: 'Nothing on the bench.',
    tags: ['demo', 'empty-bench'],
    images: emptyImages,
  });
  const header = `# benchsight demo catalogue, generated by tools/synth/demo.ts (version ${DEMO_GENERATOR_VERSION}, seed ${seed}).\n`;
  await writeFile(join(dir, 'catalog', 'boards.yaml'), header + stringify(entries, { lineWidth: 100 }));
  files.push(join('catalog', 'boards.yaml'));

  return {
    dir,
    version: DEMO_GENERATOR_VERSION,
    seed,
    width,
    height,
    frames: frame,
    boards,
    catalogImages: boards.reduce((s, b) => s + b.images.length, 0) + emptyImages.length,
    bytes: await sizeOf(dir, files),
    ms: Math.round(performance.now() - start),
    skipped: false,
  };
}

interface Marker {
  version: number;
  seed: number;
  boards: number;
  width: number;
  height: number;
  summary: DemoSummary;
}

async function readMarker(dir: string): Promise<Marker | null> {
  try {
    return JSON.parse(await readFile(join(dir, '.complete'), 'utf8')) as Marker;
  } catch {
    return null;
  }
}

/**
 * Writes a deterministic demo bench into `dir`: `frames/000001.jpg...` (a replay: empty bench, then
 * each board put down, left still, and taken away) and `catalog/boards.yaml` with reference images.
 * Skips when `dir/.complete` says the same generator version and options already ran; otherwise
 * builds in a sibling temporary folder and swaps it in, so `dir` is never half-written.
 */
export async function makeDemo(dir: string, opts: DemoOptions = {}): Promise<DemoSummary> {
  const seed = (opts.seed ?? 1) >>> 0;
  const boards = opts.boards ?? 4;
  const width = opts.width ?? 640;
  const height = opts.height ?? 480;
  if (!Number.isInteger(boards) || boards < 1 || boards > 16) {
    throw new BenchsightError(
      'E_BAD_REQUEST',
      `demo boards must be a whole number from 1 to 16, got ${boards}`,
      { status: 400 },
    );
  }
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 64 ||
    height < 48 ||
    width > 4096 ||
    height > 4096
  ) {
    throw new BenchsightError(
      'E_BAD_REQUEST',
      `demo frame size must be whole pixels from 64x48 to 4096x4096, got ${width}x${height}`,
      { status: 400 },
    );
  }
  const wanted = { version: DEMO_GENERATOR_VERSION, seed, boards, width, height };
  const matches = (m: Marker | null): m is Marker =>
    m !== null &&
    m.version === wanted.version &&
    m.seed === seed &&
    m.boards === boards &&
    m.width === width &&
    m.height === height;
  const existing = await readMarker(dir);
  if (matches(existing)) return { ...existing.summary, dir, skipped: true };

  await mkdir(dirname(dir), { recursive: true });
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const tmp = `${dir}.tmp-${stamp}`;
  try {
    const summary = await generate(tmp, seed, boards, width, height);
    summary.dir = dir;
    await writeFile(join(tmp, '.complete'), JSON.stringify({ ...wanted, summary } satisfies Marker, null, 2));
    const old = `${dir}.old-${stamp}`;
    const replacing = existsSync(dir);
    if (replacing) await rename(dir, old);
    try {
      await rename(tmp, dir);
    } catch (err) {
      if (replacing) await rename(old, dir).catch(() => undefined);
      throw err;
    }
    await rm(old, { recursive: true, force: true });
    return summary;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    const raced = await readMarker(dir);
    if (matches(raced)) return { ...raced.summary, dir, skipped: true };
    throw err;
  }
}
