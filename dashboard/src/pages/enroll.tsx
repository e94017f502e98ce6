import { useState } from 'preact/hooks';
import { EnrollDialog } from '../components/enroll-dialog.tsx';
import { SlotPreview } from '../components/slot-preview.tsx';
import { UploadReferences } from '../components/upload-references.tsx';
import { boardName, STATE_LABELS } from '../format.ts';
import { useLiveState } from '../live/hooks.ts';

/** Teach the bench: name what is in a slot now, or upload reference pictures taken elsewhere. */
export function EnrollPage() {
  const live = useLiveState();
  const [enrollSlot, setEnrollSlot] = useState<string | null>(null);
  return (
    <div class="page">
      <h1>Enroll boards</h1>
      <section class="panel">
        <h2>From the live view</h2>
        <p class="muted">
          Put the board in a slot, wait until the picture is still, then press “This is…” and say which board
          it is. The picture becomes a reference and the next stable frames recognize it.
        </p>
        <div class="enroll-slots">
          {live.slots.map((v) => (
            <div key={v.slot} class={`enroll-slot state-${v.state}`}>
              <SlotPreview view={v} follow label={`Live picture of slot ${v.slot}`} />
              <p>
                <strong>Slot “{v.slot}”</strong>: {v.board ? boardName(v.board) : STATE_LABELS[v.state]}
              </p>
              <button type="button" class="primary" onClick={() => setEnrollSlot(v.slot)}>
                This is…
              </button>
            </div>
          ))}
        </div>
      </section>
      <section class="panel">
        <h2>Upload reference images</h2>
        <p class="muted">Photos of a board from other benches or angles make recognition more reliable.</p>
        <UploadReferences />
      </section>
      {enrollSlot ? <EnrollDialog slot={enrollSlot} onClose={() => setEnrollSlot(null)} /> : null}
    </div>
  );
}
