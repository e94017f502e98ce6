import { useEffect, useState } from 'preact/hooks';
import type { BoardConflictPage } from '../../../src/protocol.ts';
import { api } from '../api.ts';
import { useT } from '../i18n/context.tsx';
import { useShopBox } from './shop-box.tsx';

/** The inspection map's field in a board's conflicts (one version of the whole map per side). */
const MAP_FIELD = 'inspectionMap';

const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The field's value as the table shows it: a map version by its size and reference, not its JSON. */
function shownValue(t: ReturnType<typeof useT>, field: string, v: unknown): string {
  if (field !== MAP_FIELD) return shown(v);
  if (v === null) return t.t('conflicts.mapDeleted');
  const m = v as { referenceId: number | null; regions: unknown[] };
  return t.t('conflicts.mapRegions', { count: m.regions.length, reference: String(m.referenceId ?? 'none') });
}

/**
 * Fields of this board edited on two boxes while apart (central only): the version kept (the later
 * edit) and the other, each with its box and time. Nothing when central is off or there are none.
 */
export function BoardConflicts({ boardId }: { boardId: number }) {
  const t = useT();
  const central = useShopBox() !== null;
  const [page, setPage] = useState<BoardConflictPage | null>(null);
  useEffect(() => {
    if (!central) return;
    let stale = false;
    api<BoardConflictPage>(`/api/boards/${boardId}/conflicts`).then(
      (p) => {
        if (!stale) setPage(p);
      },
      () => undefined,
    );
    return () => {
      stale = true;
    };
  }, [boardId, central]);
  if (!central || !page) return null;
  if (page.source === 'local-only')
    return <p class="muted">{t.t('conflicts.localOnly', { reason: page.reason ?? '' })}</p>;
  if (page.items.length === 0) return null;
  return (
    <section class="editor-refs" data-testid="board-conflicts">
      <h3>{t.t('conflicts.title')}</h3>
      <table class="history">
        <thead>
          <tr>
            <th scope="col">{t.t('conflicts.field')}</th>
            <th scope="col">{t.t('conflicts.kept')}</th>
            <th scope="col">{t.t('conflicts.other')}</th>
          </tr>
        </thead>
        <tbody>
          {page.items.map((c, i) => (
            <tr key={i} data-testid="board-conflict" data-field={c.field}>
              <td>{c.field === MAP_FIELD ? t.t('conflicts.inspectionMap') : c.field}</td>
              <td>
                <strong>{shownValue(t, c.field, c.kept)}</strong>
                <br />
                <span class="muted">
                  {t.t('conflicts.by', { box: c.keptBox, time: t.dateTime(c.keptAt) })}
                </span>
              </td>
              <td>
                {shownValue(t, c.field, c.other)}
                <br />
                <span class="muted">
                  {t.t('conflicts.by', { box: c.otherBox, time: t.dateTime(c.otherAt) })}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
