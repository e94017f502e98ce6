import { useEffect, useMemo, useState } from 'preact/hooks';
import { type BoardJson, createBoard, enrollFromSlot, errorText, listBoards } from '../api.ts';
import { boardName, KIND_LABELS, percent } from '../format.ts';
import { useLiveClient } from '../live/hooks.ts';
import { BoardFields, useBoardForm } from './board-form.tsx';
import { Modal } from './modal.tsx';
import { SlotPreview } from './slot-preview.tsx';
import { useToast } from './toast.tsx';

type Mode = 'existing' | 'new';

/**
 * "This is…": the slot's current picture becomes a reference of an existing board or of a new one;
 * the daemon then rescans, so the next stable frames recognize it.
 */
export function EnrollDialog({ slot, onClose }: { slot: string; onClose: () => void }) {
  const live = useLiveClient();
  const toast = useToast();
  const view = live.slots.find((s) => s.slot === slot);
  const [mode, setMode] = useState<Mode>('existing');
  const [boards, setBoards] = useState<BoardJson[] | null>(null);
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const form = useBoardForm();

  useEffect(() => {
    listBoards()
      .then((b) => {
        setBoards(b);
        if (b.length === 0) setMode('new');
      })
      .catch((e) => setError(errorText(e)));
  }, []);

  const shown = useMemo(() => {
    const score = new Map(view?.candidates.map((c) => [c.boardId, c.score]) ?? []);
    const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
    return (boards ?? [])
      .filter((b) =>
        terms.every((t) => `${b.vendor} ${b.model} ${b.chipType ?? ''}`.toLowerCase().includes(t)),
      )
      .map((b) => ({ board: b, score: score.get(b.id) }))
      .sort(
        (a, b) => (b.score ?? -2) - (a.score ?? -2) || boardName(a.board).localeCompare(boardName(b.board)),
      );
  }, [boards, filter, view?.candidates]);

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    const input = mode === 'new' ? form.validate() : null;
    if (mode === 'new' && !input) return;
    if (mode === 'existing' && chosen === null) {
      setError('Choose the board that is in this slot, or create a new one.');
      return;
    }
    setBusy(true);
    try {
      const board = input ? await createBoard(input) : boards?.find((b) => b.id === chosen);
      if (!board) throw new Error('that board no longer exists');
      await enrollFromSlot(board.id, slot);
      toast(`Added the picture to ${boardName(board)}: it will be recognized on the next stable frames.`);
      onClose();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={`This is… (slot “${slot}”)`} onClose={onClose} wide>
      <form class="enroll-form" onSubmit={submit} noValidate>
        <div class="enroll-preview">
          {view ? <SlotPreview view={view} follow={false} label={`Current picture of slot ${slot}`} /> : null}
          <p class="muted">This picture of the slot becomes a reference image of the board you choose.</p>
        </div>
        <div class="enroll-choice">
          <div class="segmented" role="radiogroup" aria-label="Board">
            {(['existing', 'new'] as const).map((m) => (
              <label key={m} class={mode === m ? 'on' : ''}>
                <input type="radio" name="mode" checked={mode === m} onChange={() => setMode(m)} />
                {m === 'existing' ? 'A board in the catalog' : 'A new board'}
              </label>
            ))}
          </div>
          {mode === 'existing' ? (
            <fieldset class="board-pick">
              <legend class="sr-only">Catalog board</legend>
              <label for="enroll-filter">Find</label>
              <input
                id="enroll-filter"
                type="search"
                placeholder="vendor, model, chip…"
                value={filter}
                onInput={(e) => setFilter(e.currentTarget.value)}
              />
              <div class="pick-list">
                {boards === null ? <p class="muted">Loading the catalog…</p> : null}
                {shown.map(({ board, score }) => (
                  <label key={board.id} class={chosen === board.id ? 'pick on' : 'pick'}>
                    <input
                      type="radio"
                      name="board"
                      checked={chosen === board.id}
                      onChange={() => setChosen(board.id)}
                    />
                    <span class="pick-name">{boardName(board)}</span>
                    <span class="muted">
                      {KIND_LABELS[board.kind]}
                      {score !== undefined ? ` · ${percent(score)} like this picture` : ''}
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
          ) : (
            <BoardFields form={form} />
          )}
          {error ? (
            <p class="form-error" role="alert">
              {error}
            </p>
          ) : null}
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {busy
                ? 'Saving…'
                : mode === 'new'
                  ? 'Create board and add picture'
                  : 'Add picture to this board'}
            </button>
          </div>
        </div>
      </form>
    </Modal>
  );
}
