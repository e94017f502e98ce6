import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import type { RecognitionPage } from '../../src/protocol.ts';
import { pattern, startTestDaemon, tempDir, writeFrames } from '../helpers/daemon.ts';
import { launchBrowser } from './browser.ts';

const POLL = { timeout: 30_000, interval: 100 };
type Browser = Awaited<ReturnType<typeof launchBrowser>>;

describe('a removed board keeps its name in the history (issue 20, item 2; chromium, tiny model)', () => {
  let daemon: Daemon;
  let url: string;
  let browser: Browser;
  let picture: Buffer;

  beforeAll(async () => {
    picture = await pattern(91);
    const frames = tempDir('bs-frames-');
    writeFrames(frames, [picture], 4);
    [{ daemon, url }, browser] = await Promise.all([startTestDaemon(frames), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
  });

  const json = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${url}${path}`, init);
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  const newBoard = (model: string) =>
    json<{ id: number }>('/api/boards', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'Bitmain', model, kind: 'hashboard' }),
    });

  it('in the API, the CSV and the History page; its id is not given to the next board', async () => {
    const s19 = await newBoard('S19j Pro');
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(picture)], { type: 'image/jpeg' }), 's19.jpg');
    await json(`/api/boards/${s19.id}/references`, { method: 'POST', body: form });
    const history = () => json<RecognitionPage>('/api/recognitions?limit=50');
    await expect.poll(async () => (await history()).items.some((r) => r.boardId === s19.id), POLL).toBe(true);

    await json(`/api/boards/${s19.id}`, { method: 'DELETE' });
    const next = await newBoard('M30S++');
    expect(next.id).toBeGreaterThan(s19.id);
    const named = (await history()).items.filter((r) => r.boardId === s19.id);
    expect(named.length).toBeGreaterThan(0);
    expect(named[0]!.board).toMatchObject({
      vendor: 'Bitmain',
      model: 'S19j Pro',
      removedAt: expect.any(Number),
    });
    const csv = await (await fetch(`${url}/api/recognitions?format=csv`)).text();
    expect(csv.split('\r\n').filter((l) => l.includes(`,${s19.id},Bitmain,S19j Pro,`)).length).toBe(
      named.length,
    );
    expect(csv).not.toContain('M30S++');

    const { page, errors } = await browser.open(`${url}/#/history`);
    const cell = page.getByTestId('history-board').filter({ hasText: 'S19j Pro' }).first();
    await cell.waitFor();
    expect(await cell.textContent()).toBe('Bitmain S19j Pro removed');
    expect(errors).toEqual([]);
  });
});
