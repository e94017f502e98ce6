import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { useT } from '../i18n/context.tsx';

/**
 * A native modal <dialog>: the browser traps focus inside, Escape closes it, and focus returns to
 * the button that opened it.
 */
export function Modal(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  wide?: boolean;
}) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    dialog.showModal();
    const closed = () => onClose.current();
    dialog.addEventListener('close', closed);
    return () => {
      dialog.removeEventListener('close', closed);
      if (dialog.open) dialog.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog ref={ref} class={`modal${props.wide ? ' modal-wide' : ''}`} aria-labelledby={titleId}>
      <header class="modal-head">
        <h2 id={titleId}>{props.title}</h2>
        <button
          type="button"
          class="icon"
          aria-label={t.t('common.close')}
          onClick={() => ref.current?.close()}
        >
          ×
        </button>
      </header>
      {props.children}
    </dialog>
  );
}

/** "Are you sure?" with the consequence spelled out; the dialog opens with the focus on Close. */
export function Confirm(props: {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const t = useT();
  return (
    <Modal title={props.title} onClose={props.onCancel}>
      <p>{props.message}</p>
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t.t('common.cancel')}
        </button>
        <button type="button" class="danger" onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
