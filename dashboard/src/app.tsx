import type { JSX } from 'preact';
import { ConnectionBanner } from './components/connection.tsx';
import { ToastProvider } from './components/toast.tsx';
import { CatalogPage } from './pages/catalog.tsx';
import { EnrollPage } from './pages/enroll.tsx';
import { HistoryPage } from './pages/history.tsx';
import { LivePage } from './pages/live.tsx';
import { PAGES, type PageId, usePage } from './router.ts';

const VIEWS: Record<PageId, () => JSX.Element> = {
  live: LivePage,
  enroll: EnrollPage,
  catalog: CatalogPage,
  history: HistoryPage,
};

export function App() {
  const page = usePage();
  const View = VIEWS[page];
  return (
    <ToastProvider>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">
          <img src="favicon.svg" alt="" width="28" height="28" />
          benchsight
        </span>
        <nav aria-label="Pages">
          {PAGES.map((p) => (
            <a key={p.id} href={`#/${p.id}`} aria-current={p.id === page ? 'page' : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
      </header>
      <ConnectionBanner />
      <main id="main" tabIndex={-1} data-page={page}>
        <View />
      </main>
    </ToastProvider>
  );
}
