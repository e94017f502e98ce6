/**
 * Frames per second each capture source achieves on this machine, with generated inputs.
 *   npx tsx scripts/capture-rate.ts [--seconds 5] [--width 1280] [--height 720] [--fps 30]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFrameSource } from '../src/capture/index.ts';
import { measureBareStills, measureCaptureRate } from '../src/capture/rate.ts';
import { type CameraConfig, supervisionSchema, webcamSchema } from '../src/config/schema.ts';
import { scriptArgs } from '../tools/script-args.ts';

const HELP = `Usage: npx tsx scripts/capture-rate.ts [options]

Frames per second each capture source achieves on this machine, with generated inputs (ffmpeg's
testsrc stands in for a camera).

Options:
  --seconds <n>     how long each source is measured (default 5)
  --width <px>      (default 1280)     --height <px>   (default 720)
  --fps <n>         the stand-in camera's rate (default 30)
  -h, --help        this help
`;
const values = scriptArgs(HELP, {
  seconds: { type: 'string', default: '5' },
  width: { type: 'string', default: '1280' },
  height: { type: 'string', default: '720' },
  fps: { type: 'string', default: '30' },
});
const seconds = Number(values.seconds);
const [width, height, fps] = [Number(values.width), Number(values.height), Number(values.fps)];
const size = `${width}x${height}`;

const dir = mkdtempSync(join(tmpdir(), 'benchsight-capture-rate-'));
const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args]);
const still = join(dir, 'bench.jpg');
ffmpeg('-f', 'lavfi', '-i', `testsrc=size=${size}`, '-frames:v', '1', still);
mkdirSync(join(dir, 'frames'));
ffmpeg(
  '-f',
  'lavfi',
  '-i',
  `testsrc=size=${size}:rate=${fps}`,
  '-frames:v',
  '30',
  join(dir, 'frames/f%03d.jpg'),
);

const webcam = webcamSchema.parse({ kind: 'webcam', device: `FILE:${still}`, width, height, intervalMs: 0 });
const testsrc = { kind: 'stream', input: `testsrc=size=${size}:rate=${fps}`, format: 'lavfi', fps } as const;
const cases: Array<{ name: string; asked: string; camera: CameraConfig }> = [
  { name: 'webcam: fswebcam FILE: still, intervalMs 0', asked: 'max', camera: webcam },
  {
    name: 'stream: ffmpeg lavfi testsrc -> mjpeg',
    asked: String(fps),
    camera: { ...testsrc, loop: false, realtime: true, quality: 5, ffmpegPath: 'ffmpeg' },
  },
  {
    name: 'stream: same, without -re (encoder ceiling)',
    asked: 'max',
    camera: { ...testsrc, loop: false, realtime: false, quality: 5, ffmpegPath: 'ffmpeg' },
  },
  {
    name: 'folder: 30 JPEGs',
    asked: String(fps),
    camera: { kind: 'folder', path: join(dir, 'frames'), fps, loop: true },
  },
];

const supervision = supervisionSchema.parse({});
const rows: string[][] = [
  ['source', 'asked fps', 'got fps', 'frames', 'first frame', 'dropped', 'size', 'end state'],
];
try {
  for (const c of cases) {
    const r = await measureCaptureRate(createFrameSource(c.camera, supervision), seconds);
    const first = r.firstFrameMs === null ? '-' : `${r.firstFrameMs} ms`;
    const dims = `${r.width}x${r.height}`;
    rows.push([
      c.name,
      c.asked,
      r.fps.toFixed(1),
      String(r.frames),
      first,
      String(r.dropped),
      dims,
      r.status,
    ]);
  }
  const bare = await measureBareStills(webcam, join(dir, 'bare.jpg'), 20);
  rows.push([
    'reference: bare fswebcam runs, same options',
    'max',
    bare.toFixed(1),
    '20',
    '-',
    '-',
    size,
    '-',
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
for (const row of rows) console.log(row.map((cell, col) => cell.padEnd(widths[col]!)).join('  '));
console.log(`\n${seconds} s per source, ${size}; a consumer that takes every frame at once.`);
