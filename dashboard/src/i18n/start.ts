import type { DashboardLanguage, DashboardSettings } from '../../../src/protocol.ts';
import { LANGUAGE_KEY, pickLanguage } from './language.ts';

function remembered(): string | null {
  try {
    return localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}

/**
 * The language a page opens in, decided before its first render (no English flash): the remembered
 * pick, the browser's languages, then the daemon's `server.defaultLanguage` (GET /api/dashboard).
 */
export async function startLanguage(): Promise<DashboardLanguage> {
  const language = pickLanguage(remembered(), navigator.languages, await serverDefault());
  document.documentElement.lang = language;
  return language;
}

async function serverDefault(): Promise<DashboardLanguage> {
  let fallback: DashboardLanguage = 'en';
  try {
    const res = await fetch('/api/dashboard');
    if (res.ok) fallback = ((await res.json()) as DashboardSettings).defaultLanguage;
  } catch {
    // the daemon is down: the page says so once it is shown, in the browser's language or English
  }
  return fallback;
}
