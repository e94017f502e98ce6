import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import type { FolderConfig } from '../config/schema.ts';
import { BenchsightError, errorMessage } from '../errors.ts';
import type { CaptureDriver, CaptureLogger, CaptureRun, CaptureSink } from './driver.ts';
import { isPlausibleJpeg } from './jpeg.ts';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);
const CONVERTED_QUALITY = 90;

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
  return names
    .filter((name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** The file as a JPEG: kept as it is when it already is one, converted once otherwise. */
async function loadImage(file: string): Promise<Buffer> {
  const data = await readFile(file);
  if (isPlausibleJpeg(data)) return data;
  return sharp(data).jpeg({ quality: CONVERTED_QUALITY }).toBuffer();
}

async function loadFolder(dir: string, log?: CaptureLogger): Promise<Buffer[]> {
  const names = await listImages(dir);
  if (names.length === 0) {
    throw new BenchsightError('E_CAMERA_OPEN', `camera folder ${dir} has no .jpg, .jpeg or .png images`);
  }
  const images: Buffer[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    try {
      images.push(await loadImage(join(dir, name)));
    } catch (err) {
      skipped.push(`${name}: ${errorMessage(err)}`);
    }
  }
  if (skipped.length > 0) {
    log?.warn({ folder: dir, skipped }, `skipped ${skipped.length} unreadable image(s) in the camera folder`);
  }
  if (images.length === 0) {
    throw new BenchsightError(
      'E_CAMERA_OPEN',
      `camera folder ${dir} has no readable images (${skipped.length} skipped; first: ${skipped[0]})`,
    );
  }
  return images;
}

/** Replays the images of a folder at `fps`, as if a camera were looking at them. */
export function createFolderDriver(cfg: FolderConfig, log?: CaptureLogger): CaptureDriver {
  const periodMs = 1000 / cfg.fps;
  return {
    kind: 'folder',
    label: `folder ${cfg.path}`,
    frameIntervalMs: periodMs,
    open: async (sink: CaptureSink): Promise<CaptureRun> => {
      const images = await loadFolder(cfg.path, log);
      let index = 0;
      let due = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const tick = (): void => {
        const image = images[index]!;
        index += 1;
        // Each frame gets its own copy: a consumer owns the buffers it is given.
        sink.frame(Buffer.from(image));
        if (index >= images.length) {
          if (!cfg.loop) {
            sink.finish(`replayed the ${images.length} image(s) of ${cfg.path} once (loop is off)`);
            return;
          }
          index = 0;
        }
        // Keep to the schedule, but never burst to catch up after the event loop was held up.
        due = Math.max(due + periodMs, Date.now());
        timer = setTimeout(tick, due - Date.now());
      };
      timer = setTimeout(tick, 0);
      return {
        close: async () => {
          clearTimeout(timer);
        },
      };
    },
  };
}
