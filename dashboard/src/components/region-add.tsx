import { useState } from 'preact/hooks';
import { REGION_KINDS, type RegionKind } from '../../../src/protocol.ts';
import { useT } from '../i18n/context.tsx';

/** The drawn box as a new region: its kind and its label. */
export function RegionAdd(props: { disabled: boolean; onAdd: (kind: RegionKind, label: string) => void }) {
  const t = useT();
  const [kind, setKind] = useState<RegionKind>('connector');
  const [label, setLabel] = useState('');
  const [missing, setMissing] = useState(false);

  function add(e: Event) {
    e.preventDefault();
    if (!label.trim()) {
      setMissing(true);
      return;
    }
    props.onAdd(kind, label.trim());
    setLabel('');
    setMissing(false);
  }

  return (
    <form class="region-add" onSubmit={add} noValidate>
      <label class="field">
        <span>{t.t('inspectionMap.kind')}</span>
        <select value={kind} onChange={(e) => setKind(e.currentTarget.value as RegionKind)}>
          {REGION_KINDS.map((k) => (
            <option key={k} value={k}>
              {t.t(`regionKind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>{t.t('inspectionMap.label')}</span>
        <input
          value={label}
          placeholder={t.t('inspectionMap.labelPlaceholder')}
          aria-invalid={missing ? 'true' : undefined}
          onInput={(e) => setLabel(e.currentTarget.value)}
        />
        {missing ? <span class="field-error">{t.t('inspectionMap.labelMissing')}</span> : null}
      </label>
      <button type="submit" class="secondary" disabled={props.disabled}>
        {t.t('inspectionMap.addRegion')}
      </button>
    </form>
  );
}
