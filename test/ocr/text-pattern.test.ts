import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { renderLabel } from '../../tools/synth/label.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('board label patterns run in linear time (real daemon, PP-OCRv4, re2js)', () => {
  let daemon: Daemon;
  let url: string;

  beforeAll(async () => {
    const frames = tempDir('bs-pattern-');
    writeFrames(frames, [await pattern(41)], 2);
    ({ daemon, url } = await startTestDaemon(frames, { ocr: { enabled: true } }));
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('a pattern the linear-time engine cannot run, or too long or too large, is a 400 that says why', async () => {
    const cases: [string, string][] = [
      ['(?=S19)S19J', 'lookarounds'],
      ['(S19)-\\1', 'backreferences'],
      ['S19(XP', 'not a usable pattern'],
      ['S'.repeat(201), 'at most 200'],
      ['\\d{1000}\\w{1000}', 'too complex'],
    ];
    for (const [textPattern, why] of cases) {
      const res = await fetch(
        `${url}/api/boards`,
        json('POST', {
          vendor: 'Bitmain',
          model: `S19 ${textPattern.length}`,
          kind: 'hashboard',
          textPattern,
        }),
      );
      expect(res.status, textPattern).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('E_BAD_REQUEST');
      expect(body.error.message, textPattern).toContain(why);
    }
    const boards = (await (await fetch(`${url}/api/boards`)).json()) as { boards: unknown[] };
    expect(boards.boards).toHaveLength(0);
  });

  it('^(.|.)*#$ is accepted and a 40-character label is read without holding the daemon', async () => {
    const created = await fetch(
      `${url}/api/boards`,
      json('POST', { vendor: 'Bitmain', model: 'S19 hash', kind: 'hashboard', textPattern: '^(.|.)*#$' }),
    );
    expect(created.status).toBe(201);
    const board = (await created.json()) as { id: number };
    const patch = await fetch(`${url}/api/boards/${board.id}`, json('PATCH', { textPattern: '(a)\\1' }));
    expect(patch.status).toBe(400);

    const xpRes = await fetch(
      `${url}/api/boards`,
      json('POST', { vendor: 'Bitmain', model: 'S19 XP', kind: 'hashboard', textPattern: 's19-?xp' }),
    );
    const xp = (await xpRes.json()) as { id: number };

    // A backtracking engine takes 2^n steps for this pattern on n characters without a '#'.
    const label = await renderLabel(
      { model: 'S19-XP-HB 2024-05 REV-A1', serial: 'HKYTZ2BBCJDJ0A2C3' },
      {
        width: 800,
        height: 600,
        rotateDeg: 1,
        blurSigma: 0.3,
        modelPx: 22,
        serialPx: 16,
        pcb: '#1d5c37',
        seed: 3,
      },
    );
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(label.jpeg)], { type: 'image/jpeg' }), 'label.jpg');
    const res = await fetch(`${url}/api/recognize`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      ocr: { lines: string[]; verdict: string; textBoard: { id: number } | null };
    };
    expect(body.ocr.lines.join(' ').length, body.ocr.lines.join(' ')).toBeGreaterThanOrEqual(30);
    // the text holds no '#': the evil pattern matches nothing; the XP board's pattern (any case) names it
    expect(body.ocr.verdict).toBe('corrected');
    expect(body.ocr.textBoard?.id).toBe(xp.id);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});
