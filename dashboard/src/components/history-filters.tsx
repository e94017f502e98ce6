import { useState } from 'preact/hooks';
import type { BoardJson } from '../api.ts';
import { boardName } from '../format.ts';
import { useT } from '../i18n/context.tsx';

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

/**
 * The filter fields. What they show is the form's own state, written on every keystroke, and a field
 * is applied (`onChange`) when the browser says it changed (blur, Enter, a pick). The fields are not
 * driven by the applied filters: the page re-renders on every live event (several a second), and a
 * field bound to the applied value would have what was typed, not yet applied, put back to the old
 * value by such a render; its change event then never fires and the filter is silently dropped.
 */
export function HistoryFilters(props: {
  /** The filters in force when the page opens. */
  initial: Filters;
  boards: BoardJson[];
  slots: string[];
  /** Only the changed fields: two quick edits before a re-render must not undo each other. */
  onChange: (patch: Partial<Filters>) => void;
}) {
  const t = useT();
  const { onChange } = props;
  const [shown, setShown] = useState<Filters>(props.initial);
  const value = (e: Event) => (e.currentTarget as HTMLInputElement | HTMLSelectElement).value;
  const typed = (key: keyof Filters) => (e: Event) => {
    const v = value(e);
    setShown((f) => ({ ...f, [key]: v }));
  };
  const applied = (key: keyof Filters) => (e: Event) => {
    const v = value(e);
    setShown((f) => ({ ...f, [key]: v }));
    onChange({ [key]: v });
  };
  const clear = () => {
    setShown(NO_FILTERS);
    onChange(NO_FILTERS);
  };
  const text = (key: keyof Filters) => ({ value: shown[key], onInput: typed(key), onChange: applied(key) });
  return (
    <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label={t.t('filters.label')}>
      <div class="field">
        <label for="f-board">{t.t('common.board')}</label>
        <select id="f-board" value={shown.board} onChange={applied('board')}>
          <option value="">{t.t('filters.allBoards')}</option>
          <option value="unknown">{t.t('filters.unknownOnly')}</option>
          {props.boards.map((b) => (
            <option key={b.id} value={String(b.id)}>
              {boardName(b)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="f-slot">{t.t('common.slot')}</label>
        <input id="f-slot" list="f-slots" {...text('slot')} placeholder={t.t('filters.anySlot')} />
        <datalist id="f-slots">
          {props.slots.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </div>
      <div class="field">
        <label for="f-from">{t.t('filters.from')}</label>
        <input id="f-from" type="datetime-local" {...text('from')} />
      </div>
      <div class="field">
        <label for="f-to">{t.t('filters.to')}</label>
        <input id="f-to" type="datetime-local" {...text('to')} />
      </div>
      <div class="field">
        <label for="f-search">{t.t('filters.search')}</label>
        <input
          id="f-search"
          type="search"
          {...text('search')}
          placeholder={t.t('filters.searchPlaceholder')}
        />
      </div>
      <button type="button" class="secondary" onClick={clear}>
        {t.t('filters.clear')}
      </button>
    </form>
  );
}
