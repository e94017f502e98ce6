import { type ComponentChildren, createContext } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import type { DashboardLanguage } from '../../../src/protocol.ts';
import { formatLocale, LANGUAGE_KEY } from './language.ts';
import { Translator } from './translator.ts';

interface I18n {
  i18n: Translator;
  setLanguage: (language: DashboardLanguage) => void;
}

const I18nContext = createContext<I18n | null>(null);

function remember(language: DashboardLanguage): void {
  try {
    localStorage.setItem(LANGUAGE_KEY, language);
  } catch {
    // storage refused (private mode, quota): the choice lasts until the page is closed
  }
}

/** The shown language, switchable; `<html lang>` and the document title follow it. */
export function I18nProvider({
  initial,
  children,
}: {
  initial: DashboardLanguage;
  children: ComponentChildren;
}) {
  const [language, setLanguageState] = useState(initial);
  const value = useMemo<I18n>(
    () => ({
      i18n: new Translator(language, formatLocale(language, navigator.languages)),
      setLanguage: (l) => {
        remember(l);
        setLanguageState(l);
      },
    }),
    [language],
  );
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('I18nProvider is missing');
  return value;
}

/** The current translator: `const t = useT(); t.t('page.live')`. */
export const useT = (): Translator => useI18n().i18n;
