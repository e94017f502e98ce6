import { DotKernel } from './dot-kernel.ts';

/**
 * Every reference embedding of the active model in one row-major matrix, so a query is a single
 * pass over contiguous memory at memory speed (see dot-kernel.ts). Rows are L2-normalized, so the
 * dot product is the cosine.
 */
export interface BoardScore {
  boardId: number;
  /** Best cosine over the board's references. */
  score: number;
  referenceId: number;
}

export class EmbeddingIndex {
  readonly dim: number;
  readonly #kernel: DotKernel;
  #referenceIds: Int32Array;
  #boardIds: Int32Array;
  /** Per row: the slot of its board in #boardList, so a query needs no map lookups. */
  #rowSlot: Int32Array;
  #count = 0;
  readonly #rowOf = new Map<number, number>();
  readonly #boardSlot = new Map<number, number>();
  #boardList: number[] = [];
  #boardRows: number[] = [];
  // Scratch space reused across queries: the hot path allocates nothing but its result.
  #boardBest = new Float32Array(0);
  #boardBestRow = new Int32Array(0);
  #topScore = new Float32Array(0);
  #topSlot = new Int32Array(0);

  constructor(dim: number, capacity = 256) {
    this.dim = dim;
    this.#kernel = new DotKernel(dim, capacity);
    this.#referenceIds = new Int32Array(capacity);
    this.#boardIds = new Int32Array(capacity);
    this.#rowSlot = new Int32Array(capacity);
  }

  get size(): number {
    return this.#count;
  }

  get boardCount(): number {
    return this.#boardList.length;
  }

  /** Replaces the whole content; `matrix` holds referenceIds.length rows of `dim`. */
  load(referenceIds: ArrayLike<number>, boardIds: ArrayLike<number>, matrix: Float32Array): void {
    const n = referenceIds.length;
    if (boardIds.length !== n || matrix.length !== n * this.dim) {
      throw new Error(`index load: ${n} ids, ${boardIds.length} boards, ${matrix.length / this.dim} rows`);
    }
    this.#count = 0;
    this.#rowOf.clear();
    this.#ensureCapacity(n);
    this.#kernel.setRows(0, matrix, n);
    for (let i = 0; i < n; i++) this.#rowOf.set(referenceIds[i]!, i);
    this.#referenceIds.set(referenceIds);
    this.#boardIds.set(boardIds);
    this.#count = n;
    this.#rebuildBoards();
  }

  add(referenceId: number, boardId: number, vector: Float32Array): void {
    if (vector.length !== this.dim)
      throw new Error(`index add: vector has ${vector.length} dims, index ${this.dim}`);
    this.removeReference(referenceId);
    this.#ensureCapacity(this.#count + 1);
    const row = this.#count++;
    this.#kernel.setRows(row, vector);
    this.#referenceIds[row] = referenceId;
    this.#boardIds[row] = boardId;
    this.#rowOf.set(referenceId, row);
    let slot = this.#boardSlot.get(boardId);
    if (slot === undefined) {
      slot = this.#boardList.length;
      this.#boardSlot.set(boardId, slot);
      this.#boardList.push(boardId);
      this.#boardRows.push(0);
      this.#ensureBoardScratch();
    }
    this.#rowSlot[row] = slot;
    this.#boardRows[slot]!++;
  }

  removeReference(referenceId: number): boolean {
    const row = this.#rowOf.get(referenceId);
    if (row === undefined) return false;
    const slot = this.#rowSlot[row]!;
    this.#removeRow(row);
    if (--this.#boardRows[slot]! === 0) this.#rebuildBoards();
    return true;
  }

  removeBoard(boardId: number): number {
    let removed = 0;
    for (let i = this.#count - 1; i >= 0; i--) {
      if (this.#boardIds[i] === boardId) {
        this.#removeRow(i);
        removed++;
      }
    }
    if (removed) this.#rebuildBoards();
    return removed;
  }

  /**
   * Best score per board (the board's best reference), sorted best first, at most `k` boards.
   * One pass over the matrix; per-board maxima kept in reused arrays.
   */
  searchBoards(query: Float32Array, k: number): BoardScore[] {
    if (query.length !== this.dim) {
      throw new RangeError(`index search: query has ${query.length} dims, index ${this.dim}`);
    }
    const boards = this.#boardList.length;
    const want = Math.min(Math.max(Math.floor(k), 0), boards);
    if (want === 0 || this.#count === 0) return [];
    this.#kernel.query.set(query);
    const scores = this.#kernel.run(this.#count);
    const best = this.#boardBest;
    const bestRow = this.#boardBestRow;
    const rowSlot = this.#rowSlot;
    best.fill(Number.NEGATIVE_INFINITY, 0, boards);
    for (let row = 0; row < scores.length; row++) {
      const s = scores[row]!;
      const slot = rowSlot[row]!;
      if (s > best[slot]!) {
        best[slot] = s;
        bestRow[slot] = row;
      }
    }
    const top = this.#topScore;
    const topSlot = this.#topSlot;
    let filled = 0;
    for (let slot = 0; slot < boards; slot++) {
      const s = best[slot]!;
      if (filled === want && !(s > top[want - 1]!)) continue;
      let i = filled < want ? filled++ : want - 1;
      while (i > 0 && s > top[i - 1]!) {
        top[i] = top[i - 1]!;
        topSlot[i] = topSlot[i - 1]!;
        i--;
      }
      top[i] = s;
      topSlot[i] = slot;
    }
    const out: BoardScore[] = new Array(filled);
    for (let i = 0; i < filled; i++) {
      const slot = topSlot[i]!;
      out[i] = {
        boardId: this.#boardList[slot]!,
        score: top[i]!,
        referenceId: this.#referenceIds[bestRow[slot]!]!,
      };
    }
    return out;
  }

  /** Moves the last row into `i`; board bookkeeping is the caller's. */
  #removeRow(i: number): void {
    const last = this.#count - 1;
    this.#rowOf.delete(this.#referenceIds[i]!);
    if (i !== last) {
      this.#kernel.copyRow(last, i);
      this.#referenceIds[i] = this.#referenceIds[last]!;
      this.#boardIds[i] = this.#boardIds[last]!;
      this.#rowSlot[i] = this.#rowSlot[last]!;
      this.#rowOf.set(this.#referenceIds[i]!, i);
    }
    this.#count--;
  }

  #ensureCapacity(rows: number): void {
    if (rows <= this.#referenceIds.length) return;
    const capacity = Math.max(rows, this.#referenceIds.length * 2);
    this.#kernel.ensureCapacity(capacity);
    const grow = (a: Int32Array) => {
      const b = new Int32Array(capacity);
      b.set(a.subarray(0, this.#count));
      return b;
    };
    this.#referenceIds = grow(this.#referenceIds);
    this.#boardIds = grow(this.#boardIds);
    this.#rowSlot = grow(this.#rowSlot);
  }

  #rebuildBoards(): void {
    this.#boardSlot.clear();
    this.#boardList = [];
    this.#boardRows = [];
    for (let i = 0; i < this.#count; i++) {
      const b = this.#boardIds[i]!;
      let slot = this.#boardSlot.get(b);
      if (slot === undefined) {
        slot = this.#boardList.length;
        this.#boardSlot.set(b, slot);
        this.#boardList.push(b);
        this.#boardRows.push(0);
      }
      this.#rowSlot[i] = slot;
      this.#boardRows[slot]!++;
    }
    this.#ensureBoardScratch();
  }

  #ensureBoardScratch(): void {
    const boards = this.#boardList.length;
    if (this.#boardBest.length >= boards) return;
    const size = Math.max(boards, this.#boardBest.length * 2, 16);
    this.#boardBest = new Float32Array(size);
    this.#boardBestRow = new Int32Array(size);
    this.#topScore = new Float32Array(size);
    this.#topSlot = new Int32Array(size);
  }
}
