import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MessageId } from '../../dashboard/src/i18n/catalogs/en.ts';
import { pickLanguage } from '../../dashboard/src/i18n/language.ts';
import { Translator } from '../../dashboard/src/i18n/translator.ts';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import { configSchema } from '../../src/config/schema.ts';
import { DASHBOARD_LANGUAGES } from '../../src/protocol.ts';
import { CATALOGS, parts, scanSources } from './catalogue.ts';

/** A component written without the catalogues: the scan must find its four shown strings, and only those. */
const PROBE = `
export function Probe({ b, toast }) {
  if (b.kind === 'empty-bench but not shown') throw new Error('for developers only');
  return (
    <div class="board-card secondary wide">
      <button type="button" onClick={() => toast('Reference picture deleted.')}>
        Delete board
      </button>
      <input placeholder="Search vendor, model, chip…" />
      <p title={\`Delete \${b.vendor} \${b.model}?\`}>{b.notes}</p>
    </div>
  );
}`;

const ids = (language: (typeof DASHBOARD_LANGUAGES)[number]) => Object.keys(CATALOGS[language]).sort();

describe('dashboard message catalogues (build-time half of the language check)', () => {
  it('every language has exactly the same message ids, and each message parses with the same arguments', () => {
    const en = ids('en');
    expect(en.length).toBeGreaterThan(150);
    for (const language of DASHBOARD_LANGUAGES) {
      expect(ids(language)).toEqual(en);
      for (const id of en) {
        const mine = parts(CATALOGS[language][id as MessageId], language).args;
        const english = parts(CATALOGS.en[id as MessageId], 'en').args;
        expect([...mine].sort(), `${language} ${id}`).toEqual([...english].sort());
      }
    }
  });

  it('French is written out: a message the same as in English is one of the few that are the same', () => {
    const same = ids('en').filter(
      (id) => CATALOGS['fr-CA'][id as MessageId] === CATALOGS.en[id as MessageId],
    );
    // language names (each in itself), product words the shop uses as they are, units and signs
    expect(same).toEqual([
      'app.pages',
      'catalog.morePictures',
      'common.none',
      'form.notes',
      'kind.hashboard',
      'lang.en',
      'lang.fr-CA',
      'unit.ms',
    ]);
  });

  it('the code shows no text of its own: every shown string goes through a catalogue', () => {
    const scan = scanSources();
    expect(scan.hardCoded).toEqual([]);
    // the scan does see text: the same check on a component written the old way finds it
    const found = scanSources([{ file: join(PACKAGE_ROOT, 'probe.tsx'), text: PROBE }]).hardCoded;
    expect(found.map((h) => h.replace(/^probe\.tsx:\d+ /, ''))).toEqual([
      '"Reference picture deleted."',
      'Delete board',
      '"Search vendor, model, chip…"',
      '`Delete ?`',
    ]);
  });

  it('every message id is used by the code, and every id the code names exists', () => {
    const scan = scanSources();
    const all = ids('en');
    const used = (id: string) => scan.ids.has(id) || [...scan.prefixes].some((p) => p && id.startsWith(p));
    expect(all.filter((id) => !used(id))).toEqual([]);
    const named = [...scan.ids].filter((s) => /^[a-z]+\.[A-Za-z_-]+$/.test(s) && s.split('.')[0] !== 'uPlot');
    const catalogue = new Set(all);
    const prefixesOfIds = new Set(all.map((id) => id.split('.')[0]));
    expect(named.filter((s) => prefixesOfIds.has(s.split('.')[0]!) && !catalogue.has(s))).toEqual([]);
  });

  it('the error messages name stable codes that exist (src/errors.ts) or are the dashboard’s own', () => {
    const codes = readFileSync(join(PACKAGE_ROOT, 'src', 'errors.ts'), 'utf8').match(/'E_[A-Z_]+'/g) ?? [];
    const known = new Set([...codes.map((c) => c.slice(1, -1)), 'E_OFFLINE', 'E_HTTP']);
    const localized = ids('en')
      .filter((id) => id.startsWith('error.'))
      .map((id) => id.slice(6));
    expect(localized.length).toBeGreaterThan(5);
    expect(localized.filter((c) => !known.has(c))).toEqual([]);
  });

  it('French follows Québec typography: no-break space before ":" and inside « », none before ? ! ;', () => {
    const bad: string[] = [];
    for (const [id, message] of Object.entries(CATALOGS['fr-CA'])) {
      for (const literal of parts(message, 'fr-CA').literals) {
        if (/(?:^|[^\u00a0\u202f]):/u.test(literal) && !/^:/.test(literal)) bad.push(`${id}: before ":"`);
        if (/^:/.test(literal)) bad.push(`${id}: ":" right after a value`);
        if (/«(?![\u00a0\u202f])/u.test(literal) || /(?<![\u00a0\u202f])»/u.test(literal))
          bad.push(`${id}: « »`);
        if (/\s[?!;]/u.test(literal)) bad.push(`${id}: space before ? ! ;`);
        if (/"|“|”/u.test(literal)) bad.push(`${id}: English quotes`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('plurals, numbers and dates come from the library and Intl in the page’s locale', () => {
    const fr = new Translator('fr-CA', 'fr-CA');
    const en = new Translator('en', 'en-US');
    expect(fr.t('history.none')).toBe('Aucune reconnaissance');
    expect(fr.t('days.caption', { total: 1, days: 1 })).toBe(
      'Reconnaissances par jour (1 reconnaissance en 1 jour)',
    );
    expect(fr.t('days.caption', { total: 2, days: 3 })).toBe(
      'Reconnaissances par jour (2 reconnaissances en 3 jours)',
    );
    expect(en.t('catalog.count', { count: 1 })).toBe('1 board');
    expect(en.t('catalog.count', { count: 1200 })).toBe('1,200 boards');
    expect(fr.t('catalog.count', { count: 1200 })).toMatch(/^1[\u00a0\u202f ]200 cartes$/u);
    expect(fr.percent(0.95)).toMatch(/^95,0[\u00a0\u202f]%$/u);
    expect(en.percent(0.95)).toBe('95.0%');
    expect(fr.fixed(12.345)).toBe('12,3');
    const noon = Date.UTC(2026, 11, 1, 12, 0, 0);
    expect(fr.dayMonth('2026-12-01')).toBe('1 déc.');
    expect(en.dayMonth('2026-12-01')).toBe('Dec 1');
    expect(fr.dateTime(noon)).toMatch(/déc\. 2026/);
    expect(fr.t('common.slotName', { slot: 'A1' })).toBe('Emplacement «\u00a0A1\u00a0»');
  });

  it('API errors: the localized message for a code the dashboard knows, the daemon’s own otherwise', () => {
    const fr = new Translator('fr-CA', 'fr-CA');
    const coded = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(fr.error(coded('E_CONFLICT', 'a board "Bitmain S19" already exists'))).toBe(
      CATALOGS['fr-CA']['error.E_CONFLICT'],
    );
    expect(fr.error(coded('E_MODEL_RUN', 'the encoder failed: out of memory'))).toBe(
      'the encoder failed: out of memory',
    );
    expect(fr.error(Object.assign(coded('E_HTTP', 'the daemon answered 502'), { status: 502 }))).toBe(
      'Le service a répondu avec le code HTTP 502.',
    );
  });

  it('language: the remembered pick, else the browser’s first language we have, else server.defaultLanguage', () => {
    expect(pickLanguage(null, ['fr-CA', 'en-US'], 'en')).toBe('fr-CA');
    expect(pickLanguage(null, ['fr-FR'], 'en')).toBe('fr-CA');
    expect(pickLanguage(null, ['en-GB', 'fr-CA'], 'fr-CA')).toBe('en');
    expect(pickLanguage(null, ['de-DE', 'es'], 'fr-CA')).toBe('fr-CA');
    expect(pickLanguage('en', ['fr-CA'], 'fr-CA')).toBe('en');
    expect(pickLanguage('klingon', ['de'], 'en')).toBe('en');
    expect(configSchema.parse({}).server.defaultLanguage).toBe('en');
    expect(configSchema.parse({ server: { defaultLanguage: 'fr-CA' } }).server.defaultLanguage).toBe('fr-CA');
    expect(() => configSchema.parse({ server: { defaultLanguage: 'fr' } })).toThrow(
      /defaultLanguage|en|fr-CA/,
    );
  });
});
