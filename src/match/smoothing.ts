/**
 * Per-slot temporal smoothing. A slot changes its announced state only when `required` consecutive
 * decisions agree, so a board being put down or a hand passing by does not produce a flurry of
 * events. Each accepted change yields the events to publish: one `recognized` per appearance.
 */
/** `appearance`: which unknown board (see UnknownAppearances); two unknowns that differ in it are two boards. */
export type SlotOutcome =
  | { kind: 'board'; boardId: number }
  | { kind: 'unknown'; appearance?: number }
  | { kind: 'empty' };

export type SlotEvent =
  | { type: 'recognized'; outcome: SlotOutcome & { kind: 'board' | 'unknown' } }
  | { type: 'cleared'; previousBoardId: number | null; reason: 'empty' | 'changed' };

function same(a: SlotOutcome, b: SlotOutcome): boolean {
  if (a.kind === 'board') return b.kind === 'board' && a.boardId === b.boardId;
  if (a.kind === 'unknown') return b.kind === 'unknown' && a.appearance === b.appearance;
  return a.kind === b.kind;
}

export class SlotTracker {
  readonly required: number;
  #current: SlotOutcome = { kind: 'empty' };
  #candidate: SlotOutcome | null = null;
  #streak = 0;

  constructor(required: number) {
    this.required = Math.max(1, required);
  }

  get current(): SlotOutcome {
    return this.#current;
  }

  /** Streak of agreeing decisions for the candidate state (0 when nothing is pending). */
  get streak(): number {
    return this.#streak;
  }

  push(outcome: SlotOutcome): SlotEvent[] {
    if (this.#candidate && same(this.#candidate, outcome)) {
      this.#streak++;
    } else {
      this.#candidate = outcome;
      this.#streak = 1;
    }
    if (this.#streak < this.required || same(this.#current, outcome)) return [];
    const previous = this.#current;
    this.#current = outcome;
    const events: SlotEvent[] = [];
    if (previous.kind !== 'empty') {
      events.push({
        type: 'cleared',
        previousBoardId: previous.kind === 'board' ? previous.boardId : null,
        reason: outcome.kind === 'empty' ? 'empty' : 'changed',
      });
    }
    if (outcome.kind !== 'empty') events.push({ type: 'recognized', outcome });
    return events;
  }

  /** Forget the announced state (e.g. the board it named was deleted). */
  reset(): void {
    this.#current = { kind: 'empty' };
    this.#candidate = null;
    this.#streak = 0;
  }
}
