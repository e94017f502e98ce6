import { BOARD_FIELDS, type BoardFields, type CentralBoard } from './types.ts';

/** Who set a field of a central board, and when (ms of the edit). */
export interface FieldStamp {
  at: number;
  box: string;
}

export type FieldStamps = Partial<Record<keyof BoardFields, FieldStamp>>;

export interface StoredBoard {
  fields: BoardFields;
  stamps: FieldStamps;
}

/** One field edited on two boxes, neither having seen the other's edit: both values are kept. */
export interface FieldConflict {
  field: keyof BoardFields;
  kept: unknown;
  keptBy: FieldStamp;
  other: unknown;
  otherBy: FieldStamp;
}

export interface MergedBoard extends StoredBoard {
  changed: boolean;
  conflicts: FieldConflict[];
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Later edit wins; the same instant goes to the box named last, so every replay decides alike. */
const wins = (a: FieldStamp, b: FieldStamp): boolean => a.at > b.at || (a.at === b.at && a.box > b.box);

/**
 * Applies one box's board edit to the central board, field by field. `before` is the board as that
 * box had it before the edit (null: a new board): a field the edit did not change is left alone; a
 * field changed here since that box last saw it is a conflict, won by the later edit, with both
 * values returned to be kept in the audit table. Pure, so a resent edit decides the same way.
 */
export function mergeBoard(
  stored: StoredBoard | null,
  edit: CentralBoard,
  before: BoardFields | null,
  box: string,
): MergedBoard {
  const stamp: FieldStamp = { at: edit.at, box };
  if (!stored) {
    const stamps: FieldStamps = {};
    for (const f of BOARD_FIELDS) stamps[f] = stamp;
    return { fields: { ...edit.fields }, stamps, changed: true, conflicts: [] };
  }
  const fields: BoardFields = { ...stored.fields };
  const stamps: FieldStamps = { ...stored.stamps };
  const conflicts: FieldConflict[] = [];
  let changed = false;
  for (const f of BOARD_FIELDS) {
    const incoming = edit.fields[f];
    const current = stored.fields[f];
    if (same(incoming, current)) continue;
    if (before && same(before[f], incoming)) continue;
    const currentBy = stored.stamps[f] ?? { at: 0, box: '' };
    const concurrent = before === null || !same(before[f], current);
    if (!concurrent) {
      (fields as unknown as Record<string, unknown>)[f] = incoming;
      stamps[f] = stamp;
      changed = true;
      continue;
    }
    const incomingWins = wins(stamp, currentBy);
    conflicts.push(
      incomingWins
        ? { field: f, kept: incoming, keptBy: stamp, other: current, otherBy: currentBy }
        : { field: f, kept: current, keptBy: currentBy, other: incoming, otherBy: stamp },
    );
    if (incomingWins) {
      (fields as unknown as Record<string, unknown>)[f] = incoming;
      stamps[f] = stamp;
      changed = true;
    }
  }
  return { fields, stamps, changed, conflicts };
}
