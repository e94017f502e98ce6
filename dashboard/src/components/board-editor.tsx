import { useState } from 'preact/hooks';
import { type BoardJson, createBoard, deleteReference, updateBoard } from '../api.ts';
import { boardName } from '../format.ts';
import { useT } from '../i18n/context.tsx';
import { BoardConflicts } from './board-conflicts.tsx';
import { BoardFields, useBoardForm } from './board-form.tsx';
import { InspectionMapEditor } from './inspection-map-editor.tsx';
import { Confirm, Modal } from './modal.tsx';
import { ReferenceFeatures } from './reference-features.tsx';
import { useToast } from './toast.tsx';
import { UploadReferences } from './upload-references.tsx';

/** Edit a board (or create one when `board` is null): its details, its reference pictures. */
export function BoardEditor({ board, onClose }: { board: BoardJson | null; onClose: () => void }) {
  const t = useT();
  const toast = useToast();
  const form = useBoardForm(board ?? undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [removing, setRemoving] = useState<number | null>(null);
  // the map (a large picture, and a 404 before one is drawn) loads only when asked for
  const [mapOpen, setMapOpen] = useState(false);

  async function save(e: Event) {
    e.preventDefault();
    const input = form.validate(t);
    if (!input) return;
    setBusy(true);
    setError(null);
    try {
      const saved = board ? await updateBoard(board.id, input) : await createBoard(input);
      toast(t.t(board ? 'editor.saved' : 'editor.created', { board: boardName(saved) }));
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function removeReference(id: number) {
    setRemoving(null);
    try {
      await deleteReference(id);
      toast(t.t('editor.referenceDeleted'));
    } catch (err) {
      toast(t.error(err), 'error');
    }
  }

  return (
    <Modal
      title={board ? t.t('editor.editTitle', { board: boardName(board) }) : t.t('editor.newTitle')}
      onClose={onClose}
      wide
    >
      <form onSubmit={save} noValidate>
        <BoardFields form={form} />
        {error ? (
          <p class="form-error" role="alert">
            {t.error(error)}
          </p>
        ) : null}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {t.t(busy ? 'common.saving' : board ? 'editor.save' : 'editor.create')}
          </button>
        </div>
      </form>
      {board ? (
        <section class="editor-refs">
          <h3>{t.t('editor.references', { count: board.references.length })}</h3>
          <ul class="ref-grid">
            {board.references.map((r) => (
              <li key={r.id}>
                <img
                  src={r.thumbnailUrl}
                  alt={t.t('editor.referenceAlt', { id: r.id, source: r.source })}
                  loading="lazy"
                />
                <ReferenceFeatures features={r.features} />
                <button
                  type="button"
                  class="icon danger"
                  aria-label={t.t('editor.deleteReference', { id: r.id })}
                  onClick={() => setRemoving(r.id)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          <UploadReferences boardId={board.id} />
        </section>
      ) : null}
      {board ? (
        <details class="editor-refs" onToggle={(e) => setMapOpen(e.currentTarget.open)}>
          <summary>{t.t('editor.inspectionMap')}</summary>
          {mapOpen ? <InspectionMapEditor board={board} /> : null}
        </details>
      ) : null}
      {board ? <BoardConflicts boardId={board.id} /> : null}
      {removing !== null ? (
        <Confirm
          title={t.t('editor.deleteReferenceTitle')}
          message={t.t('editor.deleteReferenceMessage')}
          confirmLabel={t.t('editor.deleteReferenceConfirm')}
          onConfirm={() => removeReference(removing)}
          onCancel={() => setRemoving(null)}
        />
      ) : null}
    </Modal>
  );
}
