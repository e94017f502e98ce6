import { type FSWatcher, type Stats, watch } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import type { FolderConfig } from '../config/schema.ts';
import { BenchsightError, errorMessage } from '../errors.ts';
import type { CaptureDriver, CaptureLogger, CaptureRun, CaptureSink } from './driver.ts';
import { isPlausibleJpeg } from './jpeg.ts';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);
const CONVERTED_QUALITY = 90;
/** A file written less than this long ago may still be being copied into the drop folder. */
const SETTLE_MS = 300;
/** Decoded images kept in memory; past this, images are read from disk each time they are shown. */
const CACHE_BYTES = 256 * 1024 * 1024;
/** A watched folder is also listed again this often, at the end of a pass, in case an event was missed. */
const RELIST_MS = 5000;

// One collator for every comparison: localeCompare with options builds a collator per call, which
// made the next-image lookup (a comparison per file, per frame) most of a fast replay's cost.
const byName = new Intl.Collator('en', { numeric: true }).compare;

async function listImages(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a folder' : errorMessage(err);
    throw new BenchsightError(
      'E_CAMERA_OPEN',
      `camera folder ${dir} ${why}; create it or fix camera.source.path`,
      {
        cause: err,
      },
    );
  }
  return names.filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase())).sort(byName);
}

/** A file's identity: every link to one file has the same, a file written again another. */
function fileKey(st: Stats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
}

/** The file as a JPEG: kept as it is when it already is one, converted once otherwise. */
async function loadImage(file: string): Promise<Buffer> {
  const data = await readFile(file);
  if (isPlausibleJpeg(data)) return data;
  return sharp(data).jpeg({ quality: CONVERTED_QUALITY }).toBuffer();
}

/**
 * The images of a watched folder, in name order: what is shown next, images added while running
 * (a drop folder), images that could not be read (skipped, reported once).
 */
export class FolderImages {
  #names: string[] = [];
  /** name -> image; names that are links to one file share its image. */
  readonly #cache = new Map<string, Buffer>();
  /** file identity (fileKey) -> image, for the links to a file already read. */
  readonly #byFile = new Map<string, Buffer>();
  /** image -> its file identity and how many names hold it. */
  readonly #holders = new Map<Buffer, { key: string; names: number }>();
  /** bytes of the distinct images held */
  #cached = 0;
  readonly #bad = new Set<string>();
  #last: { name: string; image: Buffer } | null = null;
  #stale = false;

  constructor(
    readonly dir: string,
    readonly log?: CaptureLogger,
  ) {}

  /** Lists and reads every image; throws when there is none to show. */
  async load(): Promise<void> {
    this.#names = await listImages(this.dir);
    if (this.#names.length === 0) {
      throw new BenchsightError(
        'E_CAMERA_OPEN',
        `camera folder ${this.dir} has no .jpg, .jpeg or .png images`,
      );
    }
    const skipped: string[] = [];
    for (const name of this.#names) {
      const read = await this.#read(name).catch((err: unknown) => {
        skipped.push(`${name}: ${errorMessage(err)}`);
        this.#bad.add(name);
        return null;
      });
      if (read) this.#keep(name, read);
    }
    if (skipped.length > 0) {
      this.log?.warn(
        { folder: this.dir, skipped },
        `skipped ${skipped.length} unreadable image(s) in the camera folder`,
      );
    }
    if (skipped.length === this.#names.length) {
      throw new BenchsightError(
        'E_CAMERA_OPEN',
        `camera folder ${this.dir} has no readable images (${skipped.length} skipped; first: ${skipped[0]})`,
      );
    }
  }

  /** Bytes of the pictures held in memory (each file once, whatever links name it). */
  get cachedBytes(): number {
    return this.#cached;
  }

  /** Something changed in the folder: list it again before the next image. */
  changed(): void {
    this.#stale = true;
  }

  /**
   * The image after the last one shown, in name order. At the end: back to the first (loop), or
   * null (shown once each; the caller holds the last picture until a new image arrives).
   */
  async next(loop: boolean): Promise<{ image: Buffer; wrapped: boolean } | null> {
    if (this.#stale) await this.#relist();
    const last = this.#last?.name;
    const after = last === undefined ? 0 : this.#indexAfter(last);
    const image = after === -1 ? null : await this.#scan(after);
    if (image === 'not yet') return null;
    if (image) return { image, wrapped: false };
    if (!loop) return null;
    const first = await this.#scan(0);
    return first && first !== 'not yet' ? { image: first, wrapped: true } : null;
  }

  /**
   * The index of the first name after `last` in name order (-1: none), by binary search over the
   * sorted names: a replay folder of thousands of frames costs a few comparisons a frame, not one
   * per name before it.
   */
  #indexAfter(last: string): number {
    let lo = 0;
    let hi = this.#names.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byName(this.#names[mid]!, last) > 0) hi = mid;
      else lo = mid + 1;
    }
    return lo < this.#names.length ? lo : -1;
  }

  /** The picture shown last, when there is nothing new to show. */
  get last(): Buffer | null {
    return this.#last?.image ?? null;
  }

  /** The first showable image from index `from` on, which becomes the last shown. */
  async #scan(from: number): Promise<Buffer | null | 'not yet'> {
    for (let i = from; i < this.#names.length; i++) {
      const name = this.#names[i]!;
      if (this.#bad.has(name)) continue;
      const image = this.#cache.get(name) ?? (await this.#fresh(name));
      if (image === 'not yet') return image;
      if (!image) continue;
      this.#last = { name, image };
      return image;
    }
    return null;
  }

  async #relist(): Promise<void> {
    this.#stale = false;
    const names = await listImages(this.dir).catch(() => this.#names);
    const present = new Set(names);
    for (const [name, image] of this.#cache) {
      if (!present.has(name)) {
        this.#cache.delete(name);
        this.#release(image);
      }
    }
    this.#names = names;
  }

  /** A new image: null when unreadable (reported once), 'not yet' while it may still be being written. */
  async #fresh(name: string): Promise<Buffer | null | 'not yet'> {
    const file = join(this.dir, name);
    try {
      const st = await stat(file);
      if (Date.now() - st.mtimeMs < SETTLE_MS) {
        this.#stale = true;
        return 'not yet';
      }
      const read = await this.#read(name, st);
      this.#keep(name, read);
      return read.image;
    } catch (err) {
      this.#bad.add(name);
      this.log?.warn(
        { folder: this.dir, file: name, err: errorMessage(err) },
        'skipped an unreadable image in the camera folder',
      );
      return null;
    }
  }

  /**
   * The image of a name: the one already read for the same file (another link to it: a replay that
   * holds a picture for many frames links one file under many names) or read now.
   */
  async #read(name: string, known?: Stats): Promise<{ image: Buffer; key: string }> {
    const file = join(this.dir, name);
    const key = fileKey(known ?? (await stat(file)));
    return { image: this.#byFile.get(key) ?? (await loadImage(file)), key };
  }

  /** Keeps a name's image in memory unless that passes CACHE_BYTES; an image held already costs nothing. */
  #keep(name: string, { image, key }: { image: Buffer; key: string }): void {
    const held = this.#holders.get(image);
    if (held) {
      held.names++;
    } else {
      if (this.#cached + image.length > CACHE_BYTES) return;
      this.#holders.set(image, { key, names: 1 });
      this.#byFile.set(key, image);
      this.#cached += image.length;
    }
    this.#cache.set(name, image);
  }

  /** A name that held `image` is gone: the image goes when no name holds it. */
  #release(image: Buffer): void {
    const held = this.#holders.get(image);
    if (!held || --held.names > 0) return;
    this.#holders.delete(image);
    this.#byFile.delete(held.key);
    this.#cached -= image.length;
  }
}

/**
 * Shows the images of a folder at `fps`, as if a camera were looking at them, and watches it: an
 * image added while running is shown in its turn (a drop folder). With loop off each image is shown
 * once and the last picture is held, as a camera over a still bench sees it, until a new one arrives.
 */
export function createFolderDriver(cfg: FolderConfig, log?: CaptureLogger): CaptureDriver {
  const periodMs = 1000 / cfg.fps;
  return {
    kind: 'folder',
    label: `folder ${cfg.path}`,
    frameIntervalMs: periodMs,
    open: async (sink: CaptureSink): Promise<CaptureRun> => {
      const images = new FolderImages(cfg.path, log);
      await images.load();
      let watcher: FSWatcher | null = null;
      try {
        watcher = watch(cfg.path, () => images.changed());
        watcher.on('error', (err) => sink.fail(`camera folder ${cfg.path}: ${errorMessage(err)}`));
      } catch (err) {
        log?.warn(
          { folder: cfg.path, err: errorMessage(err) },
          'camera folder not watched; new images are seen at the next pass',
        );
      }
      let due = Date.now();
      let lastRelist = Date.now();
      let timer: NodeJS.Timeout | undefined;
      let closed = false;
      const tick = async (): Promise<void> => {
        if (closed) return;
        const shown = await images.next(cfg.loop);
        if (closed) return;
        // A watched folder is listed again when the watcher says it changed; an unwatched one (or a
        // watcher that missed an event, as on some network file systems) at most every RELIST_MS,
        // at the end of a pass: a one-image loop wraps at every frame.
        if (shown?.wrapped && (watcher === null || Date.now() - lastRelist >= RELIST_MS)) {
          lastRelist = Date.now();
          images.changed();
        }
        const image = shown?.image ?? images.last;
        // Each frame gets its own copy: a consumer owns the buffers it is given.
        if (image) sink.frame(Buffer.from(image));
        // Keep to the schedule, but never burst to catch up after the event loop was held up.
        due = Math.max(due + periodMs, Date.now());
        timer = setTimeout(() => void tick(), due - Date.now());
      };
      timer = setTimeout(() => void tick(), 0);
      return {
        close: async () => {
          closed = true;
          clearTimeout(timer);
          watcher?.close();
        },
      };
    },
  };
}
