import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFrameSource } from '../../src/capture/index.ts';
import { ffmpegArgs } from '../../src/capture/stream.ts';
import type { Frame } from '../../src/capture/types.ts';
import type { StreamConfig, SupervisionConfig } from '../../src/config/schema.ts';
import {
  childPids,
  collectFrames,
  FAST_SUPERVISION,
  ffmpeg,
  isAlive,
  processesInGroups,
  recordStatuses,
  sleep,
  tempDir,
  waitForStatus,
  writeScript,
} from './helpers.ts';

const tmp = tempDir('stream');
const video = join(tmp.dir, 'bench.mkv');
const pidFile = join(tmp.dir, 'pids');

function stream(input: string, extra: Partial<StreamConfig> = {}): StreamConfig {
  return {
    kind: 'stream',
    input,
    fps: 10,
    loop: false,
    realtime: true,
    quality: 5,
    ffmpegPath: 'ffmpeg',
    ...extra,
  };
}

function testsrc(extra: Partial<StreamConfig> = {}): StreamConfig {
  return stream('testsrc=size=320x240:rate=30', { format: 'lavfi', ...extra });
}

/** A stand-in ffmpeg that records its pid and then runs `body` ("$@" holds ffmpeg's arguments). */
function fakeFfmpeg(name: string, body: string): string {
  return writeScript(join(tmp.dir, name), `echo $$ >> '${pidFile}'\n${body}`);
}

function recordedPids(): number[] {
  return readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
}

beforeAll(() => {
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '1', '-c:v', 'mpeg4', video);
});

afterAll(() => tmp.cleanup());

describe('ffmpeg command line', () => {
  it('paces files and test patterns, loops files, leaves live devices alone', () => {
    const file = ffmpegArgs(stream('bench.mkv', { loop: true, width: 640, height: 360 }));
    expect(file.join(' ')).toBe(
      '-hide_banner -loglevel error -nostdin -stream_loop -1 -re -i bench.mkv -vf fps=10,scale=640:360 -f mjpeg -q:v 5 pipe:1',
    );
    const device = ffmpegArgs(stream('/dev/video0', { format: 'v4l2', loop: true })).join(' ');
    expect(device).toContain('-f v4l2 -i /dev/video0 -vf fps=10 -f mjpeg');
    expect(device).not.toMatch(/-re|-stream_loop/);
    expect(ffmpegArgs(stream('rtsp://cam/1')).join(' ')).not.toContain('-re');
    expect(ffmpegArgs(testsrc({ width: 160 })).join(' ')).toContain('-f lavfi -re -i testsrc');
  });
});

describe('stream source (ffmpeg test pattern and video file in place of a physical camera)', () => {
  it('delivers frames of a lavfi test pattern at the requested fps and size', async () => {
    const source = createFrameSource(testsrc({ fps: 10, width: 160, height: 120 }), FAST_SUPERVISION);
    await source.start();
    // A number of frames, not a time window (a loaded machine delivers them later, not fewer). ffmpeg's
    // -re catches up in a burst when it started late on a busy machine, so the pace is taken after the
    // first 10 frames and past the meter's 3 s window: never faster than asked.
    const got = await collectFrames(source, 100_000, 36);
    const status = source.status();
    await source.stop();
    expect(got.length).toBe(36);
    const paced = got[35]!.capturedAt - got[10]!.capturedAt;
    expect(paced).toBeGreaterThan(1900); // 25 periods of 100 ms: at most ~13 fps
    expect(status.fps).toBeGreaterThan(0);
    expect(status.fps).toBeLessThan(13);
    expect(got.every((f) => f.width === 160 && f.height === 120)).toBe(true);
    expect(got.every((f, i) => i === 0 || f.seq === got[i - 1]!.seq + 1)).toBe(true);
    // Each frame is stamped on the monotonic clock too (capture to recognition to a fraction of a
    // ms), the same moment as its wall-clock time, which has whole ms.
    for (let i = 1; i < got.length; i++) {
      const mono = got[i]!.monotonicAt! - got[i - 1]!.monotonicAt!;
      expect(Math.abs(mono - (got[i]!.capturedAt - got[i - 1]!.capturedAt))).toBeLessThanOrEqual(2);
    }
    expect(got.every((f) => f.monotonicAt! <= performance.now())).toBe(true);
    expect(got.some((f) => !Number.isInteger(f.monotonicAt))).toBe(true);
  });

  it('replays a video file in a loop at real time', async () => {
    const source = createFrameSource(stream(video, { fps: 10, loop: true }), FAST_SUPERVISION);
    await source.start();
    const got = await collectFrames(source, 100_000, 16);
    await source.stop();
    // The file lasts 1 s (10 frames): 16 frames means it looped; real time paces them (15 periods of
    // 100 ms, less a start-up burst), counted rather than timed.
    expect(got.length).toBe(16);
    expect(got[15]!.capturedAt - got[0]!.capturedAt).toBeGreaterThan(1000);
    expect(got.every((f) => f.width === 320 && f.height === 240)).toBe(true);
  });

  it('goes offline at the end of a video file played once', async () => {
    const source = createFrameSource(stream(video, { fps: 25, realtime: false }), FAST_SUPERVISION);
    await source.start();
    const status = await waitForStatus(source, (s) => s.state === 'offline', 5000);
    await sleep(300);
    await source.stop();
    expect(status.reason).toMatch(/end of .*bench\.mkv/);
    expect(source.status().retries).toBe(0);
  });

  it('gives a slow consumer the newest frame and counts the ones it missed', async () => {
    const source = createFrameSource(testsrc({ fps: 30 }), FAST_SUPERVISION);
    await source.start();
    const lags: number[] = [];
    const seqs: number[] = [];
    for await (const frame of source.frames()) {
      lags.push(Date.now() - frame.capturedAt);
      seqs.push(frame.seq);
      if (seqs.length === 5) break;
      await sleep(250);
    }
    await source.stop();
    expect(source.dropped).toBeGreaterThan(10);
    // A queue would hand out ever older frames (the fifth ~850 ms old at 30 fps read every 250 ms);
    // the mailbox holds only the latest (one period: 33 ms, more when a loaded machine starves ffmpeg).
    expect(Math.max(...lags.slice(1))).toBeLessThan(400);
    expect(seqs.slice(1).every((seq, i) => seq - seqs[i]! >= 4)).toBe(true);
  });
});

describe('stream source failures', () => {
  it('reports a missing device as offline with the reason and retries with growing backoff', async () => {
    const supervision: SupervisionConfig = { ...FAST_SUPERVISION, backoffInitialMs: 250, backoffMaxMs: 4000 };
    const source = createFrameSource(stream('/dev/video99', { format: 'v4l2' }), supervision);
    const statuses = recordStatuses(source);
    await expect(source.start()).resolves.toBeUndefined();
    const status = await waitForStatus(source, (s) => s.retries >= 4, 15_000);
    await source.stop();
    expect(status.state).toBe('offline');
    expect(status.reason).toMatch(/^ffmpeg exited with code \d+: .*\/dev\/video99/);
    const failures = statuses.filter((s) => s.state === 'offline');
    const gaps = failures.slice(1).map((s, i) => s.at - failures[i]!.at);
    // Waits of 250, 500, 1000 ms, plus ffmpeg's own start-up each time. A loaded machine only
    // lengthens a gap, so each gap is checked against the wait it must at least contain: a
    // backoff that did not grow would leave the third gap at 250 ms plus a start-up.
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(gaps[0]!).toBeGreaterThanOrEqual(245);
    expect(gaps[1]!).toBeGreaterThanOrEqual(495);
    expect(gaps[2]!).toBeGreaterThanOrEqual(995);
  });

  it('reports an ffmpeg that cannot be run as an error', async () => {
    const source = createFrameSource(
      testsrc({ ffmpegPath: join(tmp.dir, 'no-such-ffmpeg') }),
      FAST_SUPERVISION,
    );
    await source.start();
    const status = await waitForStatus(source, (s) => s.state === 'error', 2000);
    await source.stop();
    expect(status.reason).toMatch(/cannot run ffmpeg .*no-such-ffmpeg.*ENOENT/);
  });

  it('goes offline when ffmpeg dies, comes back online, and frames resume', async () => {
    const ffmpegPath = fakeFfmpeg('dies.sh', 'exec timeout 1 ffmpeg "$@"');
    const source = createFrameSource(testsrc({ fps: 10, ffmpegPath }), FAST_SUPERVISION);
    const statuses = recordStatuses(source);
    await source.start();
    // frames until ffmpeg died once and frames came back after it (events, not a time window)
    const got: Frame[] = [];
    const cycled = () => /online offline online/.test(statuses.map((s) => s.state).join(' '));
    for await (const frame of source.frames()) {
      got.push(frame);
      if (cycled() && got.length > 12) break;
    }
    await source.stop();
    const states = statuses.map((s) => s.state).join(' ');
    expect(states).toMatch(/online offline online/);
    expect(statuses.find((s) => s.state === 'offline')?.reason).toMatch(/ffmpeg exited with code 124/);
    expect(got.length).toBeGreaterThan(12);
    expect(got.every((f, i) => i === 0 || f.seq > got[i - 1]!.seq)).toBe(true);
    expect(recordedPids().length).toBeGreaterThanOrEqual(2);
  });

  it('restarts a capture process that hangs without output', async () => {
    const ffmpegPath = fakeFfmpeg('hangs.sh', 'sleep 30; echo done');
    const supervision = { ...FAST_SUPERVISION, stallTimeoutMs: 400 };
    const source = createFrameSource(testsrc({ ffmpegPath }), supervision);
    await source.start();
    const status = await waitForStatus(source, (s) => s.retries >= 2, 3000);
    await source.stop();
    expect(status.state).toBe('offline');
    expect(status.reason).toBe('no frame for 0.4 s');
    // The script's shell and its `sleep` child share a process group; both must be gone.
    expect(processesInGroups(recordedPids())).toEqual([]);
    expect(childPids()).toEqual([]);
  });

  it('reports undecodable output as an error and restarts', async () => {
    const ffmpegPath = fakeFfmpeg('noise.sh', 'exec cat /dev/urandom');
    const source = createFrameSource(testsrc({ ffmpegPath }), FAST_SUPERVISION);
    await source.start();
    const status = await waitForStatus(source, (s) => s.state === 'error', 3000);
    const restarted = await waitForStatus(source, (s) => s.retries >= 2, 3000);
    await source.stop();
    expect(status.reason).toMatch(/^undecodable data from ffmpeg .*5 frames in a row/);
    expect(restarted.state).toBe('error');
  });

  it('leaves no process behind after stop()', async () => {
    const ffmpegPath = fakeFfmpeg('pid.sh', 'exec ffmpeg "$@"');
    const source = createFrameSource(testsrc({ ffmpegPath }), FAST_SUPERVISION);
    await source.start();
    expect(await collectFrames(source, 3000, 1)).toHaveLength(1);
    const pid = recordedPids().at(-1)!;
    expect(isAlive(pid)).toBe(true);
    expect(childPids()).toContain(pid);
    await source.stop();
    expect(isAlive(pid)).toBe(false);
    expect(processesInGroups([pid])).toEqual([]);
    expect(childPids()).toEqual([]);
    expect(source.status().state).toBe('stopped');
  });
});
