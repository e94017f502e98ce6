import { useT } from '../i18n/context.tsx';

const DAY_MS = 86_400_000;
const MAX_DAYS = 60;

export interface DayCount {
  date: string;
  count: number;
}

/** Every day between the first and the last, zero where nothing was recognized; the last MAX_DAYS. */
function fillDays(days: DayCount[]): DayCount[] {
  const first = days[0];
  const last = days[days.length - 1];
  if (!first || !last) return [];
  const counts = new Map(days.map((d) => [d.date, d.count]));
  const end = Date.parse(last.date);
  const start = Math.max(Date.parse(first.date), end - (MAX_DAYS - 1) * DAY_MS);
  const out: DayCount[] = [];
  for (let t = start; t <= end; t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    out.push({ date, count: counts.get(date) ?? 0 });
  }
  return out;
}

/** Recognitions per day as bars, each labelled, so the numbers are readable without hovering. */
export function DayChart({ days }: { days: DayCount[] }) {
  const t = useT();
  const filled = fillDays(days);
  if (filled.length === 0) return <p class="muted">{t.t('days.none')}</p>;
  const max = Math.max(...filled.map((d) => d.count), 1);
  const total = filled.reduce((s, d) => s + d.count, 0);
  return (
    <figure class="day-chart" data-testid="day-chart">
      <figcaption>{t.t('days.caption', { total, days: filled.length })}</figcaption>
      <ol class="day-bars">
        {filled.map((d) => (
          <li key={d.date} title={t.t('days.bar', { date: t.dayMonth(d.date), count: d.count })}>
            <span class="day-count">{d.count.toLocaleString(t.locale)}</span>
            <span class="day-bar" style={{ height: `${(d.count / max) * 100}%` }} />
            <span class="day-label">{t.dayMonth(d.date)}</span>
          </li>
        ))}
      </ol>
    </figure>
  );
}
