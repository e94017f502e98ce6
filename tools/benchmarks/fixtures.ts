import { existsSync, readFileSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { DEFAULT_MODEL } from '../../src/config/schema.ts';
import { type LoadedManifest, loadManifest, manifestSchema } from '../../src/vision/manifest.ts';
import { makeDemo } from '../synth/demo.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MODELS_DIR = join(REPO_ROOT, 'models');

export interface BenchmarkModel {
  /** Name in the table. */
  label: string;
  loaded: LoadedManifest;
  /** What the daemon's config names (model.name): a manifest name or a path. */
  configName: string;
}

/** The encoder the daemon runs by default (DEFAULT_MODEL). */
export function bundledModel(): BenchmarkModel {
  const loaded = loadManifest(DEFAULT_MODEL, MODELS_DIR);
  return { label: `${loaded.manifest.name} (bundled)`, loaded, configName: loaded.manifestPath };
}

/** Where the shared fixtures live: BENCHSIGHT_SHARED_DIR, else ../shared beside the repository. */
export function replicaPath(): string {
  const shared = process.env.BENCHSIGHT_SHARED_DIR ?? resolve(REPO_ROOT, '../shared');
  return join(shared, 'fixtures', 'dinov2-small-replica', 'model_int8.onnx');
}

/**
 * The production-size replica (DINOv2-small int8 graph, random weights) behind the dinov2-small
 * manifest's preprocessing, written as a manifest into `workDir`; null when the fixture is absent.
 */
export async function replicaModel(workDir: string): Promise<BenchmarkModel | null> {
  const onnx = replicaPath();
  if (!existsSync(onnx)) return null;
  const production = JSON.parse(readFileSync(join(MODELS_DIR, 'dinov2-small.json'), 'utf8'));
  const manifest = manifestSchema.parse({
    ...production,
    id: 'dinov2-small-replica@int8',
    name: 'dinov2-small-replica',
    description: 'benchmark: the dinov2-small manifest on the random-weight replica graph',
    file: onnx,
    randomWeights: true,
    source: undefined,
  });
  const path = join(workDir, 'dinov2-small-replica.json');
  await writeFile(path, JSON.stringify(manifest, null, 2));
  return { label: 'dinov2-small replica (int8)', loaded: loadManifest(path, MODELS_DIR), configName: path };
}

export interface BenchScene {
  /** Replay frames (empty bench, a board put down, held still, taken away). */
  frames: string;
  /** Catalog folder with boards.yaml, for `importFolder`. */
  catalog: string;
  /** One frame of the board held still. */
  still: string;
  width: number;
  height: number;
  count: number;
  /** Names its folders in the cache (size and boards). */
  key: string;
}

/**
 * A demo bench at `width` x `height` with one board, generated once into `cacheDir`. Its frames are
 * re-encoded as a camera sends them (baseline JPEG, quality 85, like ffmpeg's MJPEG): the demo's
 * progressive JPEGs cost a quarter more to decode.
 */
export async function benchScene(
  cacheDir: string,
  width: number,
  height: number,
  boards = 1,
): Promise<BenchScene> {
  const key = `${width}x${height}${boards === 1 ? '' : `-${boards}-boards`}`;
  const dir = join(cacheDir, `demo-${key}`);
  const summary = await makeDemo(dir, { width, height, boards });
  const frames = await cameraJpegs(join(dir, 'frames'), join(cacheDir, `camera-${key}`));
  const stillFrame = summary.boards[0]!.staticFrames[0];
  return {
    frames,
    catalog: join(dir, 'catalog'),
    still: join(frames, `${String(stillFrame).padStart(6, '0')}.jpg`),
    width,
    height,
    count: summary.frames,
    key,
  };
}

/** Every JPEG of `from` re-encoded into `to` (once), optionally scaled to `width`. */
async function cameraJpegs(from: string, to: string, width?: number): Promise<string> {
  const names = (await readdir(from)).filter((n) => n.endsWith('.jpg'));
  if (existsSync(to) && (await readdir(to)).length === names.length) return to;
  await mkdir(to, { recursive: true });
  for (const name of names) {
    const image = sharp(join(from, name));
    await (width ? image.resize({ width }) : image)
      .jpeg({ quality: 85, progressive: false, mozjpeg: false })
      .toFile(join(to, name));
  }
  return to;
}

/** The scene's frames scaled to `width` (for runs that must push many frames through quickly). */
export function scaledFrames(scene: BenchScene, cacheDir: string, width: number): Promise<string> {
  return cameraJpegs(scene.frames, join(cacheDir, `camera-${scene.key}-w${width}`), width);
}

/** The demo's camera rate (the daemon's default replay): a board put down, held, taken away in 5 s. */
const SCENE_FPS = 5;

/**
 * The scene's frames for a camera at `fps`: each frame repeated (hard links, made once into the
 * cache) so that the bench changes at the demo's pace whatever the camera's rate. Played as they
 * are at 80 to 260 fps, the 25 frames looped 3 to 10 times a second: a board recognized, recorded
 * to history (a thumbnail and a synced SQLite commit) and cleared several times a second, which no
 * bench does, measured as if it were the frame path's cost.
 */
export async function pacedFrames(scene: BenchScene, cacheDir: string, fps: number): Promise<string> {
  const repeat = Math.max(1, Math.round(fps / SCENE_FPS));
  const names = (await readdir(scene.frames)).filter((n) => n.endsWith('.jpg')).sort();
  const dir = join(cacheDir, `camera-${scene.key}-x${repeat}`);
  if (existsSync(dir) && (await readdir(dir)).length === names.length * repeat) return dir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  let n = 0;
  for (const name of names) {
    for (let i = 0; i < repeat; i++) {
      const to = join(dir, `${String(++n).padStart(6, '0')}.jpg`);
      await link(join(scene.frames, name), to).catch(() => copyFile(join(scene.frames, name), to));
    }
  }
  return dir;
}

/** A folder holding one image: a camera looking at a static scene. */
export async function staticFolder(image: string, workDir: string): Promise<string> {
  const dir = join(workDir, 'static-scene');
  await mkdir(dir, { recursive: true });
  await copyFile(image, join(dir, '000001.jpg'));
  return dir;
}
