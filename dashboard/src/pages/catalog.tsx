import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type BoardJson, deleteBoard, listBoards } from '../api.ts';
import { BoardEditor } from '../components/board-editor.tsx';
import { Confirm } from '../components/modal.tsx';
import { useToast } from '../components/toast.tsx';
import { boardName, chipLine } from '../format.ts';
import { useT } from '../i18n/context.tsx';
import { useLiveClient } from '../live/hooks.ts';

const THUMBS = 4;

function BoardCard(props: { board: BoardJson; onEdit: () => void; onDelete: () => void }) {
  const t = useT();
  const b = props.board;
  const chips = chipLine(t, b);
  const more = b.references.length - THUMBS;
  return (
    <article class="board-card" data-testid="board-card" aria-label={boardName(b)}>
      <ul class="thumbs" aria-label={t.t('catalog.pictures')}>
        {b.references.slice(0, THUMBS).map((r) => (
          <li key={r.id}>
            <img
              src={r.thumbnailUrl}
              alt={t.t('catalog.pictureAlt', { board: boardName(b), id: r.id })}
              loading="lazy"
            />
          </li>
        ))}
        {more > 0 ? <li class="thumb-more">{t.t('catalog.morePictures', { count: more })}</li> : null}
        {b.references.length === 0 ? <li class="thumb-none">{t.t('catalog.noPictures')}</li> : null}
      </ul>
      <h2>
        <span class="board-card-vendor">{b.vendor}</span> {b.model}
      </h2>
      <p class="muted">
        {[t.t(`kind.${b.kind}`), chips, t.t('catalog.references', { count: b.references.length })]
          .filter(Boolean)
          .join(' · ')}
      </p>
      {b.notes ? <p class="board-card-notes">{b.notes}</p> : null}
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onEdit}>
          {t.t('catalog.edit')}
        </button>
        <button type="button" class="danger-outline" onClick={props.onDelete}>
          {t.t('catalog.delete')}
        </button>
      </div>
    </article>
  );
}

/** Every board the bench can recognize, with its pictures; search, edit, delete. */
export function CatalogPage() {
  const t = useT();
  const live = useLiveClient();
  const toast = useToast();
  const [search, setSearch] = useState('');
  const [boards, setBoards] = useState<BoardJson[] | null>(null);
  const [error, setError] = useState<unknown>(null);
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
        if (mine === latest.current) setError(e);
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
      toast(t.t('catalog.deleted', { board: boardName(b) }));
    } catch (err) {
      toast(t.error(err), 'error');
    }
  }

  const editingBoard = typeof editing === 'number' ? boards?.find((b) => b.id === editing) : null;
  return (
    <div class="page">
      <div class="page-head">
        <h1>{t.t('catalog.title')}</h1>
        <label class="search">
          <span class="sr-only">{t.t('catalog.search')}</span>
          <input
            type="search"
            placeholder={t.t('catalog.searchPlaceholder')}
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </label>
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          {t.t('catalog.new')}
        </button>
      </div>
      {error ? (
        <p class="form-error" role="alert">
          {t.error(error)}
        </p>
      ) : null}
      <p class="muted" aria-live="polite">
        {boards === null ? t.t('common.loading') : t.t('catalog.count', { count: boards.length })}
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
          title={t.t('catalog.deleteTitle', { board: boardName(deleting) })}
          message={t.t('catalog.deleteMessage', { count: deleting.references.length })}
          confirmLabel={t.t('catalog.deleteConfirm')}
          onConfirm={() => remove(deleting)}
          onCancel={() => setDeleting(null)}
        />
      ) : null}
    </div>
  );
}
