import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { api } from './api.ts';
import { LanguageSwitch } from './components/language-switch.tsx';
import { I18nProvider, useT } from './i18n/context.tsx';
import { startLanguage } from './i18n/start.ts';

/** The login page (GET /login): user and password, in the language the dashboard would show. */
function Login() {
  const t = useT();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = t.t('login.title');
  }, [t]);

  async function submit(e: Event) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      await api('/api/auth/login', {
        method: 'POST',
        json: { name: data.get('name'), password: data.get('password') },
      });
      window.location.href = '/';
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  // A refused login is the user's typing, not an ended session: say so in those words.
  const refused = (error as { code?: string } | null)?.code === 'E_AUTH';
  return (
    <main class="login">
      <form class="panel login-form" onSubmit={submit}>
        <div class="login-head">
          <h1 class="brand">
            <img src="favicon.svg" alt="" width="28" height="28" />
            benchsight
          </h1>
          <LanguageSwitch />
        </div>
        <label>
          {t.t('login.user')}
          <input name="name" autocomplete="username" required autofocus />
        </label>
        <label>
          {t.t('login.password')}
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {t.t('login.submit')}
        </button>
        <p class="form-error" role="alert" data-testid="login-error">
          {error ? (refused ? t.t('login.wrong') : t.error(error)) : null}
        </p>
      </form>
    </main>
  );
}

const root = document.getElementById('login');
if (root) {
  const language = await startLanguage();
  render(
    <I18nProvider initial={language}>
      <Login />
    </I18nProvider>,
    root,
  );
}
