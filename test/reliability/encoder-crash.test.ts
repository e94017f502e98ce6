import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import type { RecognizedPayload, ServerToClientEvents } from '../../src/protocol.ts';
import { ENCODER_THREAD } from '../../src/vision/encoder.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';

/**
 * The daemon on a folder replay (tiny ViT, SQLite, socket.io): its encoder thread reports an uncaught
 * error while it recognizes (emitted on the thread's Worker as Node reports one), then is ended. The
 * frames meanwhile are skipped; the thread is started again and the board is recognized again.
 */
describe('the encoder thread dying while the daemon recognizes (its error emitted, then the thread ended)', {
  timeout: 120_000,
}, () => {
  let daemon: Daemon | undefined;
  let socket: Socket<ServerToClientEvents> | undefined;

  afterAll(async () => {
    socket?.close();
    await daemon?.stop();
  });

  it('recognizes the board again once the thread is started again; the daemon stays up', async () => {
    const board = await pattern(1);
    const frames = tempDir('bs-frames-');
    writeFrames(frames, [await pattern(2), board], 6);
    const started = await startTestDaemon(frames);
    daemon = started.daemon;
    const { url } = started;
    socket = io(url, { transports: ['websocket'], reconnection: false });
    const recognitions: RecognizedPayload[] = [];
    socket.on('recognized', (p) => recognitions.push(p));
    const created = await fetch(`${url}/api/boards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'Bitmain', model: 'S19j Pro hashboard', kind: 'hashboard' }),
    });
    const { id } = (await created.json()) as { id: number };
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(board)], { type: 'image/jpeg' }), 'a.jpg');
    expect((await fetch(`${url}/api/boards/${id}/references`, { method: 'POST', body: form })).status).toBe(
      201,
    );
    await expect.poll(() => recognitions.some((r) => r.board?.id === id), { timeout: 30_000 }).toBe(true);

    const encoder = daemon.benches!.recognizer.encoder;
    const thread = encoder[ENCODER_THREAD];
    // the thread reports an uncaught error, as Node does before the thread ends; it is ended once its
    // batches in flight are done (ending it while onnxruntime runs one aborts the whole process)
    thread.emit('error', new Error('uncaught in the encoder thread'));
    await new Promise((r) => setTimeout(r, 2000));
    await thread.terminate();
    await expect.poll(() => encoder[ENCODER_THREAD] !== thread, { timeout: 60_000 }).toBe(true);
    // what the old thread encoded has been sent by now
    await new Promise((r) => setTimeout(r, 1000));
    const restartedAt = recognitions.length;
    await expect
      .poll(() => recognitions.slice(restartedAt).some((r) => r.board?.id === id), { timeout: 60_000 })
      .toBe(true);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
