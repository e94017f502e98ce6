import type {
  CameraState,
  Candidate,
  InspectedPayload,
  OcrPayload,
  SlotUnit,
  SlotView,
} from '../../../src/protocol.ts';
import { boardName, chipLine } from '../format.ts';
import type { BoardPrefill } from '../hardware.ts';
import { useT } from '../i18n/context.tsx';
import { InspectionLine } from './inspection-line.tsx';
import { LabelText } from './label-text.tsx';
import { PartNumberLine } from './part-number.tsx';
import { SerialEntry, UnitLine } from './unit-line.tsx';

function Candidates({ title, list }: { title: string; list: Candidate[] }) {
  const t = useT();
  if (list.length === 0) return null;
  return (
    <section class="candidates" aria-label={title}>
      <h3>{title}</h3>
      <ol>
        {list.slice(0, 3).map((c) => (
          <li key={c.boardId}>
            <span>{boardName(c)}</span>
            <span class="num">{t.percent(c.score)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** How sure vision is, against the threshold in force (the status's match policy). */
function Confidence({ view, threshold }: { view: SlotView; threshold: number | undefined }) {
  const t = useT();
  if (view.source === 'text') {
    return (
      <p class="confidence" data-testid="named-by-label">
        {t.t('slot.namedByLabel')}
      </p>
    );
  }
  return (
    <p class="confidence">
      {t.rich('slot.match', {
        score: t.percent(view.score),
        big: (chunks) => <span class="big-number">{chunks}</span>,
      })}
      <meter
        min={0}
        max={1}
        low={threshold}
        optimum={1}
        value={view.score}
        aria-label={t.t('slot.confidence')}
        title={
          threshold === undefined ? undefined : t.t('slot.namedFrom', { threshold: t.percent(threshold) })
        }
      />
    </p>
  );
}

function Body({ view, threshold }: { view: SlotView; threshold: number | undefined }) {
  const t = useT();
  const b = view.board;
  if (view.state === 'recognized' && b) {
    const chips = chipLine(t, b);
    return (
      <>
        <p class="board-vendor">{b.vendor}</p>
        <h2 class="board-model" data-testid="board-model">
          {b.model}
        </h2>
        <p class="board-kind">
          {t.t(`kind.${b.kind}`)}
          {chips ? ` · ${chips}` : ''}
        </p>
        <Confidence view={view} threshold={threshold} />
        {view.verified && view.inliers !== null ? (
          <p class="muted" data-testid="inliers">
            {t.t('slot.inliers', { inliers: view.inliers })}
          </p>
        ) : null}
        {b.notes ? (
          <section class="notes">
            <h3>{t.t('slot.notes')}</h3>
            <p>{b.notes}</p>
          </section>
        ) : null}
        {b.tags.length > 0 ? (
          <ul class="tags" aria-label={t.t('slot.tags')}>
            {b.tags.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        ) : null}
        <Candidates title={t.t('slot.runnersUp')} list={view.candidates.filter((c) => c.boardId !== b.id)} />
      </>
    );
  }
  if (view.state === 'unknown') {
    return (
      <>
        <h2 class="board-model">{t.t('state.unknown')}</h2>
        <p class="hint">{t.t('slot.unknownHint')}</p>
        <Candidates title={t.t('slot.closest')} list={view.candidates} />
        {view.candidates.length > 1 ? (
          <p class="muted">
            {t.t('slot.notSure', { score: t.percent(view.score), margin: t.percent(view.margin) })}
          </p>
        ) : null}
      </>
    );
  }
  if (view.state === 'empty') {
    return (
      <>
        <h2 class="board-model">{t.t('state.empty')}</h2>
        <p class="hint">{t.t('slot.emptyHint')}</p>
      </>
    );
  }
  return (
    <>
      <h2 class="board-model">{t.t('slot.looking')}</h2>
      <p class="hint">{t.t('slot.lookingHint')}</p>
    </>
  );
}

/** One bench slot, large enough to read from a few metres: what is there and how sure we are. */
export function SlotCard({
  view,
  onEnroll,
  ocr,
  reading = false,
  threshold,
  unit,
  recognitionId,
  inspection,
  onPicture = false,
  onTogglePicture,
  cameraOffline = null,
}: {
  view: SlotView;
  /** "This is…" on the slot; `prefill` when the board's part number says what to create. */
  onEnroll: (slot: string, prefill?: BoardPrefill) => void;
  /** The match threshold in force (status.match.threshold). */
  threshold?: number | undefined;
  /** The text read off the slot's board, once OCR has finished. */
  ocr?: OcrPayload | undefined;
  /** OCR of the slot's board is still running. */
  reading?: boolean;
  /** The unit (serial) of the slot's board, where known. */
  unit?: SlotUnit | undefined;
  /** The history row of the slot's recognition (a typed serial is linked to it). */
  recognitionId?: number | undefined;
  /** What the inspection of the slot's board found, once it has run. */
  inspection?: InspectedPayload | undefined;
  /** The inspection's chip numbers and differences are laid over the live picture. */
  onPicture?: boolean;
  /** Turns that on or off (absent: no such toggle, as where there is no live picture). */
  onTogglePicture?: ((on: boolean) => void) | undefined;
  /** Set while the camera is not online: its state and why (the card says so, and cannot enroll). */
  cameraOffline?: { state: CameraState; reason: string | null } | null;
}) {
  const t = useT();
  const headingId = `slot-${view.camera}-${view.slot}`;
  return (
    <article
      class={`slot-card state-${view.state}`}
      aria-labelledby={headingId}
      data-testid="slot-card"
      data-slot={view.slot}
      data-camera={view.camera}
      data-state={view.state}
    >
      <header class="slot-head">
        <span id={headingId} class="slot-name">
          {t.t('common.slotName', { slot: view.slot })}
        </span>
        <span class="slot-camera" data-testid="slot-camera">
          {t.t('slot.camera', { camera: view.camera })}
        </span>
        <span class="state-pill">{cameraOffline ? t.t('slot.noPicture') : t.t(`state.${view.state}`)}</span>
        <span class="since">{t.t('common.since', { time: t.clock(view.since) })}</span>
      </header>
      {cameraOffline ? (
        <div class="camera-offline" role="status" data-testid="camera-offline">
          <h2 class="board-model">{t.t('camera.state', { state: cameraOffline.state })}</h2>
          {cameraOffline.reason ? <p class="hint">{cameraOffline.reason}</p> : null}
        </div>
      ) : (
        <Body view={view} threshold={threshold} />
      )}
      {!cameraOffline && (view.state === 'recognized' || view.state === 'unknown') ? (
        <>
          <InspectionLine
            inspection={inspection}
            recognitionId={recognitionId}
            onPicture={onPicture}
            onTogglePicture={onTogglePicture}
          />
          <UnitLine unit={unit} />
          <PartNumberLine view={view} ocr={ocr} onEnrollAs={(prefill) => onEnroll(view.slot, prefill)} />
          <LabelText ocr={ocr} reading={reading} />
          <SerialEntry view={view} recognitionId={recognitionId} />
        </>
      ) : null}
      <button
        type="button"
        class={view.state === 'unknown' ? 'primary big enroll-button' : 'secondary enroll-button'}
        onClick={() => onEnroll(view.slot)}
        disabled={cameraOffline !== null}
        title={cameraOffline ? t.t('slot.offlineNoEnroll') : undefined}
      >
        {t.t(view.state === 'recognized' ? 'slot.correctIt' : 'slot.thisIs')}
      </button>
    </article>
  );
}
