import type { ReferenceJson } from '../api.ts';
import { useT } from '../i18n/context.tsx';

/**
 * The local features verification found on a reference photo, and a warning when they are too few:
 * a blurred or featureless photo verifies its board poorly (the daemon decides what "few" is).
 */
export function ReferenceFeatures({ features }: { features: ReferenceJson['features'] }) {
  const t = useT();
  if (!features) return null;
  return (
    <div class="ref-features" data-testid="ref-features" data-few={features.few}>
      <span class="muted">{t.t('features.count', { count: features.keypoints })}</span>
      {features.few ? (
        <p class="features-few" data-testid="features-few">
          {t.t('features.few')}
        </p>
      ) : null}
    </div>
  );
}
