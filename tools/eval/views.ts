import { boardTypeFromSeed } from '../synth/board.ts';
import { DEFAULT_NUISANCE, NUISANCE_NAMES, type Nuisance } from '../synth/nuisance.ts';
import { deriveSeed, Rng } from '../synth/rng.ts';
import type { BoardType } from '../synth/types.ts';

/**
 * Which board types and camera views each stage uses. Training types and evaluation types come from
 * different derivation labels of the same base seed, so the two sets are disjoint (checked by
 * assertDisjoint for the sizes actually used).
 */
export type TypeSplit = 'train' | 'validation' | 'test' | 'unknown';

/** The seed of board type `index` of a split. */
export function typeSeed(baseSeed: number, split: TypeSplit, index: number): number {
  return deriveSeed(baseSeed, 'board-type', split, index);
}

/** Board type `index` of a split; the kind follows the generator's own mix (60% hashboards). */
export function splitType(baseSeed: number, split: TypeSplit, index: number): BoardType {
  return boardTypeFromSeed(typeSeed(baseSeed, split, index));
}

/** The seed of camera view `view` of a board type, for one purpose (enroll, query, nuisance name...). */
export function viewSeed(typeSeedValue: number, purpose: string, view: number): number {
  return deriveSeed(typeSeedValue, 'view', purpose, view);
}

/** Throws when two splits share a board type seed within the given sizes. */
export function assertDisjoint(baseSeed: number, sizes: Partial<Record<TypeSplit, number>>): void {
  const owner = new Map<number, TypeSplit>();
  for (const [split, size] of Object.entries(sizes) as Array<[TypeSplit, number]>) {
    for (let i = 0; i < size; i++) {
      const s = typeSeed(baseSeed, split, i);
      const other = owner.get(s);
      if (other !== undefined && other !== split) {
        throw new Error(`board type seed ${s} is in both the ${other} and the ${split} split`);
      }
      owner.set(s, split);
    }
  }
}

/**
 * Nuisance strengths of one training view: the default mix scaled by a random factor per nuisance,
 * and in one view out of three one nuisance at full strength, so training sees the strong single
 * nuisances the evaluation measures.
 */
export function trainingNuisance(seed: number): Nuisance {
  const rng = new Rng(deriveSeed(seed, 'training-nuisance'));
  const out = { ...DEFAULT_NUISANCE };
  for (const name of NUISANCE_NAMES) out[name] = Math.min(1, DEFAULT_NUISANCE[name] * rng.float(0.3, 1.4));
  if (rng.bool(1 / 3)) out[rng.pick(NUISANCE_NAMES)] = 1;
  return out;
}
