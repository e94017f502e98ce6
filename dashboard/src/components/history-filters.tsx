import type { BoardJson } from '../api.ts';
import { boardName } from '../format.ts';

export interface Filters {
  board: string;
  slot: string;
  from: string;
  to: string;
  /** serial or label text */
  search: string;
}

export const NO_FILTERS: Filters = { board: '', slot: '', from: '', to: '', search: '' };

/** The filters as API query parameters (datetime-local values are the viewer's local time). */
export function filterParams(f: Filters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.board) p.set('board', f.board);
  if (f.slot.trim()) p.set('slot', f.slot.trim());
  if (f.from) p.set('from', String(new Date(f.from).getTime()));
  if (f.to) p.set('to', String(new Date(f.to).getTime() + 59_999));
  if (f.search.trim()) p.set('text', f.search.trim());
  return p;
}

export function HistoryFilters(props: {
  value: Filters;
  boards: BoardJson[];
  slots: string[];
  /** Only the changed fields: two quick edits before a re-render must not undo each other. */
  onChange: (patch: Partial<Filters>) => void;
}) {
  const { value, onChange } = props;
  const set = (key: keyof Filters) => (e: Event) =>
    onChange({ [key]: (e.currentTarget as HTMLInputElement).value });
  return (
    <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="History filters">
      <div class="field">
        <label for="f-board">Board</label>
        <select id="f-board" value={value.board} onChange={set('board')}>
          <option value="">All boards</option>
          <option value="unknown">Unknown only</option>
          {props.boards.map((b) => (
            <option key={b.id} value={String(b.id)}>
              {boardName(b)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="f-slot">Slot</label>
        <input id="f-slot" list="f-slots" value={value.slot} onChange={set('slot')} placeholder="any" />
        <datalist id="f-slots">
          {props.slots.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </div>
      <div class="field">
        <label for="f-from">From</label>
        <input id="f-from" type="datetime-local" value={value.from} onChange={set('from')} />
      </div>
      <div class="field">
        <label for="f-to">To</label>
        <input id="f-to" type="datetime-local" value={value.to} onChange={set('to')} />
      </div>
      <div class="field">
        <label for="f-search">Serial or label text</label>
        <input
          id="f-search"
          type="search"
          value={value.search}
          onChange={set('search')}
          placeholder="e.g. HKYTZ2BB or S19J"
        />
      </div>
      <button type="button" class="secondary" onClick={() => onChange(NO_FILTERS)}>
        Clear filters
      </button>
    </form>
  );
}
