import { useEffect, useState } from 'preact/hooks';
import { api, type BoardJson, errorText, listBoards, type UnitPage, whoAmI } from '../api.ts';
import { UnitRecordView } from '../components/unit-record.tsx';
import { boardName, dateTime } from '../format.ts';
import { useLiveState } from '../live/hooks.ts';

const PAGE_SIZE = 25;

/** The serial named in the address (#/units?serial=X): that unit's record is open. */
function openSerial(): string | null {
  const q = window.location.hash.split('?')[1];
  return q ? new URLSearchParams(q).get('serial') : null;
}

/** Units: every physical board by serial, searchable; a unit's record opens from its row. */
export function UnitsPage() {
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

  useEffect(() => {
    whoAmI().then(
      (me) => setAdmin(me.role === 'admin'),
      () => setAdmin(false),
    );
    listBoards().then(setBoards, (e) => setError(errorText(e)));
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
        if (!stale) setError(errorText(e));
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
          <a href="#/units">← All units</a>
        </p>
        <UnitRecordView serial={open} admin={admin} changes={changes} />
      </div>
    );
  }
  const csv = new URLSearchParams(key);
  csv.set('format', 'csv');
  return (
    <div class="page">
      <div class="page-head">
        <h1>Units</h1>
        <a class="button secondary" href={`/api/units?${csv}`} download="units.csv">
          Export CSV
        </a>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Serial
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
          Board type
          <select
            name="board"
            value={board}
            onChange={(e) => {
              setBoard((e.target as HTMLSelectElement).value);
              setOffset(0);
            }}
          >
            <option value="">Any</option>
            {boards.map((b) => (
              <option key={b.id} value={String(b.id)}>
                {boardName(b)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select
            name="status"
            value={status}
            onChange={(e) => {
              setStatus((e.target as HTMLSelectElement).value);
              setOffset(0);
            }}
          >
            <option value="">Any</option>
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
          Returning only
        </label>
      </form>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="muted" aria-live="polite" data-testid="units-summary">
        {page === null ? 'Loading…' : page.total === 0 ? 'No units' : `${page.total} units`}
      </p>
      <table class="history">
        <thead>
          <tr>
            <th scope="col">Serial</th>
            <th scope="col">Board</th>
            <th scope="col">Status</th>
            <th scope="col">Visits</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {page?.items.map((u) => (
            <tr key={u.serial} data-testid="unit-row" data-serial={u.serial}>
              <td>
                <a href={`#/units?serial=${encodeURIComponent(u.serial)}`}>{u.serial}</a>
                {u.flagged ? <span class="pill-unknown"> conflict</span> : null}
              </td>
              <td>{u.board ? boardName(u.board) : <span class="muted">–</span>}</td>
              <td>{u.statusLabel}</td>
              <td class="num">{u.visits}</td>
              <td>{dateTime(u.lastSeen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Unit pages">
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => setOffset((o) => Math.max(0, o - PAGE_SIZE))}
        >
          ← Previous
        </button>
        <button
          type="button"
          disabled={!page || offset + PAGE_SIZE >= page.total}
          onClick={() => setOffset((o) => o + PAGE_SIZE)}
        >
          Next →
        </button>
      </nav>
    </div>
  );
}
