import { describe, expect, it } from 'vitest';
import { LatestFrame } from '../../src/capture/latest-frame.ts';
import type { Frame } from '../../src/capture/types.ts';
import { decodeAhead } from '../../src/pipeline/decode-ahead.ts';

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
