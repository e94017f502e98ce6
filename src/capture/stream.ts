import type { StreamConfig } from '../config/schema.ts';
import { exitReason, spawnCapture } from './child.ts';
import type { CaptureDriver, CaptureRun, CaptureSink } from './driver.ts';
import { MjpegSplitter } from './mjpeg-splitter.ts';

const LIVE_FORMATS = new Set(['v4l2', 'video4linux2', 'x11grab', 'kmsgrab', 'fbdev', 'decklink']);

/** A camera, a capture device or a network stream, as opposed to a file or a generated test pattern. */
export function isLiveInput(cfg: Pick<StreamConfig, 'input' | 'format'>): boolean {
  if (cfg.format !== undefined) return LIVE_FORMATS.has(cfg.format);
  if (cfg.input.startsWith('/dev/')) return true;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(cfg.input)?.[1]?.toLowerCase();
  return scheme !== undefined && scheme !== 'file';
}

function scaleFilter(width: number | undefined, height: number | undefined): string | undefined {
  if (width === undefined && height === undefined) return undefined;
  // -2 keeps the aspect ratio with an even size, which the MJPEG encoder needs.
  return `scale=${width ?? -2}:${height ?? -2}`;
}

/** The ffmpeg command line: one long-running process writing concatenated JPEGs to stdout. */
export function ffmpegArgs(cfg: StreamConfig): string[] {
  const live = isLiveInput(cfg);
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
  if (cfg.format !== undefined) args.push('-f', cfg.format);
  if (cfg.loop && !live && cfg.format !== 'lavfi') args.push('-stream_loop', '-1');
  // Files and test patterns would otherwise be read as fast as ffmpeg can decode them.
  if (cfg.realtime && !live) args.push('-re');
  args.push('-i', cfg.input);
  const scale = scaleFilter(cfg.width, cfg.height);
  args.push('-vf', scale ? `fps=${cfg.fps},${scale}` : `fps=${cfg.fps}`);
  args.push('-f', 'mjpeg', '-q:v', String(cfg.quality), 'pipe:1');
  return args;
}

export function createStreamDriver(cfg: StreamConfig): CaptureDriver {
  const live = isLiveInput(cfg);
  const finite = !live && cfg.format !== 'lavfi' && !cfg.loop;
  return {
    kind: 'stream',
    label: `ffmpeg ${cfg.format ? `-f ${cfg.format} ` : ''}${cfg.input}`,
    frameIntervalMs: 1000 / cfg.fps,
    open: async (sink: CaptureSink): Promise<CaptureRun> => {
      const proc = spawnCapture(cfg.ffmpegPath, ffmpegArgs(cfg));
      const splitter = new MjpegSplitter({
        onFrame: (jpeg) => sink.frame(jpeg),
        onGarbage: (bytes, why) => sink.garbage(`${bytes} bytes ${why}`),
      });
      proc.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
      void proc.closed.then((exit) => {
        if (exit.error) {
          sink.fail(
            `cannot run ffmpeg (${cfg.ffmpegPath}): ${exit.error.message}; install ffmpeg or set ffmpegPath`,
            'error',
          );
        } else if (exit.code === 0 && finite) {
          sink.finish(`end of ${cfg.input} (set loop: true to replay it)`);
        } else {
          sink.fail(exitReason('ffmpeg', exit, proc.stderrTail()));
        }
      });
      return { close: () => proc.kill() };
    },
  };
}
