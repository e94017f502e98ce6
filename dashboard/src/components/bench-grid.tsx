import type { CameraBench } from '../../../src/protocol.ts';
import { useT } from '../i18n/context.tsx';
import { CameraBadge } from './connection.tsx';

/** The address of one bench's live view. */
export function benchHref(camera: string): string {
  return `#/live?camera=${encodeURIComponent(camera)}`;
}

/**
 * Every bench (camera) at a glance: its name, its camera's state and what each of its slots shows.
 * A click opens the bench's live view.
 */
export function BenchGrid({ cameras }: { cameras: CameraBench[] }) {
  const t = useT();
  return (
    <section class="bench-grid" aria-label={t.t('live.benches')} data-testid="bench-grid">
      {cameras.map((c) => (
        <a
          key={c.id}
          class="panel bench-tile"
          href={benchHref(c.id)}
          data-testid="bench-tile"
          data-camera={c.id}
          aria-label={t.t('bench.open', { camera: c.id })}
        >
          <header class="bench-head">
            <strong class="bench-name">{t.t('slot.camera', { camera: c.id })}</strong>
            <CameraBadge camera={c.id} />
          </header>
          <p class="muted">{t.t('bench.slots', { count: c.slots.length })}</p>
          <ul class="bench-slots">
            {c.slots.map((s) => (
              <li key={s.slot} class={`state-${s.state}`} data-slot={s.slot} data-state={s.state}>
                {t.t('frame.slotTag', {
                  slot: s.slot,
                  what: s.board ? s.board.model : t.t(`state.${s.state}`),
                })}
              </li>
            ))}
          </ul>
        </a>
      ))}
    </section>
  );
}
