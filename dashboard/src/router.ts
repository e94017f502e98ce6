import { useEffect, useState } from 'preact/hooks';

export const PAGES = ['live', 'enroll', 'catalog', 'history', 'units'] as const;

export type PageId = (typeof PAGES)[number];

function current(): PageId {
  const id = window.location.hash.replace(/^#\/?/, '').split('?')[0];
  return PAGES.find((p) => p === id) ?? 'live';
}

/** Hash routing: every page has an address a technician can bookmark, and the back button works. */
export function usePage(): PageId {
  const [page, setPage] = useState<PageId>(current);
  useEffect(() => {
    const onHash = () => setPage(current());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return page;
}
