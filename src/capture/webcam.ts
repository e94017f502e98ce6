import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import NodeWebcam from 'node-webcam';
import type { WebcamConfig } from '../config/schema.ts';
import { BenchsightError, errorMessage } from '../errors.ts';
import { type CaptureProcess, lastLine, spawnCapture } from './child.ts';
import type { CaptureDriver, CaptureRun, CaptureSink } from './driver.ts';
import { isPlausibleJpeg } from './jpeg.ts';

const STILL_QUALITY = 90;

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * node-webcam builds the fswebcam command line from our options. Its own capture() is not used: it
 * hides the child process (a hung fswebcam could not be killed on stop), keeps every shot in memory
 * unless told otherwise, and decodes stdout as text. fswebcam also exits 0 when the device is
 * missing, so success is judged by the image it wrote.
 */
export function fswebcamCommand(cfg: WebcamConfig, location: string): string {
  const cam = new NodeWebcam.FSWebcam({
    width: cfg.width,
    height: cfg.height,
    quality: STILL_QUALITY,
    delay: cfg.delay,
    skip: cfg.skip,
    device: shellQuote(cfg.device),
    output: 'jpeg',
    callbackReturn: 'buffer',
    saveShots: false,
    verbose: false,
    topBanner: false,
    bottomBanner: false,
  });
  return cam.generateSh(shellQuote(location));
}

type Still = { ok: true; jpeg: Buffer } | { ok: false; reason: string };

async function takeStill(
  cfg: WebcamConfig,
  file: string,
  track: (p?: CaptureProcess) => void,
): Promise<Still> {
  await rm(file, { force: true });
  const proc = spawnCapture('/bin/sh', ['-c', `exec ${fswebcamCommand(cfg, file)}`]);
  track(proc);
  proc.stdout.resume();
  const exit = await proc.closed;
  track(undefined);
  const stderr = lastLine(proc.stderrTail());
  if (exit.error) return { ok: false, reason: `cannot run fswebcam: ${exit.error.message}` };
  if (exit.code !== 0) {
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    return {
      ok: false,
      reason: `fswebcam ${how} capturing from ${cfg.device}${stderr ? `: ${stderr}` : ''}`,
    };
  }
  const jpeg = await readFile(file).catch(() => undefined);
  await rm(file, { force: true });
  if (!jpeg || jpeg.length === 0) {
    return {
      ok: false,
      reason: `fswebcam could not capture from ${cfg.device}: ${stderr || 'no image written'}`,
    };
  }
  return { ok: true, jpeg };
}

/** Stills from fswebcam, one at a time: the device is opened for every still, so this source is slow. */
export function createWebcamDriver(cfg: WebcamConfig): CaptureDriver {
  return {
    kind: 'webcam',
    label: `fswebcam ${cfg.device}`,
    frameIntervalMs: cfg.intervalMs + cfg.delay * 1000,
    open: async (sink: CaptureSink): Promise<CaptureRun> => {
      const dir = await mkdtemp(join(tmpdir(), 'benchsight-webcam-')).catch((err: unknown) => {
        throw new BenchsightError(
          'E_CAMERA_OPEN',
          `cannot create a temporary folder for stills: ${errorMessage(err)}`,
        );
      });
      const file = join(dir, 'still.jpg');
      let closed = false;
      let current: CaptureProcess | undefined;
      let wake: (() => void) | undefined;
      const loop = (async () => {
        while (!closed) {
          const startedAt = Date.now();
          const still = await takeStill(cfg, file, (p) => {
            current = p;
            if (p && closed) void p.kill();
          });
          if (closed) return;
          if (!still.ok) return sink.fail(still.reason);
          if (isPlausibleJpeg(still.jpeg)) sink.frame(still.jpeg);
          else sink.garbage(`fswebcam wrote ${still.jpeg.length} bytes that are not a whole JPEG`);
          const wait = cfg.intervalMs - (Date.now() - startedAt);
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.max(0, wait));
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
        }
      })().catch((err: unknown) => sink.fail(`webcam capture failed: ${errorMessage(err)}`));
      return {
        close: async () => {
          closed = true;
          wake?.();
          await current?.kill();
          await loop;
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  };
}
