import { type BenchSet, renderBenchSet } from './bench-set.ts';
import type { EvalOptions } from './run.ts';
import { assertDisjoint } from './views.ts';

/** The synthetic validation and test bench sets of board types never used in training. */
export async function renderSynthetic(o: EvalOptions): Promise<{ validation: BenchSet; test: BenchSet }> {
  assertDisjoint(o.seed, {
    train: o.trainTypes,
    validation: 500 + o.validationBoards,
    test: o.boards,
    unknown: o.unknownBoards,
  });
  const common = { seed: o.seed, references: o.references, width: o.width, height: o.height };
  const validation = await renderBenchSet({
    ...common,
    split: 'validation',
    unknownSplit: 'validation',
    firstUnknown: 500,
    boards: o.validationBoards,
    queries: o.validationQueries,
    unknownBoards: o.validationBoards,
    unknownViews: o.validationQueries,
    nuisanceViews: 0,
  });
  const test = await renderBenchSet({
    ...common,
    split: 'test',
    unknownSplit: 'unknown',
    firstUnknown: 0,
    boards: o.boards,
    queries: o.queries,
    unknownBoards: o.unknownBoards,
    unknownViews: o.unknownViews,
    nuisanceViews: o.nuisanceViews,
  });
  return { validation, test };
}
