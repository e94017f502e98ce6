import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './app.tsx';
import { LiveClient } from './live/client.ts';
import { LiveContext } from './live/hooks.ts';

const root = document.getElementById('app');
if (root) {
  render(
    <LiveContext.Provider value={new LiveClient()}>
      <App />
    </LiveContext.Provider>,
    root,
  );
}
