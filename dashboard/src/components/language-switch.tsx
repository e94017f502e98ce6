import { DASHBOARD_LANGUAGES } from '../../../src/protocol.ts';
import { useI18n } from '../i18n/context.tsx';
import { isLanguage } from '../i18n/language.ts';

/** The header's language picker; each language is named in itself. The pick is remembered. */
export function LanguageSwitch() {
  const { i18n, setLanguage } = useI18n();
  return (
    <label class="language">
      <span class="sr-only">{i18n.t('app.language')}</span>
      <select
        data-testid="language"
        value={i18n.language}
        onChange={(e) => {
          const l = e.currentTarget.value;
          if (isLanguage(l)) setLanguage(l);
        }}
      >
        {DASHBOARD_LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {i18n.t(`lang.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
