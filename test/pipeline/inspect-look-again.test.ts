import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import type { InspectedPayload, ServerToClientEvents } from '../../src/protocol.ts';
import { startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { bareHashboard, chipCount, mapGolden, shoot, upload } from '../inspect/boards.ts';

const SEED = 303;
const hiddenOf = (p: InspectedPayload) => p.regions.filter((r) => r.verdict === 'hidden').length;

describe('live inspection looks at the board again while hands hid part of it (real daemon, folder camera, opencv.js, socket.io)', () => {
  let daemon: Daemon;
  let url: string;
  let frames: string;
  let hands: Awaited<ReturnType<typeof shoot>>;
  let clear: Awaited<ReturnType<typeof shoot>>;
  const bad = bareHashboard(SEED, { missing: [36] });

  beforeAll(async () => {
    // one board, chip 37 removed: first with two hands over it (the renderer's occlusion, seed 26), then without
    const view = { width: 800, height: 400, pxPerMm: 2.1, pose: { angleDeg: 4 } };
    [hands, clear] = await Promise.all([
      shoot(bad, 26, { ...view, nuisance: { occlusion: 1 } }),
      shoot(bad, 26, view),
    ]);
    frames = tempDir('bs-frames-');
    writeFrames(frames, [hands.jpeg], 3);
    ({ daemon, url } = await startTestDaemon(frames));
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
  });

  it('reports the hidden chips first, then the same recognition inspected again once the hands are gone', async () => {
    const boardId = await mapGolden(url, bareHashboard(SEED));
    const events: InspectedPayload[] = [];
    const socket: Socket<ServerToClientEvents> = io(url, { transports: ['websocket'], reconnection: false });
    try {
      // a wait that fails with what was seen (the test once timed out in a CI run on a loaded machine)
      const waitFor = (ok: (p: InspectedPayload) => boolean, what: string) =>
        new Promise<InspectedPayload>((resolve, reject) => {
          const found = events.find(ok);
          if (found) resolve(found);
          const timer = setTimeout(() => {
            const seen = events.map(
              (e) => `#${e.recognitionId} verified=${e.verified} hidden=${hiddenOf(e)}`,
            );
            reject(new Error(`${what}: not seen in 50 s; inspected events: ${seen.join(', ') || 'none'}`));
          }, 50_000);
          socket.on('inspected', (p) => {
            if (ok(p)) {
              clearTimeout(timer);
              resolve(p);
            }
          });
          if (found) clearTimeout(timer);
        });
      socket.on('inspected', (p) => events.push(p));
      // the tiny test encoder recognizes only near-copies: both pictures of the bench are enrolled
      for (const jpeg of [hands.jpeg, clear.jpeg]) {
        const res = await fetch(`${url}/api/boards/${boardId}/references`, {
          method: 'POST',
          body: upload(jpeg),
        });
        expect(res.status).toBe(201);
      }
      const first = await waitFor((p) => p.verified && hiddenOf(p) > 0, 'an inspection with hidden chips');
      expect(first.counts.chips.hidden).toBeGreaterThan(0);
      // the hands are taken away: the camera now shows the same board, unchanged, without them
      const before = readdirSync(frames);
      for (let i = 1; i <= 3; i++) writeFileSync(join(frames, `later-${i}.jpg`), clear.jpeg);
      for (const f of before) rmSync(join(frames, f));
      const again = await waitFor(
        (p) => p.recognitionId === first.recognitionId && p.verified && hiddenOf(p) === 0,
        `recognition #${first.recognitionId} inspected again with nothing hidden`,
      );
      expect(again.counts.chips).toEqual({
        expected: chipCount(bad),
        found: chipCount(bad) - 1,
        missing: 1,
        differs: 0,
        hidden: 0,
      });
      expect(
        again.regions.filter((r) => r.verdict !== 'present').map((r) => `${r.label} ${r.verdict}`),
      ).toEqual(['chip 37 missing']);
      // one recognition all along (the board never left), its history row holding the later look:
      // nothing hidden any more (the first look stored the hands' chips as hidden)
      expect(new Set(events.map((e) => e.recognitionId))).toEqual(new Set([first.recognitionId]));
      const row = (await (await fetch(`${url}/api/recognitions?defects=true`)).json()).items.find(
        (r: { id: number }) => r.id === first.recognitionId,
      );
      expect(row).toMatchObject({
        chipsExpected: chipCount(bad),
        chipsFound: chipCount(bad) - 1,
        chipsHidden: 0,
      });
    } finally {
      socket.close();
    }
  }, 120_000);
});
