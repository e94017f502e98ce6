import { useEffect, useState } from 'preact/hooks';

export const PAGES = [
  { id: 'live', title: 'Live' },
  { id: 'enroll', title: 'Enroll' },
  { id: 'catalog', title: 'Catalog' },
  { id: 'history', title: 'History' },
] as const;

export type PageId = (typeof PAGES)[number]['id'];

function current(): PageId {
  const id = window.location.hash.replace(/^#\/?/, '').split('?')[0];
  return PAGES.find((p) => p.id === id)?.id ?? 'live';
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
