import type { Candidate, OcrPayload, SlotView } from '../../../src/protocol.ts';
import { boardName, chipLine, clock, KIND_LABELS, percent, STATE_LABELS } from '../format.ts';
import { LabelText } from './label-text.tsx';

function Candidates({ title, list }: { title: string; list: Candidate[] }) {
  if (list.length === 0) return null;
  return (
    <section class="candidates" aria-label={title}>
      <h3>{title}</h3>
      <ol>
        {list.slice(0, 3).map((c) => (
          <li key={c.boardId}>
            <span>{boardName(c)}</span>
            <span class="num">{percent(c.score)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** How sure vision is, against the threshold in force (the status's match policy). */
function Confidence({ view, threshold }: { view: SlotView; threshold: number | undefined }) {
  if (view.source === 'text') {
    return (
      <p class="confidence" data-testid="named-by-label">
        Named by its label
      </p>
    );
  }
  return (
    <p class="confidence">
      <span class="big-number">{percent(view.score)}</span> match
      <meter
        min={0}
        max={1}
        low={threshold}
        optimum={1}
        value={view.score}
        aria-label="match confidence"
        title={threshold === undefined ? undefined : `named from ${percent(threshold)}`}
      />
    </p>
  );
}

function Body({ view, threshold }: { view: SlotView; threshold: number | undefined }) {
  const b = view.board;
  if (view.state === 'recognized' && b) {
    const chips = chipLine(b);
    return (
      <>
        <p class="board-vendor">{b.vendor}</p>
        <h2 class="board-model" data-testid="board-model">
          {b.model}
        </h2>
        <p class="board-kind">
          {KIND_LABELS[b.kind]}
          {chips ? ` · ${chips}` : ''}
        </p>
        <Confidence view={view} threshold={threshold} />
        {b.notes ? (
          <section class="notes">
            <h3>Repair notes &amp; test settings</h3>
            <p>{b.notes}</p>
          </section>
        ) : null}
        {b.tags.length > 0 ? (
          <ul class="tags" aria-label="tags">
            {b.tags.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        ) : null}
        <Candidates title="Runner-up candidates" list={view.candidates.filter((c) => c.boardId !== b.id)} />
      </>
    );
  }
  if (view.state === 'unknown') {
    return (
      <>
        <h2 class="board-model">Unknown board</h2>
        <p class="hint">
          Something is on the bench but it matches no catalog board well enough. If you know what it is, teach
          it with “This is…”.
        </p>
        <Candidates title="Closest candidates" list={view.candidates} />
        {view.candidates.length > 1 ? (
          <p class="muted">
            Best match {percent(view.score)}, {percent(view.margin)} ahead of the runner-up: not sure enough
            to name it.
          </p>
        ) : null}
      </>
    );
  }
  if (view.state === 'empty') {
    return (
      <>
        <h2 class="board-model">Empty</h2>
        <p class="hint">Nothing in this slot. Put a board down and hold it still for a moment.</p>
      </>
    );
  }
  return (
    <>
      <h2 class="board-model">Looking…</h2>
      <p class="hint">Waiting for a stable picture of this slot.</p>
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
}: {
  view: SlotView;
  onEnroll: (slot: string) => void;
  /** The match threshold in force (status.match.threshold). */
  threshold?: number | undefined;
  /** The text read off the slot's board, once OCR has finished. */
  ocr?: OcrPayload | undefined;
  /** OCR of the slot's board is still running. */
  reading?: boolean;
}) {
  const headingId = `slot-${view.slot}`;
  return (
    <article
      class={`slot-card state-${view.state}`}
      aria-labelledby={headingId}
      data-testid="slot-card"
      data-slot={view.slot}
      data-state={view.state}
    >
      <header class="slot-head">
        <span id={headingId} class="slot-name">
          Slot “{view.slot}”
        </span>
        <span class="state-pill">{STATE_LABELS[view.state]}</span>
        <span class="since">since {clock(view.since)}</span>
      </header>
      <Body view={view} threshold={threshold} />
      {view.state === 'recognized' || view.state === 'unknown' ? (
        <LabelText ocr={ocr} reading={reading} />
      ) : null}
      <button
        type="button"
        class={view.state === 'unknown' ? 'primary big enroll-button' : 'secondary enroll-button'}
        onClick={() => onEnroll(view.slot)}
      >
        This is…{view.state === 'recognized' ? ' (correct it)' : ''}
      </button>
    </article>
  );
}
