import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { useT } from '../i18n/context.tsx';
import { useLiveClient } from '../live/hooks.ts';

const HEIGHT = 170;
const NO_POINTS = { show: false };
/** The x axis spans at least this many seconds, so a fresh page does not zoom into milliseconds. */
const WINDOW_S = 60;
const AXIS = { stroke: '#a9b6c2', grid: { stroke: '#26313b', width: 1 }, ticks: { stroke: '#26313b' } };

/** From the oldest sample to the newest, at least WINDOW_S wide (uPlot would widen one sample to a day). */
function xRange(u: uPlot): uPlot.Range.MinMax {
  const xs = u.data[0];
  const last = xs[xs.length - 1] ?? Date.now() / 1000;
  return [Math.min(xs[0] ?? last, last - WINDOW_S), last];
}

/** The last minutes of capture and encode rates (left axis) and encode / match times (right axis). */
export function TimingChart() {
  const t = useT();
  const live = useLiveClient();
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const numbers = (_u: uPlot, ticks: number[]) => ticks.map((n) => n.toLocaleString(t.locale));
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      cursor: { show: false },
      legend: { show: true, live: false },
      scales: {
        x: { time: true, range: xRange },
        fps: { range: (_u, _min, max) => [0, Math.max(5, max * 1.2)] },
      },
      series: [
        {},
        { label: t.t('chart.captured'), stroke: '#4cc2ff', width: 2, scale: 'fps', points: NO_POINTS },
        { label: t.t('chart.encoded'), stroke: '#3ddc84', width: 2, scale: 'fps', points: NO_POINTS },
        {
          label: t.t('chart.encode'),
          stroke: '#f0b429',
          width: 1.5,
          scale: 'ms',
          dash: [6, 4],
          points: NO_POINTS,
        },
        {
          label: t.t('chart.match'),
          stroke: '#d291ff',
          width: 1.5,
          scale: 'ms',
          dash: [2, 3],
          points: NO_POINTS,
        },
      ],
      axes: [
        // time ticks as the language writes a time (uPlot's own are English: "1:05pm")
        { ...AXIS, space: 110, values: (_u, ticks) => ticks.map((s) => t.clock(s * 1000)) },
        { ...AXIS, scale: 'fps', label: t.t('unit.fps'), size: 46, values: numbers },
        {
          ...AXIS,
          scale: 'ms',
          label: t.t('unit.ms'),
          side: 1,
          size: 46,
          grid: { show: false },
          values: numbers,
        },
      ],
    };
    const plot = new uPlot(opts, live.series.columns(), el);
    const off = live.on('state', () => plot.setData(live.series.columns()));
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }),
    );
    resize.observe(el);
    return () => {
      off();
      resize.disconnect();
      plot.destroy();
    };
  }, [live, t]);

  return <div ref={box} class="chart" role="img" aria-label={t.t('chart.label')} />;
}
