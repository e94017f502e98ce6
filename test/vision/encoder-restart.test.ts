import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createEncoder, ENCODER_THREAD, type Encoder, RESTART_MAX } from '../../src/vision/encoder.ts';
import { loadManifest } from '../../src/vision/manifest.ts';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const tiny = loadManifest(join(fixtures, 'tiny-vit.json'), fixtures);
const encoders: Encoder[] = [];

afterEach(async () => {
  for (const e of encoders.splice(0)) await e.stop();
});

function logged() {
  const lines: string[] = [];
  const log = (level: string) => (a: unknown, b?: string) =>
    lines.push(`${level} ${typeof a === 'string' ? a : `${b} ${JSON.stringify(a)}`}`);
  return { lines, logger: { info: log('info'), warn: log('warn'), error: log('error') } };
}

async function open(logger: ReturnType<typeof logged>['logger']): Promise<Encoder> {
  const e = await createEncoder(tiny, { executionProviders: ['cpu'], intraOpThreads: 1, logger });
  encoders.push(e);
  return e;
}

/** One image's worth of input. */
function batch(e: Encoder): Float32Array {
  const b = e.inputBuffer(1);
  b.fill(0.25);
  return b;
}

/** Waits until the encoder encodes again (its thread started anew), or gives up. */
async function encodesAgain(e: Encoder, ms = 30_000): Promise<Float32Array> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await e.encode(batch(e), 1);
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('the encoder thread dying (real onnxruntime; its thread ended from outside, as a crash ends it)', {
  timeout: 120_000,
}, () => {
  // Ending a thread while onnxruntime runs a batch in it aborts the whole process (a native
  // exception): the thread is ended here while it waits for work, after a batch has come back.
  it('starts a thread that ended again, encodes saying so meanwhile, then as before', async () => {
    const { lines, logger } = logged();
    const e = await open(logger);
    const before = await e.encode(batch(e), 1);
    const first = e[ENCODER_THREAD];
    await first.terminate();
    await new Promise((r) => setTimeout(r, 50));
    // meanwhile an encode says what is going on
    await expect(e.encode(batch(e), 1)).rejects.toThrow(
      /starting again \(encoder .* failed: encoder thread exited/,
    );
    const after = await encodesAgain(e);
    expect(e[ENCODER_THREAD]).not.toBe(first);
    expect(Array.from(after)).toEqual(Array.from(before));
    expect(lines.some((l) => l.startsWith('warn encoder thread died: starting it again'))).toBe(true);
    expect(lines.some((l) => l.includes('thread started again'))).toBe(true);
  });

  it("a thread that throws ('error', then 'exit', emitted as Node reports an uncaught error): the batch in flight fails with the reason, one restart", async () => {
    const { lines, logger } = logged();
    const e = await open(logger);
    const first = e[ENCODER_THREAD];
    const inFlight = e.encode(batch(e), 1);
    // (not events.once: it rejects on the 'error' emitted next)
    const ran = new Promise((r) => first.once('message', r));
    first.emit('error', new Error('uncaught in the thread'));
    await expect(inFlight).rejects.toThrow(/encoder .* failed: uncaught in the thread/);
    // the old thread ends once its batch has come back (see above)
    await ran;
    await first.terminate();
    await encodesAgain(e);
    await new Promise((r) => setTimeout(r, 500));
    expect(e[ENCODER_THREAD]).not.toBe(first);
    expect(lines.filter((l) => l.includes('starting it again'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('thread started again'))).toHaveLength(1);
    expect(lines.find((l) => l.includes('starting it again'))).toContain('uncaught in the thread');
  });

  it(`stays down, saying why, once the thread died ${RESTART_MAX + 1} times within the window`, async () => {
    const { lines, logger } = logged();
    const e = await open(logger);
    for (let i = 0; i < RESTART_MAX; i++) {
      const thread = e[ENCODER_THREAD];
      await thread.terminate();
      await encodesAgain(e);
      expect(e[ENCODER_THREAD]).not.toBe(thread);
    }
    await e[ENCODER_THREAD].terminate();
    await new Promise((r) => setTimeout(r, 200));
    await expect(e.encode(batch(e), 1)).rejects.toThrow(
      new RegExp(
        `thread died ${RESTART_MAX + 1} times within 10 minutes, not started again .*restart the daemon`,
      ),
    );
    expect(lines.some((l) => l.startsWith('error encoder thread keeps dying'))).toBe(true);
  });

  it('a thread ended by stop() is not started again', async () => {
    const { lines, logger } = logged();
    const e = await open(logger);
    await e.encode(batch(e), 1);
    await e.stop();
    await new Promise((r) => setTimeout(r, 200));
    await expect(e.encode(batch(e), 1)).rejects.toThrow(/not running \(stopped\)/);
    expect(lines.some((l) => l.includes('starting it again'))).toBe(false);
  });
});
