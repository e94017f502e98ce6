import { useEffect, useState } from 'preact/hooks';
import { api, type BoardJson, listBoards, type UnitPage, whoAmI } from '../api.ts';
import { ShopBoxSelect, ShopSource, useShopBox } from '../components/shop-box.tsx';
import { UnitRecordView } from '../components/unit-record.tsx';
import { boardName } from '../format.ts';
import { useT } from '../i18n/context.tsx';
import { useLiveState } from '../live/hooks.ts';

const PAGE_SIZE = 25;

/** The serial named in the address (#/units?serial=X): that unit's record is open. */
function openSerial(): string | null {
  const q = window.location.hash.split('?')[1];
  return q ? new URLSearchParams(q).get('serial') : null;
}

/** Units: every physical board by serial, searchable; a unit's record opens from its row. */
export function UnitsPage() {
  const t = useT();
  const live = useLiveState();
  const [serial, setSerial] = useState('');
  const [status, setStatus] = useState('');
  const [board, setBoard] = useState('');
  const [boards, setBoards] = useState<BoardJson[]>([]);
  const [returning, setReturning] = useState(false);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<UnitPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(openSerial);
  const [admin, setAdmin] = useState(false);
  const [changes, setChanges] = useState(0);
  /** '' this box's units; '*' or a box name: the shop's, from the central side */
  const [box, setBox] = useState('');
  const shop = useShopBox() !== null && box !== '';

  useEffect(() => {
    whoAmI().then(
      (me) => setAdmin(me.role === 'admin'),
      () => setAdmin(false),
    );
    listBoards().then(setBoards, (e) => setError(t.error(e)));
    const onHash = () => setOpen(openSerial());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => live.on('unit', () => setChanges((n) => n + 1)), [live]);

  const q = new URLSearchParams();
  if (serial.trim()) q.set('serial', serial.trim());
  if (board) q.set('board', board);
  if (status) q.set('status', status);
  if (returning) q.set('returning', 'true');
  if (shop) q.set('box', box);
  const key = q.toString();
  useEffect(() => {
    const list = new URLSearchParams(key);
    list.set('limit', String(PAGE_SIZE));
    list.set('offset', String(offset));
    let stale = false;
    api<UnitPage>(`/api/units?${list}`).then(
      (p) => {
        if (stale) return;
        setPage(p);
        setError(null);
      },
      (e) => {
        if (!stale) setError(t.error(e));
      },
    );
    return () => {
      stale = true;
    };
  }, [key, offset, changes]);

  if (open) {
    return (
      <div class="page">
        <p>
          <a href="#/units">{t.t('units.back')}</a>
        </p>
        <UnitRecordView serial={open} admin={admin} changes={changes} />
      </div>
    );
  }
  const csv = new URLSearchParams(key);
  csv.delete('box');
  csv.set('format', 'csv');
  return (
    <div class="page">
      <div class="page-head">
        <h1>{t.t('units.title')}</h1>
        <a class="button secondary" href={`/api/units?${csv}`} download="benchsight-units.csv">
          {t.t('history.csv')}
        </a>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t.t('units.serial')}
          <input
            name="serial"
            value={serial}
            onInput={(e) => {
              setSerial((e.target as HTMLInputElement).value);
              setOffset(0);
            }}
          />
        </label>
        <label>
          {t.t('units.boardType')}
          <select
            name="board"
            value={board}
            onChange={(e) => {
              setBoard((e.target as HTMLSelectElement).value);
              setOffset(0);
            }}
          >
            <option value="">{t.t('units.any')}</option>
            {boards.map((b) => (
              <option key={b.id} value={String(b.id)}>
                {boardName(b)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.t('unit.status')}
          <select
            name="status"
            value={status}
            onChange={(e) => {
              setStatus((e.target as HTMLSelectElement).value);
              setOffset(0);
            }}
          >
            <option value="">{t.t('units.any')}</option>
            {page?.statuses.map((s) => (
              <option key={s.status} value={s.status}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            name="returning"
            checked={returning}
            onChange={(e) => {
              setReturning((e.target as HTMLInputElement).checked);
              setOffset(0);
            }}
          />
          {t.t('units.returningOnly')}
        </label>
        <ShopBoxSelect
          value={box}
          seen={page?.items.flatMap((u) => (u.box ? [u.box] : [])) ?? []}
          onChange={(b) => {
            // the other answer's rows are not shown under this one's columns meanwhile
            setPage(null);
            setBox(b);
            setOffset(0);
          }}
        />
      </form>
      <ShopSource page={shop ? page : null} />
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="muted" aria-live="polite" data-testid="units-summary">
        {page === null ? t.t('common.loading') : t.t('units.count', { count: page.total })}
      </p>
      <table class="history">
        <thead>
          <tr>
            <th scope="col">{t.t('units.serial')}</th>
            <th scope="col">{t.t('common.board')}</th>
            <th scope="col">{t.t('unit.status')}</th>
            <th scope="col">{t.t('unit.visits')}</th>
            <th scope="col">{t.t('units.lastSeen')}</th>
            {shop ? <th scope="col">{t.t('shop.box')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {page?.items.map((u) => (
            <tr key={u.serial} data-testid="unit-row" data-serial={u.serial}>
              <td>
                <a href={`#/units?serial=${encodeURIComponent(u.serial)}`}>{u.serial}</a>
                {u.flagged ? <span class="pill-unknown"> {t.t('units.conflict')}</span> : null}
              </td>
              <td>{u.board ? boardName(u.board) : <span class="muted">{t.t('common.none')}</span>}</td>
              <td>{u.statusLabel}</td>
              <td class="num">{u.visits}</td>
              <td>{t.dateTime(u.lastSeen)}</td>
              {shop ? <td data-testid="unit-box">{u.box}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label={t.t('units.pages')}>
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => setOffset((o) => Math.max(0, o - PAGE_SIZE))}
        >
          {t.t('units.previous')}
        </button>
        <button
          type="button"
          disabled={!page || offset + PAGE_SIZE >= page.total}
          onClick={() => setOffset((o) => o + PAGE_SIZE)}
        >
          {t.t('units.next')}
        </button>
      </nav>
    </div>
  );
}
