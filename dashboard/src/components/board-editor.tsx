import { useState } from 'preact/hooks';
import { type BoardJson, createBoard, deleteReference, errorText, updateBoard } from '../api.ts';
import { boardName } from '../format.ts';
import { BoardFields, useBoardForm } from './board-form.tsx';
import { Confirm, Modal } from './modal.tsx';
import { useToast } from './toast.tsx';
import { UploadReferences } from './upload-references.tsx';

/** Edit a board (or create one when `board` is null): its details, its reference pictures. */
export function BoardEditor({ board, onClose }: { board: BoardJson | null; onClose: () => void }) {
  const toast = useToast();
  const form = useBoardForm(board ?? undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<number | null>(null);

  async function save(e: Event) {
    e.preventDefault();
    const input = form.validate();
    if (!input) return;
    setBusy(true);
    setError(null);
    try {
      const saved = board ? await updateBoard(board.id, input) : await createBoard(input);
      toast(`${boardName(saved)} ${board ? 'saved' : 'created'}.`);
      onClose();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function removeReference(id: number) {
    setRemoving(null);
    try {
      await deleteReference(id);
      toast('Reference picture deleted.');
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }

  return (
    <Modal title={board ? `Edit ${boardName(board)}` : 'New board'} onClose={onClose} wide>
      <form onSubmit={save} noValidate>
        <BoardFields form={form} />
        {error ? (
          <p class="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Saving…' : board ? 'Save changes' : 'Create board'}
          </button>
        </div>
      </form>
      {board ? (
        <section class="editor-refs">
          <h3>Reference pictures ({board.references.length})</h3>
          <ul class="ref-grid">
            {board.references.map((r) => (
              <li key={r.id}>
                <img src={r.thumbnailUrl} alt={`Reference ${r.id} (${r.source})`} loading="lazy" />
                <button
                  type="button"
                  class="icon danger"
                  aria-label={`Delete reference ${r.id}`}
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
      {removing !== null ? (
        <Confirm
          title="Delete this reference picture?"
          message="The board will no longer be matched against it."
          confirmLabel="Delete picture"
          onConfirm={() => removeReference(removing)}
          onCancel={() => setRemoving(null)}
        />
      ) : null}
    </Modal>
  );
}
