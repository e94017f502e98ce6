import type { Page } from 'playwright-core';
import type { DashboardLanguage } from '../../src/protocol.ts';
import { catalogueFragments, unexplained } from './catalogue.ts';

/** Names that are the same in every language. */
const PRODUCT_NAMES = ['benchsight'];

/** Fields of the API's answers that hold what people entered or the daemon said: shown as they are. */
const DATA_KEYS = new Set([
  'vendor',
  'model',
  'notes',
  'tags',
  'chipType',
  'slot',
  'id',
  'name',
  'reason',
  'suspect',
  'serial',
  'text',
  'error',
  'target',
  'message',
]);

/** Every string under a data key of `value` (arrays inherit their key): what the page may show as is. */
export function dataStrings(value: unknown, key = '', out = new Set<string>()): Set<string> {
  if (typeof value === 'string' && DATA_KEYS.has(key)) out.add(value);
  else if (Array.isArray(value)) for (const v of value) dataStrings(v, key, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) dataStrings(v, k, out);
  }
  return out;
}

/** The board catalogue, the live status (slots, camera, model) and the history as data. */
export async function apiData(url: string, headers: Record<string, string> = {}): Promise<string[]> {
  const out = new Set<string>();
  for (const path of ['/api/boards', '/api/status', '/api/recognitions?limit=100', '/api/ocr']) {
    const res = await fetch(`${url}${path}`, { headers });
    if (res.ok) dataStrings(await res.json(), '', out);
  }
  for (const v of [...out]) if (/^\d+$/.test(v)) out.delete(v);
  return [...out];
}

/**
 * Everything a person reads or hears on the page now: text nodes (dialogs, toasts, screen-reader
 * text included), the attributes that are shown or spoken, and the window's title.
 */
export function shownTexts(page: Page): Promise<string[]> {
  return snapshot(page, null).then((s) => s.texts);
}

/**
 * shownTexts, and the texts of the elements matching `dataSelector` (shown as data), read in one
 * page snapshot: the live card may show a new OCR line between two separate reads of the page.
 */
function snapshot(page: Page, dataSelector: string | null): Promise<{ texts: string[]; data: string[] }> {
  return page.evaluate((skip) => {
    const out: string[] = [document.title];
    const data = skip ? Array.from(document.querySelectorAll(skip), (el) => el.textContent ?? '') : [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement?.tagName;
      if (parent === 'SCRIPT' || parent === 'STYLE') continue;
      // text inside an element that shows what was read off a board is data, in the same snapshot
      if (skip && n.parentElement?.closest(skip)) continue;
      if (n.textContent?.trim()) out.push(n.textContent);
    }
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      for (const a of ['title', 'alt', 'aria-label', 'placeholder', 'aria-description']) {
        const v = el.getAttribute(a);
        if (v?.trim()) out.push(v);
      }
    }
    return { texts: out, data };
  }, dataSelector);
}

/** The words Intl writes dates and times with in the page's locale (months, "h", "min", "p.m."). */
function intlWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const words = new Set<string>();
    const locale = navigator.language;
    const styles: Intl.DateTimeFormatOptions[] = [
      { dateStyle: 'medium', timeStyle: 'medium' },
      { timeStyle: 'medium' },
      { month: 'short', day: 'numeric' },
    ];
    for (let month = 0; month < 12; month++) {
      for (const hour of [1, 13]) {
        const at = new Date(2026, month, 3, hour, 5, 7);
        for (const style of styles) {
          for (const part of new Intl.DateTimeFormat(
            document.documentElement.lang || locale,
            style,
          ).formatToParts(at)) {
            if (/\p{L}/u.test(part.value)) words.add(part.value.trim());
          }
        }
      }
    }
    return [...words];
  });
}

/** Elements that show what was read off a board (OCR lines, serials): data, whatever the language. */
const READ_OFF_THE_BOARD =
  '[data-testid=ocr-line] > span:first-child, [data-testid=serial], [data-testid=unit-serial]';

/**
 * The language check: every text the page shows must be data, Intl's, or a piece of the catalogue of
 * `language`. Returns what is left unexplained (an English word on a French page, or the reverse),
 * with the text it was found in.
 */
export async function untranslated(
  page: Page,
  language: DashboardLanguage,
  given: readonly string[],
): Promise<string[]> {
  // What was read off the board is taken in the same page snapshot as the texts (CI failure: a serial
  // "M" read after the data had been collected was taken for untranslated text).
  const shown = await snapshot(page, READ_OFF_THE_BOARD);
  const data = [...given, ...shown.data];
  const fragments = [...catalogueFragments(language), ...(await intlWords(page)), ...PRODUCT_NAMES].sort(
    (a, b) => b.length - a.length,
  );
  const out: string[] = [];
  for (const text of shown.texts) {
    const rest = unexplained(text, data, fragments);
    if (rest) out.push(`${rest}  ← "${text.trim()}"`);
  }
  return [...new Set(out)];
}
