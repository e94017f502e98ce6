import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon } from '../../src/main.ts';
import { pattern } from '../helpers/daemon.ts';
import { launchBrowser, screenshot, TABLET } from './browser.ts';
import { startDemoDaemon } from './daemons.ts';

/** expect.poll's own default (1 s) is too short on a busy 2-core CI machine. */
const POLL = { timeout: 15_000 };
type Browser = Awaited<ReturnType<typeof launchBrowser>>;

const DAY = 86_400_000;

/** "2026-11-24T00:00", what a datetime-local input holds, in this machine's (and chromium's) time zone. */
function localInput(ms: number): string {
  return new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

describe('History page in chromium: filters, paging, CSV export, per-day chart (demo bench)', () => {
  let daemon: Daemon;
  let url: string;
  let browser: Browser;
  let board: { id: number; vendor: string; model: string };
  let noon: number;

  beforeAll(async () => {
    [{ daemon, url }, browser] = await Promise.all([startDemoDaemon(), launchBrowser()]);
    const { boards } = (await (await fetch(`${url}/api/boards`)).json()) as {
      boards: { id: number; vendor: string; model: string; kind: string }[];
    };
    const [first, other] = boards.filter((b) => b.kind !== 'empty-bench');
    board = first!;
    const today = new Date();
    today.setHours(12, 0, 0, 0);
    noon = today.getTime();
    // Known history a few days back; the live replay only adds rows from today.
    const thumbnail = await pattern(5, 240, 180);
    const rows: [daysAgo: number, count: number, slot: string, boardId: number | null][] = [
      [3, 18, 'bench', board.id],
      [2, 12, 'bench', board.id],
      [2, 6, 'left', board.id],
      [2, 5, 'bench', other!.id],
      [3, 4, 'bench', null],
    ];
    for (const [daysAgo, count, slot, boardId] of rows) {
      for (let i = 0; i < count; i++) {
        daemon.catalog!.insertRecognition({
          at: noon - daysAgo * DAY + i * 60_000,
          camera: 'bench-1',
          slot,
          boardId,
          score: 0.9 + i / 1000,
          margin: 0.1,
          topk: boardId === null ? [] : [{ boardId, score: 0.9 }],
          modelId: 'test',
          thumbnail,
        });
      }
    }
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
  });

  it('filters by board, slot and time range, pages through, charts per day and exports the same rows', async () => {
    const { page, errors } = await browser.open(`${url}/#/history`);
    const summary = page.getByTestId('history-summary');
    const rows = page.getByTestId('history-row');
    await page.selectOption('#f-board', String(board.id));
    await page.fill('#f-slot', 'bench');
    await page.press('#f-slot', 'Tab');
    await page.fill('#f-from', localInput(noon - 4 * DAY));
    await page.fill('#f-to', localInput(noon - DAY));
    await expect.poll(() => summary.textContent(), POLL).toBe('Showing 1–25 of 30 recognitions');
    expect(await rows.count()).toBe(25);
    for (const text of await rows.allTextContents()) expect(text).toContain(`${board.vendor} ${board.model}`);
    await expect.poll(() => page.locator('.day-count').allTextContents(), POLL).toEqual(['18', '12']);
    // Thumbnails load lazily: the ones on screen.
    await expect
      .poll(
        () =>
          page
            .locator('.history img')
            .evaluateAll((imgs) => imgs.slice(0, 5).every((i) => (i as HTMLImageElement).naturalWidth > 0)),
        POLL,
      )
      .toBe(true);
    await screenshot(page, 'history-laptop');

    await page.getByRole('button', { name: 'Older →' }).click();
    await expect.poll(() => summary.textContent(), POLL).toBe('Showing 26–30 of 30 recognitions');
    expect(await rows.count()).toBe(5);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\r\n');
    expect(csv[0]).toContain('board_id');
    expect(csv).toHaveLength(31);
    for (const line of csv.slice(1))
      expect(line).toContain(`,bench,${board.id},${board.vendor},${board.model},`);

    await page.selectOption('#f-board', 'unknown');
    await expect.poll(() => summary.textContent(), POLL).toBe('Showing 1–4 of 4 recognitions');
    expect(await page.locator('.pill-unknown').count()).toBe(4);

    const tablet = await browser.open(`${url}/#/history`, TABLET);
    await expect.poll(() => tablet.page.getByTestId('history-row').count(), POLL).toBeGreaterThan(10);
    await screenshot(tablet.page, 'history-tablet');
    expect([...errors, ...tablet.errors]).toEqual([]);
  });

  /** The query the fields on screen stand for, built the way a user would read them. */
  async function fieldsQuery(page: Page): Promise<URLSearchParams> {
    const field = (id: string) => page.locator(id).inputValue();
    const [boardId, slot, from, to, text] = await Promise.all(
      ['#f-board', '#f-slot', '#f-from', '#f-to', '#f-search'].map(field),
    );
    const q = new URLSearchParams({ limit: '25', offset: '0' });
    if (boardId) q.set('board', boardId);
    if (slot?.trim()) q.set('slot', slot.trim());
    if (from) q.set('from', String(new Date(from).getTime()));
    if (to) q.set('to', String(new Date(to).getTime() + 59_999));
    if (text?.trim()) q.set('text', text.trim());
    return q;
  }

  /** The rows on screen are the API's answer for the filters on screen (slot and board of each row). */
  async function expectRowsMatchFields(page: Page, expected: { slot: string; total: number }) {
    const q = await fieldsQuery(page);
    expect(q.get('slot')).toBe(expected.slot);
    const answer = (await (await fetch(`${url}/api/recognitions?${q}`)).json()) as {
      total: number;
      items: { slot: string; board: { vendor: string; model: string } | null }[];
    };
    expect(answer.total).toBe(expected.total);
    await expect
      .poll(() => page.getByTestId('history-summary').textContent(), POLL)
      .toBe(`Showing 1–${answer.items.length} of ${answer.total} recognitions`);
    const cells = await page.getByTestId('history-row').evaluateAll((trs) =>
      trs.map((tr) =>
        Array.from(tr.children)
          .slice(1, 3)
          .map((td) => td.textContent),
      ),
    );
    expect(cells).toEqual(
      answer.items.map((r) => [r.slot, r.board ? `${r.board.vendor} ${r.board.model}` : 'Unknown']),
    );
  }

  it('keeps every filter edited in quick succession (type, Tab, pick, clear, type again) while live events re-render the page', async () => {
    const { page, errors } = await browser.open(`${url}/#/history`);
    const slot = page.locator('#f-slot');
    // Typed key by key, as a person does: the live view re-renders the page several times meanwhile.
    await slot.pressSequentially('bench', { delay: 40 });
    await slot.press('Tab');
    await page.fill('#f-from', localInput(noon - 4 * DAY));
    await slot.clear();
    await slot.pressSequentially('left', { delay: 40 });
    await slot.press('Tab');
    await page.fill('#f-to', localInput(noon - DAY));
    expect(await slot.inputValue()).toBe('left');
    await expectRowsMatchFields(page, { slot: 'left', total: 6 });

    await page.getByRole('button', { name: 'Clear filters' }).click();
    expect(await slot.inputValue()).toBe('');
    await slot.pressSequentially('bench', { delay: 40 });
    await slot.press('Tab');
    await page.selectOption('#f-board', String(board.id));
    await page.fill('#f-from', localInput(noon - 4 * DAY));
    await page.fill('#f-to', localInput(noon - DAY));
    await expectRowsMatchFields(page, { slot: 'bench', total: 30 });
    expect(errors).toEqual([]);
  });
});
