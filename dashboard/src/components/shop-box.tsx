import { useEffect, useState } from 'preact/hooks';
import { useT } from '../i18n/context.tsx';
import { useLiveState } from '../live/hooks.ts';

/** This box's name in the shop; null when central is not configured (no shop-wide views). */
export function useShopBox(): string | null {
  const live = useLiveState();
  return live.status?.central?.box ?? null;
}

/**
 * The box filter of the shop-wide views (History, Units), shown only when central is configured:
 * '' this box's own rows (as without central), '*' the whole shop, or one box seen in the answers.
 */
export function ShopBoxSelect(props: { value: string; seen: string[]; onChange: (box: string) => void }) {
  const t = useT();
  const self = useShopBox();
  // boxes seen in any answer so far stay in the list when the filter narrows to one of them
  const [known, setKnown] = useState<string[]>([]);
  const seen = props.seen.join('\n');
  useEffect(() => {
    setKnown((k) => (props.seen.every((b) => k.includes(b)) ? k : [...new Set([...k, ...props.seen])]));
  }, [seen]);
  if (self === null) return null;
  const boxes = known.filter((b) => b !== self).sort();
  return (
    <label>
      {t.t('shop.box')}
      <select
        name="box"
        value={props.value}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        <option value="">{t.t('shop.thisBox', { box: self })}</option>
        <option value="*">{t.t('shop.wholeShop')}</option>
        {boxes.map((b) => (
          <option key={b} value={b}>
            {b}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Said when a shop-wide answer came from this box alone (the central side is away). */
export function ShopSource(props: { page: { source?: string; reason?: string | null } | null }) {
  const t = useT();
  if (props.page?.source !== 'local-only') return null;
  return (
    <p class="camera-reason warn" role="status" data-testid="shop-local-only">
      {t.t('shop.localOnly', { reason: props.page.reason ?? '' })}
    </p>
  );
}
