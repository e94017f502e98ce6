import { useEffect, useState } from 'preact/hooks';
import { api, type BoardJson, listBoards, type RecognitionPage } from '../api.ts';
import { DayChart, type DayCount } from '../components/day-chart.tsx';
import { type Filters, filterParams, HistoryFilters, NO_FILTERS } from '../components/history-filters.tsx';
import { ShopBoxSelect, ShopSource, useShopBox } from '../components/shop-box.tsx';
import { boardName } from '../format.ts';
import { useT } from '../i18n/context.tsx';
import { useLiveState } from '../live/hooks.ts';

const PAGE_SIZE = 25;

/** Past recognitions: filter, page through, export as CSV, and see the daily volume. */
export function HistoryPage() {
  const t = useT();
  const live = useLiveState();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<RecognitionPage | null>(null);
  const [days, setDays] = useState<DayCount[]>([]);
  const [boards, setBoards] = useState<BoardJson[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [fresh, setFresh] = useState(0);
  const [reload, setReload] = useState(0);
  /** '' this box's history; '*' or a box name: the shop's, from the central side */
  const [box, setBox] = useState('');
  const central = useShopBox() !== null;
  const shop = central && box !== '';

  useEffect(() => {
    listBoards().then(setBoards, setError);
  }, []);
  useEffect(() => live.on('recognized', () => setFresh((n) => n + 1)), [live]);

  const params = filterParams(filters);
  const key = params.toString();
  useEffect(() => {
    const q = new URLSearchParams(key);
    const list = new URLSearchParams(q);
    if (shop) {
      // the shop-wide history filters by board, slot and time (text search is this box's only)
      list.delete('text');
      list.set('box', box);
    }
    list.set('limit', String(PAGE_SIZE));
    list.set('offset', String(offset));
    q.set('tzOffset', String(new Date().getTimezoneOffset()));
    // A response for filters the user has already changed must not overwrite the newer one.
    let stale = false;
    Promise.all([
      api<RecognitionPage>(`/api/recognitions?${list}`),
      api<{ days: DayCount[] }>(`/api/recognitions/per-day?${q}`),
    ]).then(
      ([p, d]) => {
        if (stale) return;
        setPage(p);
        setDays(d.days);
        setError(null);
        setFresh(0);
      },
      (e) => {
        if (!stale) setError(e);
      },
    );
    return () => {
      stale = true;
    };
  }, [key, offset, reload, box, shop]);

  const change = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setOffset(0);
  };
  const csv = new URLSearchParams(params);
  csv.set('format', 'csv');
  const last = page ? Math.min(page.offset + page.items.length, page.total) : 0;

  return (
    <div class="page">
      <div class="page-head">
        <h1>{t.t('history.title')}</h1>
        <a class="button secondary" href={`/api/recognitions?${csv}`} download="recognitions.csv">
          {t.t('history.csv')}
        </a>
        <button type="button" class="secondary" onClick={() => setReload((n) => n + 1)}>
          {fresh > 0 ? t.t('history.refreshNew', { count: fresh }) : t.t('history.refresh')}
        </button>
      </div>
      <HistoryFilters
        initial={NO_FILTERS}
        boards={boards}
        slots={[...new Set(live.slots.map((s) => s.slot))]}
        onChange={change}
      />
      {central ? (
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <ShopBoxSelect
            value={box}
            seen={page?.items.flatMap((r) => (r.box ? [r.box] : [])) ?? []}
            onChange={(b) => {
              // the other answer's rows are not shown under this one's columns meanwhile
              setPage(null);
              setBox(b);
              setOffset(0);
            }}
          />
        </form>
      ) : null}
      <ShopSource page={shop ? page : null} />
      {error ? (
        <p class="form-error" role="alert">
          {t.error(error)}
        </p>
      ) : null}
      <section class="panel">
        <DayChart days={days} />
      </section>
      <p class="muted" aria-live="polite" data-testid="history-summary">
        {page === null
          ? t.t('common.loading')
          : page.total === 0
            ? t.t('history.none')
            : t.t('history.showing', { first: page.offset + 1, last, total: page.total })}
      </p>
      <table class="history">
        <thead>
          <tr>
            {shop ? <th scope="col">{t.t('shop.box')}</th> : null}
            <th scope="col">{t.t('history.time')}</th>
            <th scope="col">{t.t('common.slot')}</th>
            <th scope="col">{t.t('common.board')}</th>
            <th scope="col">{t.t('history.match')}</th>
            <th scope="col">{t.t('history.serial')}</th>
            <th scope="col">{t.t('history.picture')}</th>
          </tr>
        </thead>
        <tbody>
          {page?.items.map((r) => (
            <tr key={`${r.box ?? ''}/${r.id}`} data-testid="history-row">
              {shop ? <td data-testid="history-box">{r.box}</td> : null}
              <td>{t.dateTime(r.at)}</td>
              <td>{r.slot}</td>
              <td data-testid="history-board">
                {r.board ? boardName(r.board) : <span class="pill-unknown">{t.t('history.unknown')}</span>}
                {r.board?.removedAt ? (
                  <span class="pill-removed" title={t.t('history.removedHint')}>
                    {' '}
                    {t.t('history.removed')}
                  </span>
                ) : null}
              </td>
              <td class="num">{t.percent(r.score)}</td>
              <td data-testid="history-serial">
                {r.text?.serial ?? <span class="muted">{t.t('common.none')}</span>}
                {r.text?.textOverride ? (
                  <span class="pill-text" title={t.t('history.byLabelHint')}>
                    {' '}
                    {t.t('history.byLabel')}
                  </span>
                ) : null}
              </td>
              <td>
                {r.thumbnailUrl ? (
                  <img
                    src={r.thumbnailUrl}
                    alt={t.t('history.pictureAlt', { slot: r.slot, time: t.dateTime(r.at) })}
                    loading="lazy"
                  />
                ) : (
                  <span class="muted">{t.t('common.none')}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label={t.t('history.pages')}>
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => setOffset((o) => Math.max(0, o - PAGE_SIZE))}
        >
          {t.t('history.newer')}
        </button>
        <span>
          {t.t('history.page', {
            page: Math.floor(offset / PAGE_SIZE) + 1,
            pages: Math.max(1, Math.ceil((page?.total ?? 0) / PAGE_SIZE)),
          })}
        </span>
        <button
          type="button"
          disabled={!page || offset + PAGE_SIZE >= page.total}
          onClick={() => setOffset((o) => o + PAGE_SIZE)}
        >
          {t.t('history.older')}
        </button>
      </nav>
    </div>
  );
}
