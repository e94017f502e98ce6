import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { About } from './components/about.tsx';
import { ConnectionBanner } from './components/connection.tsx';
import { LanguageSwitch } from './components/language-switch.tsx';
import { ToastProvider } from './components/toast.tsx';
import { useT } from './i18n/context.tsx';
import { CatalogPage } from './pages/catalog.tsx';
import { EnrollPage } from './pages/enroll.tsx';
import { HistoryPage } from './pages/history.tsx';
import { LivePage } from './pages/live.tsx';
import { UnitsPage } from './pages/units.tsx';
import { PAGES, type PageId, usePage } from './router.ts';

const VIEWS: Record<PageId, () => JSX.Element> = {
  live: LivePage,
  enroll: EnrollPage,
  catalog: CatalogPage,
  history: HistoryPage,
  units: UnitsPage,
};

export function App() {
  const t = useT();
  const page = usePage();
  const View = VIEWS[page];
  useEffect(() => {
    document.title = `${t.t(`page.${page}`)} · benchsight`;
  }, [t, page]);
  return (
    <ToastProvider>
      <a class="skip" href="#main">
        {t.t('app.skip')}
      </a>
      <header class="topbar">
        <span class="brand">
          <img src="favicon.svg" alt="" width="28" height="28" />
          benchsight
        </span>
        <nav aria-label={t.t('app.pages')}>
          {PAGES.map((p) => (
            <a key={p} href={`#/${p}`} aria-current={p === page ? 'page' : undefined}>
              {t.t(`page.${p}`)}
            </a>
          ))}
        </nav>
        <About />
        <LanguageSwitch />
      </header>
      <ConnectionBanner />
      <main id="main" tabIndex={-1} data-page={page}>
        <View />
      </main>
    </ToastProvider>
  );
}
