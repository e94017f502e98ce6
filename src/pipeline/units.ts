import type { Bus } from '../bus.ts';
import type { Catalog, SightingResult, UnitEdit, UnitRow } from '../catalog/index.ts';
import { type Config, unitStatusLabels } from '../config/schema.ts';
import { BenchsightError, errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type {
  BoardInfo,
  SlotUnit,
  UnitEventPayload,
  UnitRecord,
  UnitStatus,
  UnitStatusNames,
  UnitSummary,
} from '../protocol.ts';
import { normalizeSerial, serialFitter, serialProblem } from '../units/serial.ts';

export interface UnitTrackerOptions {
  config: Readonly<Config>;
  catalog: Catalog;
  bus: Bus;
  logger: Logger;
  /** The board types the active recognizer knows. */
  board: (id: number) => BoardInfo | null;
  now?: () => number;
}

/** Where a unit was seen: a recognition of a slot, or a serial typed at the desk (no slot). */
export interface UnitSeen {
  serial: string;
  boardId: number | null;
  recognitionId: number | null;
  at: number;
  camera: string | null;
  slot: string | null;
}

const badRequest = (message: string) => new BenchsightError('E_BAD_REQUEST', message, { status: 400 });

/**
 * The one owner of units (physical boards by serial number). The slot's owner reports each serial OCR
 * read (and each slot that emptied); the API reports typed or scanned serials and edits. It finds or
 * creates the unit, counts visits, links recognitions, keeps conflicts for a technician, remembers
 * which unit is on which slot for the live card, and announces every change as a `unit` event.
 */
export class UnitTracker {
  readonly #o: UnitTrackerOptions;
  readonly #fits: ((serial: string) => boolean) | null;
  readonly #labels: Record<UnitStatus, string>;
  readonly #now: () => number;
  /** The unit on each slot's current board, where its serial is known; keyed by `camera/slot`. */
  readonly #onSlot = new Map<string, SlotUnit & { unitId: number }>();

  constructor(opts: UnitTrackerOptions) {
    this.#o = opts;
    this.#fits = serialFitter(opts.config.ocr.serialPattern);
    this.#labels = unitStatusLabels(opts.config.units);
    this.#now = opts.now ?? Date.now;
  }

  /** A serial as stored (capitals, no spaces, look-alikes resolved by ocr.serialPattern); E_BAD_REQUEST with the reason. */
  normalize(raw: unknown): string {
    const problem = serialProblem(raw);
    if (problem) throw badRequest(problem);
    return normalizeSerial(raw as string, this.#fits);
  }

  /** A status key from its key or the shop's name for it (any case); undefined when neither. */
  parseStatus(input: string): UnitStatus | undefined {
    const wanted = input.trim().toLowerCase();
    return (Object.entries(this.#labels) as [UnitStatus, string][]).find(
      ([key, label]) => key === wanted || label.toLowerCase() === wanted,
    )?.[0];
  }

  get statusLabels(): Readonly<Record<UnitStatus, string>> {
    return this.#labels;
  }

  statusNames(): UnitStatusNames {
    return (Object.entries(this.#labels) as [UnitStatus, string][]).map(([status, label]) => ({
      status,
      label,
    }));
  }

  /**
   * OCR read a serial off a slot's board (`current`: the slot still shows that board). Never throws: a
   * serial that is no serial, or a failed write, is logged and the live card goes without.
   */
  serialRead(seen: UnitSeen, current: boolean): void {
    try {
      const serial = this.normalize(seen.serial);
      this.#sighted({ ...seen, serial }, 'ocr', current);
    } catch (err) {
      this.#o.logger.warn({ err: errorMessage(err), slot: seen.slot }, 'serial read not linked to a unit');
    }
  }

  /**
   * A serial typed or scanned in the dashboard (POST /api/units); `current`: its recognition is the one
   * its slot shows now, so the live card names this unit.
   */
  serialTyped(seen: UnitSeen, current: boolean): { unit: UnitSummary; created: boolean } {
    const serial = this.normalize(seen.serial);
    const r = this.#sighted({ ...seen, serial }, 'typed', current);
    return { unit: this.#summary(this.#o.catalog.getUnitById(r.unitId)!), created: r.created };
  }

  /** The slot emptied or shows another board: its unit's visit lasted until now. */
  slotCleared(camera: string, slot: string): void {
    const key = slotKey(camera, slot);
    const on = this.#onSlot.get(key);
    if (!on) return;
    this.#onSlot.delete(key);
    try {
      this.#o.catalog.unitDeparted(on.unitId, this.#now());
    } catch (err) {
      this.#o.logger.warn({ err: errorMessage(err), slot }, 'unit leaving the bench not recorded');
    }
  }

  /** Status, note or conflict answer of a unit (PATCH /api/units/:serial); E_NOT_FOUND for an unknown serial. */
  edit(rawSerial: string, edit: UnitEdit, author: string): UnitSummary {
    const serial = this.normalize(rawSerial);
    const before = this.#o.catalog.getUnit(serial);
    const row = this.#o.catalog.editUnit(serial, edit, author);
    const action: UnitEventPayload['action'] = edit.resolve
      ? 'resolved'
      : edit.status !== undefined && edit.status !== before?.status
        ? 'status'
        : 'note';
    return this.#announce(action, row);
  }

  get(rawSerial: string): UnitRow | undefined {
    return this.#o.catalog.getUnit(this.normalize(rawSerial));
  }

  /** The unit's whole record for the API. */
  record(row: UnitRow): UnitRecord {
    const h = this.#o.catalog.getUnitHistory(row.id);
    const board = (id: number | null) => (id === null ? null : this.#o.board(id));
    return {
      ...this.#summary(row),
      statuses: this.statusNames(),
      visitList: h.visits,
      statusChanges: h.statusChanges,
      notes: h.notes,
      conflicts: h.conflicts.map(({ unitBoardId, seenBoardId, ...c }) => ({
        ...c,
        unitBoard: board(unitBoardId),
        seenBoard: board(seenBoardId),
      })),
      recognitions: h.recognitions.map(({ hasThumbnail, ...r }) => ({
        ...r,
        thumbnailUrl: hasThumbnail ? `/api/recognitions/${r.id}/thumbnail.jpg` : null,
      })),
    };
  }

  summary(row: UnitRow): UnitSummary {
    return this.#summary(row);
  }

  /** The unit on each slot's board now (the snapshot's `units`). */
  slotUnits(): SlotUnit[] {
    return [...this.#onSlot.values()].map(({ unitId: _, ...s }) => s);
  }

  #sighted(seen: UnitSeen, source: 'ocr' | 'typed', current: boolean): SightingResult {
    const r = this.#o.catalog.sightUnit({
      ...seen,
      source,
      visitGapMs: this.#o.config.units.visitGapMinutes * 60_000,
    });
    const row = this.#o.catalog.getUnitById(r.unitId)!;
    let slotUnit: SlotUnit | null = null;
    if (seen.camera !== null && seen.slot !== null && current) {
      const on = {
        unitId: r.unitId,
        camera: seen.camera,
        slot: seen.slot,
        recognitionId: seen.recognitionId,
        unit: this.#summary(row),
        visit: r.visit,
        previous: r.previous && { ...r.previous, statusLabel: this.#labels[r.previous.status] },
      };
      this.#onSlot.set(slotKey(seen.camera, seen.slot), on);
      slotUnit = this.#slotUnit(on);
    }
    const action = r.created ? 'created' : r.newVisit ? 'visit' : 'linked';
    this.#o.bus.emit('unit', { action, unit: this.#summary(row), slot: slotUnit });
    if (r.conflicts > 0) {
      this.#o.logger.warn(
        { serial: seen.serial, recognitionId: seen.recognitionId },
        'unit flagged: conflict',
      );
      this.#o.bus.emit('unit', { action: 'flagged', unit: this.#summary(row), slot: slotUnit });
    }
    return r;
  }

  /** Emits the change; a unit on a slot gets its live card updated too. */
  #announce(action: UnitEventPayload['action'], row: UnitRow): UnitSummary {
    const unit = this.#summary(row);
    let slot: SlotUnit | null = null;
    for (const on of this.#onSlot.values()) {
      if (on.unitId !== row.id) continue;
      on.unit = unit;
      slot = this.#slotUnit(on);
      this.#o.bus.emit('unit', { action, unit, slot });
    }
    if (!slot) this.#o.bus.emit('unit', { action, unit, slot: null });
    return unit;
  }

  #slotUnit({ unitId: _, ...s }: SlotUnit & { unitId: number }): SlotUnit {
    return s;
  }

  #summary(row: UnitRow): UnitSummary {
    return {
      serial: row.serial,
      boardId: row.boardId,
      board: row.boardId === null ? null : this.#o.board(row.boardId),
      status: row.status,
      statusLabel: this.#labels[row.status],
      firstSeen: row.firstSeen,
      lastSeen: row.lastSeen,
      visits: row.visits,
      flagged: row.flagged,
      lastNote: row.lastNote,
    };
  }
}

function slotKey(camera: string, slot: string): string {
  return `${camera}/${slot}`;
}
