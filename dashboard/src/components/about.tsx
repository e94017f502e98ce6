import { useState } from 'preact/hooks';
import { useHardware } from '../hardware.ts';
import { useT } from '../i18n/context.tsx';
import { Modal } from './modal.tsx';

/** The header's "About": what benchsight is, and whose facts it shows (credit required by CC BY 4.0). */
export function About() {
  const t = useT();
  const [open, setOpen] = useState(false);
  const hardware = useHardware();
  return (
    <>
      <button type="button" class="link about-open" data-testid="about" onClick={() => setOpen(true)}>
        {t.t('about.open')}
      </button>
      {open ? (
        <Modal title={t.t('about.title')} onClose={() => setOpen(false)}>
          <p>{t.t('about.product')}</p>
          {hardware ? (
            <p data-testid="hardware-credit">
              {t.rich('about.hardware', {
                version: hardware.version,
                updated: hardware.updated,
                credit: hardware.credit,
                a: (chunks) => (
                  <a href="https://d-central.tech" target="_blank" rel="noreferrer">
                    {chunks}
                  </a>
                ),
              })}
            </p>
          ) : null}
        </Modal>
      ) : null}
    </>
  );
}
