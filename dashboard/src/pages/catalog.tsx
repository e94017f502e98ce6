import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type BoardJson, deleteBoard, errorText, listBoards } from '../api.ts';
import { BoardEditor } from '../components/board-editor.tsx';
import { Confirm } from '../components/modal.tsx';
import { useToast } from '../components/toast.tsx';
import { boardName, chipLine, KIND_LABELS } from '../format.ts';
import { useLiveClient } from '../live/hooks.ts';

const THUMBS = 4;

function BoardCard(props: { board: BoardJson; onEdit: () => void; onDelete: () => void }) {
  const b = props.board;
  const chips = chipLine(b);
  const more = b.references.length - THUMBS;
  return (
    <article class="board-card" data-testid="board-card" aria-label={boardName(b)}>
      <ul class="thumbs" aria-label="reference pictures">
        {b.references.slice(0, THUMBS).map((r) => (
          <li key={r.id}>
            <img src={r.thumbnailUrl} alt={`${boardName(b)} reference ${r.id}`} loading="lazy" />
          </li>
        ))}
        {more > 0 ? <li class="thumb-more">+{more}</li> : null}
        {b.references.length === 0 ? <li class="thumb-none">no pictures yet</li> : null}
      </ul>
      <h2>
        <span class="board-card-vendor">{b.vendor}</span> {b.model}
      </h2>
      <p class="muted">
        {KIND_LABELS[b.kind]}
        {chips ? ` · ${chips}` : ''} · {b.references.length} reference{b.references.length === 1 ? '' : 's'}
      </p>
      {b.notes ? <p class="board-card-notes">{b.notes}</p> : null}
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onEdit}>
          Edit
        </button>
        <button type="button" class="danger-outline" onClick={props.onDelete}>
          Delete
        </button>
      </div>
    </article>
  );
}

/** Every board the bench can recognize, with its pictures; search, edit, delete. */
export function CatalogPage() {
  const live = useLiveClient();
  const toast = useToast();
  const [search, setSearch] = useState('');
  const [boards, setBoards] = useState<BoardJson[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [deleting, setDeleting] = useState<BoardJson | null>(null);

  // only the newest request may update the list: an older search answering late is ignored
  const latest = useRef(0);
  const load = useCallback(() => {
    const mine = ++latest.current;
    listBoards(search.trim()).then(
      (b) => {
        if (mine !== latest.current) return;
        setBoards(b);
        setError(null);
      },
      (e) => {
        if (mine === latest.current) setError(errorText(e));
      },
    );
  }, [search]);

  useEffect(() => {
    const timer = setTimeout(load, 200);
    return () => clearTimeout(timer);
  }, [load]);
  useEffect(() => live.on('catalog', load), [live, load]);

  async function remove(b: BoardJson) {
    setDeleting(null);
    try {
      await deleteBoard(b.id);
      toast(`${boardName(b)} deleted.`);
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }

  const editingBoard = typeof editing === 'number' ? boards?.find((b) => b.id === editing) : null;
  return (
    <div class="page">
      <div class="page-head">
        <h1>Catalog</h1>
        <label class="search">
          <span class="sr-only">Search boards</span>
          <input
            type="search"
            placeholder="Search vendor, model, chip, notes…"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </label>
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          New board
        </button>
      </div>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <p class="muted" aria-live="polite">
        {boards === null ? 'Loading…' : `${boards.length} board${boards.length === 1 ? '' : 's'}`}
      </p>
      <div class="board-grid">
        {boards?.map((b) => (
          <BoardCard key={b.id} board={b} onEdit={() => setEditing(b.id)} onDelete={() => setDeleting(b)} />
        ))}
      </div>
      {editing === 'new' || editingBoard ? (
        <BoardEditor board={editingBoard ?? null} onClose={() => setEditing(null)} />
      ) : null}
      {deleting ? (
        <Confirm
          title={`Delete ${boardName(deleting)}?`}
          message={`This removes the board and its ${deleting.references.length} reference pictures. Past recognitions of it will show as unknown.`}
          confirmLabel="Delete board"
          onConfirm={() => remove(deleting)}
          onCancel={() => setDeleting(null)}
        />
      ) : null}
    </div>
  );
}
