import { DASHBOARD_LANGUAGES, type DashboardLanguage } from '../../../src/protocol.ts';

/** Where the language picked in the header is remembered (per browser). */
export const LANGUAGE_KEY = 'benchsight.language';

export const isLanguage = (tag: unknown): tag is DashboardLanguage =>
  DASHBOARD_LANGUAGES.includes(tag as DashboardLanguage);

const primary = (tag: string) => tag.toLowerCase().split('-')[0];

/** The catalogue for a browser language: the same tag, else the same language (fr-FR reads fr-CA). */
export function catalogFor(tag: string): DashboardLanguage | null {
  return (
    DASHBOARD_LANGUAGES.find((l) => l.toLowerCase() === tag.toLowerCase()) ??
    DASHBOARD_LANGUAGES.find((l) => primary(l) === primary(tag)) ??
    null
  );
}

/**
 * The language to show: the one picked in the header, else the first of the browser's languages
 * that has a catalogue, else the daemon's `server.defaultLanguage`.
 */
export function pickLanguage(
  remembered: string | null,
  browser: readonly string[],
  fallback: DashboardLanguage,
): DashboardLanguage {
  if (isLanguage(remembered)) return remembered;
  for (const tag of browser) {
    const found = catalogFor(tag);
    if (found) return found;
  }
  return fallback;
}

/**
 * The locale Intl formats with: the browser's own tag when it is of the shown language (en-GB dates
 * for a British browser), else the catalogue's tag.
 */
export function formatLocale(language: DashboardLanguage, browser: readonly string[]): string {
  return browser.find((tag) => catalogFor(tag) === language) ?? (language === 'en' ? 'en-US' : language);
}
