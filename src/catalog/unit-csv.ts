import type { UnitSummary } from '../protocol.ts';
import { csvLine } from './recognition-csv.ts';

/** Units as CSV (GET /api/units?format=csv, `benchsight units export`): one row per unit, times in ISO 8601. */
export const UNIT_CSV_HEADER = csvLine([
  'serial',
  'board_id',
  'board',
  'status',
  'first_seen',
  'last_seen',
  'visits',
  'flagged',
  'last_note',
]);

export function unitCsvLine(u: UnitSummary): string {
  return csvLine([
    u.serial,
    u.boardId ?? '',
    u.board ? `${u.board.vendor} ${u.board.model}` : '',
    u.statusLabel,
    new Date(u.firstSeen).toISOString(),
    new Date(u.lastSeen).toISOString(),
    u.visits,
    u.flagged ? 'yes' : 'no',
    u.lastNote?.text ?? '',
  ]);
}
