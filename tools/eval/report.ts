import { cpus, platform, release, totalmem } from 'node:os';
import { VERIFY_DEFAULTS } from '../../src/config/schema.ts';
import { NUISANCE_ROWS } from './bench-set.ts';
import { MIN_REJECTION, type ShortlistStats, type VerifyPoint } from './metrics.ts';
import type { EvalOptions, EvalResult, MethodResult, PhotoEvalResult } from './run.ts';

const pct = (v: number) => (Number.isNaN(v) ? '-' : `${(v * 100).toFixed(1)}%`);
const ms = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(2));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The encoder's agreement asked under strongInliers inliers, and the dense check's, as the point shows them. */
const confirmed = (c: VerifyPoint['confirm']) => {
  if (!c || c.minCosine === null) return '';
  const a = c.minAgreement ?? null;
  const s = c.strongAgreement ?? null;
  const under = `under ${c.strongInliers}: cos>=${c.minCosine}${a === null ? '' : ` or agreement>=${a}`}`;
  const settled =
    a === null
      ? ''
      : `; under the ratio: agreement>=${a}, the runner-up's under it; refused: mutual matches if cos>=${c.minCosine} and agreement>=${a}`;
  return ` (${under}${s === null ? '' : `; from ${c.strongInliers}: cos>=${c.minCosine} or agreement>=${s}`}${settled})`;
};

const point = (m: MethodResult) =>
  m.verifyPoint
    ? `inliers>=${m.verifyPoint.minInliers} ratio>=${m.verifyPoint.minRatio}${confirmed(m.verifyPoint.confirm)}`
    : `cos>=${m.policy.threshold.toFixed(3)} margin>=${m.policy.minMargin.toFixed(3)}`;

/** What the validation views say about match.verify.candidates, the cosine pre-filter and the verification point. */
function formatDefaults(name: string, s: ShortlistStats | null, methods: readonly MethodResult[]): string[] {
  const out: string[] = [];
  if (s) {
    out.push(
      `${name}: right board in the embedding's top k (${s.views} validation views, ${s.boards} boards ranked): ` +
        s.recallAt.map((x) => `k=${x.k} ${pct(x.recall)}`).join(', ') +
        `; smallest k holding it in >=${pct(s.target)}: ${s.candidatesFor ?? 'none'}`,
    );
    out.push(
      `${name}: right board's cosine: min ${s.truthCosine.min.toFixed(3)}, 1st pct ${s.truthCosine.p1.toFixed(3)}, ` +
        `5th pct ${s.truthCosine.p5.toFixed(3)}, median ${s.truthCosine.median.toFixed(3)} (a pre-filter must stay below the 1st pct)`,
    );
  }
  for (const m of methods) {
    if (!m.validation || !m.verifyPoint) continue;
    const d = `inliers>=${VERIFY_DEFAULTS.minInliers} ratio>=${VERIFY_DEFAULTS.minRatio}${confirmed(m.verifyPoint.confirm)}`;
    out.push(
      `${name}, ${m.name}, validation views: chosen ${point(m)}: recognized ${pct(m.validation.chosen.accuracy)}, ` +
        `unknown rejected ${pct(m.validation.chosen.rejection)}; defaults ${d}: recognized ${pct(m.validation.defaults.accuracy)}, ` +
        `unknown rejected ${pct(m.validation.defaults.rejection)}`,
    );
    const t = m.testAtDefaults;
    if (t) {
      out.push(
        `${name}, ${m.name}, test views at the shipped defaults ${d} (what the daemon does; fixed before any ` +
          `test view): recognized ${pct(t.accuracy)}, unknown rejected ${pct(t.rejection)}; single nuisance: ` +
          NUISANCE_ROWS.map((n) => `${n} ${pct(t.nuisance[n])}`).join(', '),
      );
    }
  }
  return out;
}

/** The real-photo rows, or why there are none. */
function formatPhotos(r: EvalResult, o: EvalOptions): string[] {
  if (r.photosSkipped) return [r.photosSkipped];
  const p = r.photos;
  if (!p || !o.photos) return [];
  const part = (s: PhotoEvalResult['test']) =>
    `${s.enrolled} enrolled boards x ${s.queries} views, ${s.unknown} boards never enrolled x ${s.unknownViews} views`;
  return [
    `real photographs and renders of circuit boards (tools/eval/photos/manifest.json, ${o.photos.manifest.photos.length} pictures), ` +
      `each enrolled board from its one picture; bench views derived with seed ${o.seed} (crop, rotation up to 15°, perspective, ` +
      `dim light, colour cast, blur, a hand over the board in half of them, JPEG) at ${o.photos.width}x${o.photos.height}`,
    `test part (reported): ${part(p.test)}; validation part (operating points): ${part(p.validation)}`,
    '',
    table(
      ['method', 'operating point', 'top-1', 'recognized', 'unknown rejected', 'ms/slot'],
      p.methods.map((m) => [
        m.name,
        point(m),
        pct(m.top1),
        pct(m.accuracy),
        pct(m.rejection),
        m.msPerSlot > 0 ? m.msPerSlot.toFixed(1) : '-',
      ]),
    ),
    '',
    ...formatDefaults('real photos', p.shortlist, p.methods),
    `${p.rendered} real-photo bench views derived in ${(p.renderMs / 1000).toFixed(1)} s`,
  ];
}

/** The evaluation as printed by `npm run eval`: set-up, one row per method, the encode benchmark. */
export function formatReport(r: EvalResult, o: EvalOptions, date: Date): string {
  const cpu = cpus();
  const out: string[] = [];
  out.push(`benchsight eval, ${date.toISOString()}`);
  out.push(
    `machine: ${cpu[0]?.model ?? '?'} x${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `${platform()} ${release()}, node ${process.version}`,
  );
  if (r.methods.length === 0) return [...out, '', ...formatPhotos(r, o)].join('\n');
  out.push(
    `held-out board types (never in training, seed ${o.seed}): ${o.boards} enrolled with ${o.references} references each, ` +
      `${o.queries} camera views each (default nuisance mix); ${o.unknownBoards} boards never enrolled x ${o.unknownViews} views; ` +
      `${o.nuisanceViews} views per board for each single nuisance; frames ${o.width}x${o.height} JPEG`,
  );
  out.push(
    `operating point per method chosen on ${o.validationBoards} other held-out (validation) boards x ${o.validationQueries} views ` +
      `+ as many unknown views (max accuracy + rejection, rejecting at least ${MIN_REJECTION * 100}% of the unknown views where a threshold can)`,
  );
  out.push(
    'top-1: nearest board right; recognized: right board at the operating point; nuisance columns: recognized.',
  );
  out.push('');
  const header = [
    'method',
    'operating point',
    'top-1',
    'recognized',
    'unknown rejected',
    'ms/slot',
    ...NUISANCE_ROWS,
  ];
  const rows = r.methods.map((m) => [
    m.name,
    point(m),
    pct(m.top1),
    pct(m.accuracy),
    pct(m.rejection),
    m.msPerSlot > 0 ? m.msPerSlot.toFixed(1) : '-',
    ...NUISANCE_ROWS.map((n) => pct(m.nuisance[n].accuracy)),
  ]);
  out.push(table(header, rows));
  out.push('');
  out.push('top-1 per single nuisance (no threshold):');
  out.push(
    table(
      ['method', ...NUISANCE_ROWS],
      r.methods.map((m) => [m.name, ...NUISANCE_ROWS.map((n) => pct(m.nuisance[n].top1))]),
    ),
  );
  const models = r.methods.filter((m) => m.encode);
  if (models.length > 0) {
    out.push('');
    out.push(
      `encode per bench slot, median of ${o.benchRuns} (intra-op threads: ${o.intraOpThreads || 'onnxruntime default'}):`,
    );
    out.push(
      table(
        ['model', `preprocess ${o.width}x${o.height} JPEG ms`, 'Encoder.encode ms', 'bare session.run ms'],
        models.map((m) => [m.name, ms(m.encode?.preprocessMs), ms(m.encode?.encodeMs), ms(m.encode?.bareMs)]),
      ),
    );
  }
  for (const m of r.methods) {
    if (!m.manifestPolicy) continue;
    const same =
      m.manifestPolicy.threshold === m.policy.threshold && m.manifestPolicy.minMargin === m.policy.minMargin;
    out.push(
      `${m.name}: manifest operatingPoint threshold ${m.manifestPolicy.threshold}, minMargin ${m.manifestPolicy.minMargin}` +
        (same ? ' (the one chosen here)' : ' (differs from the one chosen here)'),
    );
  }
  out.push('');
  out.push(...formatDefaults('synthetic', r.shortlist, r.methods));
  out.push(
    `${r.rendered} bench views rendered in ${(r.renderMs / 1000).toFixed(1)} s; total ${(r.totalMs / 1000).toFixed(1)} s`,
  );
  const photos = formatPhotos(r, o);
  if (photos.length > 0) out.push('', ...photos);
  return out.join('\n');
}
