import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  type BoardJson,
  type CaptureJson,
  captureSlot,
  createBoard,
  enrollCapture,
  listBoards,
} from '../api.ts';
import { boardName } from '../format.ts';
import type { BoardPrefill } from '../hardware.ts';
import { useT } from '../i18n/context.tsx';
import { useLiveClient } from '../live/hooks.ts';
import { BoardFields, useBoardForm } from './board-form.tsx';
import { Modal } from './modal.tsx';
import { useToast } from './toast.tsx';

type Mode = 'existing' | 'new';

/**
 * "This is…": the slot's picture, captured when the dialog opens and held by the daemon, becomes a
 * reference of an existing board or of a new one. The picture shown is the picture saved, whatever
 * arrived in the slot meanwhile; the daemon then looks again, so the next stable frames recognize it.
 */
export function EnrollDialog({
  camera,
  slot,
  prefill,
  onClose,
}: {
  /** The camera whose slot it is. */
  camera: string;
  slot: string;
  /** A new board's values from what its part number says ("Enroll as…"): the dialog starts there. */
  prefill?: BoardPrefill | undefined;
  onClose: () => void;
}) {
  const t = useT();
  const live = useLiveClient();
  const toast = useToast();
  const view = live.slots.find((s) => s.slot === slot && s.camera === camera);
  const [mode, setMode] = useState<Mode>(prefill ? 'new' : 'existing');
  const [boards, setBoards] = useState<BoardJson[] | null>(null);
  const [filter, setFilter] = useState('');
  const [chosen, setChosen] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [capture, setCapture] = useState<CaptureJson | null>(null);
  /** How much each board looked like the slot when the picture was taken. */
  const [scores, setScores] = useState(new Map<number, number>());
  /** A board this dialog created whose picture was not saved yet (a retry must not create it again). */
  const [created, setCreated] = useState<BoardJson | null>(null);
  const form = useBoardForm(prefill);

  function takePicture() {
    setCapture(null);
    setError(null);
    const candidates = view?.candidates ?? [];
    captureSlot(camera, slot)
      .then((c) => {
        setCapture(c);
        setScores(new Map(candidates.map((x) => [x.boardId, x.score])));
      })
      .catch(setError);
  }

  useEffect(takePicture, [camera, slot]);

  useEffect(() => {
    listBoards()
      .then((b) => {
        setBoards(b);
        if (b.length === 0) setMode('new');
      })
      .catch(setError);
  }, []);

  const shown = useMemo(() => {
    const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
    return (boards ?? [])
      .filter((b) =>
        terms.every((t) => `${b.vendor} ${b.model} ${b.chipType ?? ''}`.toLowerCase().includes(t)),
      )
      .map((b) => ({ board: b, score: scores.get(b.id) }))
      .sort(
        (a, b) => (b.score ?? -2) - (a.score ?? -2) || boardName(a.board).localeCompare(boardName(b.board)),
      );
  }, [boards, filter, scores]);

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    const input = mode === 'new' ? form.validate(t) : null;
    if (mode === 'new' && !input) return;
    if (mode === 'existing' && chosen === null) {
      setError(new Error(t.t('dialog.chooseBoard')));
      return;
    }
    if (!capture) {
      setError(new Error(t.t('dialog.noPicture')));
      return;
    }
    setBusy(true);
    try {
      let board = mode === 'existing' ? boards?.find((b) => b.id === chosen) : created;
      if (!board && input) {
        board = await createBoard(input);
        setCreated(board);
      }
      if (!board) throw new Error(t.t('dialog.boardGone'));
      const { references } = await enrollCapture(board.id, capture.id);
      const features = references[0]?.features;
      toast(
        features
          ? `${t.t('dialog.added', { board: boardName(board) })} ${t.t('features.count', { count: features.keypoints })}`
          : t.t('dialog.added', { board: boardName(board) }),
      );
      if (features?.few) toast(t.t('features.few'), 'error');
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={t.t('dialog.thisIs', { slot })} onClose={onClose} wide>
      <form class="enroll-form" onSubmit={submit} noValidate>
        <div class="enroll-preview">
          {capture ? (
            <img
              class="slot-preview"
              src={capture.imageUrl}
              alt={t.t('dialog.currentPicture', { slot })}
              data-testid="enroll-picture"
              data-capture={capture.id}
            />
          ) : (
            <p class="muted">{t.t('dialog.takingPicture')}</p>
          )}
          <p class="muted">{t.t('dialog.pictureHint')}</p>
          <button type="button" class="secondary" onClick={takePicture} disabled={busy}>
            {t.t('dialog.retake')}
          </button>
        </div>
        <div class="enroll-choice">
          <div class="segmented" role="radiogroup" aria-label={t.t('common.board')}>
            {(['existing', 'new'] as const).map((m) => (
              <label key={m} class={mode === m ? 'on' : ''}>
                <input type="radio" name="mode" checked={mode === m} onChange={() => setMode(m)} />
                {t.t(m === 'existing' ? 'dialog.existing' : 'dialog.new')}
              </label>
            ))}
          </div>
          {mode === 'existing' ? (
            <fieldset class="board-pick">
              <legend class="sr-only">{t.t('dialog.catalogBoard')}</legend>
              <label for="enroll-filter">{t.t('dialog.find')}</label>
              <input
                id="enroll-filter"
                type="search"
                placeholder={t.t('dialog.findPlaceholder')}
                value={filter}
                onInput={(e) => setFilter(e.currentTarget.value)}
              />
              <div class="pick-list">
                {boards === null ? <p class="muted">{t.t('dialog.loadingCatalog')}</p> : null}
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
                      {t.t(`kind.${board.kind}`)}
                      {score !== undefined ? ` · ${t.t('dialog.likeThis', { score: t.percent(score) })}` : ''}
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
              {t.error(error)}
            </p>
          ) : null}
          <div class="actions">
            <button type="submit" class="primary" disabled={busy || !capture}>
              {t.t(busy ? 'common.saving' : mode === 'new' ? 'dialog.createAndAdd' : 'dialog.addToBoard')}
            </button>
          </div>
        </div>
      </form>
    </Modal>
  );
}
