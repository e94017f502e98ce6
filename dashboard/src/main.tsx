import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './app.tsx';
import { I18nProvider } from './i18n/context.tsx';
import { startLanguage } from './i18n/start.ts';
import { LiveClient } from './live/client.ts';
import { LiveContext } from './live/hooks.ts';

const root = document.getElementById('app');
if (root) {
  const language = await startLanguage();
  render(
    <I18nProvider initial={language}>
      <LiveContext.Provider value={new LiveClient()}>
        <App />
      </LiveContext.Provider>
    </I18nProvider>,
    root,
  );
}
