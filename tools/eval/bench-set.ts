import type { BoardKind } from '../../src/protocol.ts';
import { type Nuisance, nuisanceOnly } from '../synth/nuisance.ts';
import { renderBenchView } from '../synth/scene.ts';
import type { BoardType } from '../synth/types.ts';
import { splitType, type TypeSplit, viewSeed } from './views.ts';

/** The nuisances the evaluation reports one at a time (every other nuisance off). */
export const NUISANCE_ROWS = ['lighting', 'rotation', 'occlusion', 'blur', 'clutter'] as const;
export type NuisanceRow = (typeof NUISANCE_ROWS)[number];

/**
 * Reference photos taken at enrollment: boards laid down anywhere, at any angle, under the bench's
 * light, but not held in a hand (the catalogue photos of the demo are taken the same way).
 */
export const REFERENCE_NUISANCE: Partial<Nuisance> = { occlusion: 0, blur: 0.15, jpeg: 0, noise: 0.25 };

export interface BenchSetOptions {
  seed: number;
  /** Split of the enrolled boards and of the boards never enrolled. */
  split: TypeSplit;
  unknownSplit: TypeSplit;
  boards: number;
  references: number;
  /** Camera views per enrolled board, default nuisance mix. */
  queries: number;
  unknownBoards: number;
  /** Index of the first board of `unknownSplit` used (keeps them apart when it is `split` itself). */
  firstUnknown: number;
  unknownViews: number;
  /** Views per enrolled board for each single-nuisance row (0: no such rows). */
  nuisanceViews: number;
  width: number;
  height: number;
}

export interface BenchView {
  /** Index of the board in `boards`; null for a board that is not enrolled. */
  board: number | null;
  jpeg: Buffer;
}

/** What the catalog is told about an enrolled board. */
export interface BenchBoard {
  vendor: string;
  model: string;
  kind: BoardKind;
  chipType: string | null;
}

/** A generated board type as the catalog is told about it. */
export function benchBoard(type: BoardType): BenchBoard {
  return {
    vendor: type.identity.vendor,
    model: `${type.identity.model} ${type.identity.boardCode} #${type.seed}`,
    kind: type.kind,
    chipType: type.identity.chipType,
  };
}

export interface BenchSet {
  boards: BenchBoard[];
  references: BenchView[];
  queries: BenchView[];
  unknown: BenchView[];
  nuisance: Partial<Record<NuisanceRow, BenchView[]>>;
  /** Bench views rendered. */
  rendered: number;
}

/** Renders the references, the camera views and the views of boards never enrolled. */
export async function renderBenchSet(o: BenchSetOptions): Promise<BenchSet> {
  let rendered = 0;
  const size = { width: o.width, height: o.height };
  const render = async (
    type: BoardType,
    board: number | null,
    purpose: string,
    count: number,
    nuisance: Partial<Nuisance> | undefined,
  ): Promise<BenchView[]> => {
    const out: BenchView[] = [];
    for (let v = 0; v < count; v++) {
      const { jpeg } = await renderBenchView(type, viewSeed(type.seed, purpose, v), {
        ...size,
        ...(nuisance ? { nuisance } : {}),
      });
      out.push({ board, jpeg });
      rendered++;
    }
    return out;
  };
  const boards = Array.from({ length: o.boards }, (_, i) => splitType(o.seed, o.split, i));
  const set: BenchSet = {
    boards: boards.map(benchBoard),
    references: [],
    queries: [],
    unknown: [],
    nuisance: {},
    rendered: 0,
  };
  for (const [i, type] of boards.entries()) {
    set.references.push(...(await render(type, i, 'reference', o.references, REFERENCE_NUISANCE)));
    set.queries.push(...(await render(type, i, 'query', o.queries, undefined)));
    if (o.nuisanceViews === 0) continue;
    for (const row of NUISANCE_ROWS) {
      const views = await render(type, i, `only-${row}`, o.nuisanceViews, nuisanceOnly(row));
      set.nuisance[row] = [...(set.nuisance[row] ?? []), ...views];
    }
  }
  for (let i = o.firstUnknown; i < o.firstUnknown + o.unknownBoards; i++) {
    const type = splitType(o.seed, o.unknownSplit, i);
    set.unknown.push(...(await render(type, null, 'query', o.unknownViews, undefined)));
  }
  set.rendered = rendered;
  return set;
}
