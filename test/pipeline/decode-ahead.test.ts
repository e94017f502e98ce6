import { describe, expect, it } from 'vitest';
import { LatestFrame } from '../../src/capture/latest-frame.ts';
import type { Frame } from '../../src/capture/types.ts';
import { decodeAhead, pullDelayMs } from '../../src/pipeline/decode-ahead.ts';

function frame(seq: number): Frame {
  return { jpeg: Buffer.from([seq]), width: 1280, height: 720, seq, capturedAt: seq };
}

/** A source of `count` frames that records what was pulled and whether it was released. */
function recordingSource(count: number) {
  const log: string[] = [];
  async function* frames(): AsyncGenerator<Frame> {
    try {
      for (let seq = 1; seq <= count; seq++) {
        log.push(`pull ${seq}`);
        yield frame(seq);
      }
    } finally {
      log.push('released');
    }
  }
  return { frames: frames(), log };
}

/** A decode whose results the test settles by hand, so the order of events is the test's. */
function manualDecode(log: string[]) {
  const waiting = new Map<number, { resolve(v: string): void; reject(e: Error): void }>();
  const decode = (f: Frame) =>
    new Promise<string>((resolve, reject) => {
      log.push(`decode ${f.seq}`);
      waiting.set(f.seq, { resolve, reject });
    });
  /** Settles frame `seq`'s decode once it has started. */
  const settle = async (seq: number, error?: Error) => {
    for (let turn = 0; !waiting.has(seq); turn++) {
      if (turn === 1000) throw new Error(`the decode of frame ${seq} never started`);
      await new Promise((r) => setImmediate(r));
    }
    const w = waiting.get(seq)!;
    if (error) w.reject(error);
    else w.resolve(`pixels ${seq}`);
  };
  return { decode, settle, started: (seq: number) => waiting.has(seq) };
}

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

describe('decodeAhead', () => {
  it('decodes the next frame while the consumer works on this one when the model is idle', async () => {
    const { frames, log } = recordingSource(3);
    const d = manualDecode(log);
    const it = decodeAhead(frames, d.decode, () => true)[Symbol.asyncIterator]();
    const first = it.next();
    await d.settle(1);
    const one = await first;
    expect(one.value).toEqual({ frame: frame(1), result: { status: 'fulfilled', value: 'pixels 1' } });
    // The consumer holds frame 1 and has not asked for more: frame 2 is already being decoded.
    await turns(5);
    expect(log).toEqual(['pull 1', 'decode 1', 'pull 2', 'decode 2']);
    await d.settle(2);
    expect((await it.next()).value?.frame.seq).toBe(2);
    await d.settle(3);
    expect((await it.next()).value?.frame.seq).toBe(3);
    expect((await it.next()).done).toBe(true);
    expect(log.at(-1)).toBe('released');
  });

  it('pulls the next frame only when asked while the model is busy (the source keeps the newest)', async () => {
    const { frames, log } = recordingSource(2);
    const d = manualDecode(log);
    const it = decodeAhead(frames, d.decode, () => false)[Symbol.asyncIterator]();
    const first = it.next();
    await d.settle(1);
    await first;
    await turns(5);
    expect(log).toEqual(['pull 1', 'decode 1']);
    const second = it.next();
    await d.settle(2);
    expect((await second).value?.frame.seq).toBe(2);
    expect(log).toEqual(['pull 1', 'decode 1', 'pull 2', 'decode 2']);
  });

  it('holds a pull that was not made ahead until beforePull settles (a busy encoder: just in time)', async () => {
    const { frames, log } = recordingSource(2);
    const d = manualDecode(log);
    let release: () => void = () => {};
    const holds: string[] = [];
    const beforePull = () => {
      holds.push(`hold before ${log.filter((l) => l.startsWith('pull')).length + 1}`);
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    const it = decodeAhead(frames, d.decode, () => false, beforePull)[Symbol.asyncIterator]();
    const first = it.next();
    await turns(5);
    expect(log).toEqual([]);
    release();
    await d.settle(1);
    expect((await first).value?.frame.seq).toBe(1);
    const second = it.next();
    await turns(5);
    // Asked for frame 2, but the source is not pulled while beforePull holds it.
    expect(log).toEqual(['pull 1', 'decode 1']);
    release();
    await d.settle(2);
    expect((await second).value?.frame.seq).toBe(2);
    expect(holds).toEqual(['hold before 1', 'hold before 2']);
  });

  it('does not hold a frame decoded ahead', async () => {
    const { frames, log } = recordingSource(2);
    const d = manualDecode(log);
    let asked = 0;
    const beforePull = () => {
      asked++;
      return undefined;
    };
    const it = decodeAhead(frames, d.decode, () => true, beforePull)[Symbol.asyncIterator]();
    const first = it.next();
    await d.settle(1);
    await first;
    await d.settle(2);
    expect((await it.next()).value?.frame.seq).toBe(2);
    // Only the first pull was not made ahead.
    expect(asked).toBe(1);
  });

  it('asks whether to decode ahead at each frame', async () => {
    const { frames, log } = recordingSource(3);
    const d = manualDecode(log);
    const answers = [false, true];
    const it = decodeAhead(frames, d.decode, () => answers.shift() ?? false)[Symbol.asyncIterator]();
    const first = it.next();
    await d.settle(1);
    await first;
    await turns(5);
    expect(d.started(2)).toBe(false);
    const second = it.next();
    await d.settle(2);
    await second;
    await turns(5);
    expect(d.started(3)).toBe(true);
  });

  it('hands over a failed decode with its frame and goes on with the next', async () => {
    const { frames, log } = recordingSource(2);
    const d = manualDecode(log);
    const it = decodeAhead(frames, d.decode, () => true)[Symbol.asyncIterator]();
    const first = it.next();
    const corrupt = new Error('corrupt JPEG');
    await d.settle(1, corrupt);
    expect((await first).value).toEqual({ frame: frame(1), result: { status: 'rejected', reason: corrupt } });
    await d.settle(2);
    expect((await it.next()).value?.result).toEqual({ status: 'fulfilled', value: 'pixels 2' });
  });

  it('a consumer that stops drops the frame decoded ahead and releases the source', async () => {
    const { frames, log } = recordingSource(5);
    const d = manualDecode(log);
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const step of decodeAhead(frames, d.decode, () => true)) {
        seen.push(step.frame.seq);
        break;
      }
    })();
    await d.settle(1);
    await d.settle(2);
    await consumer;
    expect(seen).toEqual([1]);
    expect(log).toEqual(['pull 1', 'decode 1', 'pull 2', 'decode 2', 'released']);
  });

  it('a consumer that stops while the next frame is awaited ends at once (a silent camera)', async () => {
    const camera = new LatestFrame();
    const frames = camera.iterate();
    const d = manualDecode([]);
    let stopped = false;
    const consumer = (async () => {
      for await (const step of decodeAhead(frames, d.decode, () => true)) {
        expect(step.frame.seq).toBe(1);
        break;
      }
      stopped = true;
    })();
    camera.deliver(frame(1));
    await d.settle(1);
    // No second frame ever comes: the pull ahead must not hold the consumer's stop.
    await turns(20);
    expect(stopped).toBe(true);
    await consumer;
  });

  it('a source that fails fails the consumer when it reaches that frame, even if pulled ahead', async () => {
    const log: string[] = [];
    async function* failing(): AsyncGenerator<Frame> {
      yield frame(1);
      throw new Error('camera gone');
    }
    const d = manualDecode(log);
    const it = decodeAhead(failing(), d.decode, () => true)[Symbol.asyncIterator]();
    const first = it.next();
    await d.settle(1);
    await first;
    await turns(5);
    await expect(it.next()).rejects.toThrow('camera gone');
  });
});

describe('pullDelayMs', () => {
  it('waits for the encoder minus the time a frame takes to prepare, with some in hand', () => {
    // 20 ms of encoding left, 8 ms to prepare: taken 9 ms later, ready 3 ms before the encoder frees.
    expect(pullDelayMs(20, 8)).toBe(9);
    // The frame path is the slower stage: no wait.
    expect(pullDelayMs(4.5, 6)).toBe(0);
    // Nothing measured yet: no wait.
    expect(pullDelayMs(0, 0)).toBe(0);
  });
});
