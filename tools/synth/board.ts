import { buildControlBoard } from './board-control.ts';
import { buildHashboard } from './board-hashboard.ts';
import { buildPsu } from './board-psu.ts';
import { chooseFamily } from './identity.ts';
import { Rng } from './rng.ts';
import type { BoardKind, BoardType } from './types.ts';

export type { VendorModel } from './identity.ts';
export { vendorModelFor } from './identity.ts';
export type { BoardKind, BoardType } from './types.ts';

export const BOARD_KINDS: readonly BoardKind[] = ['hashboard', 'control-board', 'psu'];

/**
 * The board type a seed stands for. The seed decides everything, the kind included unless given;
 * the same (seed, kind) always gives a deep-equal result.
 */
export function boardTypeFromSeed(seed: number, kind?: BoardKind): BoardType {
  const root = new Rng(seed);
  const chosen =
    kind ??
    root.child('kind').weighted<BoardKind>([
      ['hashboard', 0.6],
      ['control-board', 0.2],
      ['psu', 0.2],
    ]);
  const rng = root.child('board', chosen);
  const family = chooseFamily(rng.child('family'), chosen);
  switch (chosen) {
    case 'hashboard':
      return buildHashboard(rng, seed >>> 0, family);
    case 'control-board':
      return buildControlBoard(rng, seed >>> 0, family);
    case 'psu':
      return buildPsu(rng, seed >>> 0, family);
  }
}
