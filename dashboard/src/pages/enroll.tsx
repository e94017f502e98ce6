import { useState } from 'preact/hooks';
import { BoardEditor } from '../components/board-editor.tsx';
import { EnrollDialog } from '../components/enroll-dialog.tsx';
import { SlotPreview } from '../components/slot-preview.tsx';
import { UploadReferences } from '../components/upload-references.tsx';
import { boardName } from '../format.ts';
import { useT } from '../i18n/context.tsx';
import { useLiveState } from '../live/hooks.ts';

/** Teach the bench: name what is in a slot now, or upload reference pictures taken elsewhere. */
export function EnrollPage() {
  const t = useT();
  const live = useLiveState();
  const [enrollSlot, setEnrollSlot] = useState<{ camera: string; slot: string } | null>(null);
  // #/enroll?new (the first-run checklist's link) opens the new-board form
  const [creating, setCreating] = useState(() => /[?&]new\b/.test(window.location.hash));
  return (
    <div class="page">
      <h1>{t.t('enroll.title')}</h1>
      <section class="panel">
        <h2>{t.t('enroll.fromLive')}</h2>
        <p class="muted">{t.t('enroll.fromLiveHint')}</p>
        <div class="enroll-slots">
          {live.slots.map((v) => (
            <div key={`${v.camera}/${v.slot}`} class={`enroll-slot state-${v.state}`}>
              <SlotPreview view={v} follow label={t.t('enroll.slotPicture', { slot: v.slot })} />
              <p>
                {t.rich('enroll.slotShows', {
                  slot: v.slot,
                  what: v.board ? boardName(v.board) : t.t(`state.${v.state}`),
                  b: (chunks) => <strong>{chunks}</strong>,
                })}
              </p>
              <button
                type="button"
                class="primary"
                onClick={() => setEnrollSlot({ camera: v.camera, slot: v.slot })}
              >
                {t.t('slot.thisIs')}
              </button>
            </div>
          ))}
        </div>
      </section>
      <section class="panel">
        <h2>{t.t('enroll.upload')}</h2>
        <p class="muted">
          {t.t('enroll.uploadHint')} {t.t('enroll.notInCatalog')}{' '}
          <button type="button" class="secondary" onClick={() => setCreating(true)}>
            {t.t('catalog.new')}
          </button>
        </p>
        <UploadReferences />
      </section>
      {enrollSlot ? (
        <EnrollDialog camera={enrollSlot.camera} slot={enrollSlot.slot} onClose={() => setEnrollSlot(null)} />
      ) : null}
      {creating ? <BoardEditor board={null} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}
