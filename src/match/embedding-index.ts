/**
 * Every reference embedding of the active model in one row-major Float32Array, so a query is a
 * single pass over contiguous memory. Rows are L2-normalized, so the dot product is the cosine.
 */
export interface BoardScore {
  boardId: number;
  /** Best cosine over the board's references. */
  score: number;
  referenceId: number;
}

export class EmbeddingIndex {
  readonly dim: number;
  #matrix: Float32Array;
  #referenceIds: Int32Array;
  #boardIds: Int32Array;
  #count = 0;
  // Scratch space reused across queries: the hot path allocates nothing but its result.
  #boardBest = new Float32Array(0);
  #boardBestRef = new Int32Array(0);
  #boardSlot = new Map<number, number>();
  #boardList: number[] = [];

  constructor(dim: number, capacity = 256) {
    this.dim = dim;
    this.#matrix = new Float32Array(capacity * dim);
    this.#referenceIds = new Int32Array(capacity);
    this.#boardIds = new Int32Array(capacity);
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
    this.#ensureCapacity(n);
    this.#matrix.set(matrix);
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
    this.#matrix.set(vector, this.#count * this.dim);
    this.#referenceIds[this.#count] = referenceId;
    this.#boardIds[this.#count] = boardId;
    this.#count++;
    this.#rebuildBoards();
  }

  removeReference(referenceId: number): boolean {
    for (let i = 0; i < this.#count; i++) {
      if (this.#referenceIds[i] === referenceId) {
        this.#removeRow(i);
        this.#rebuildBoards();
        return true;
      }
    }
    return false;
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
    const dim = this.dim;
    const m = this.#matrix;
    const best = this.#boardBest;
    const bestRef = this.#boardBestRef;
    best.fill(Number.NEGATIVE_INFINITY);
    for (let row = 0; row < this.#count; row++) {
      const base = row * dim;
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += m[base + j]! * query[j]!;
      const slot = this.#boardSlot.get(this.#boardIds[row]!)!;
      if (dot > best[slot]!) {
        best[slot] = dot;
        bestRef[slot] = this.#referenceIds[row]!;
      }
    }
    const out: BoardScore[] = [];
    for (let s = 0; s < this.#boardList.length; s++) {
      const score = best[s]!;
      if (out.length < k) {
        out.push({ boardId: this.#boardList[s]!, score, referenceId: bestRef[s]! });
        if (out.length === k) out.sort((a, b) => b.score - a.score);
      } else if (score > out[k - 1]!.score) {
        out[k - 1] = { boardId: this.#boardList[s]!, score, referenceId: bestRef[s]! };
        out.sort((a, b) => b.score - a.score);
      }
    }
    if (out.length < k) out.sort((a, b) => b.score - a.score);
    return out;
  }

  #removeRow(i: number): void {
    const last = this.#count - 1;
    if (i !== last) {
      this.#matrix.copyWithin(i * this.dim, last * this.dim, (last + 1) * this.dim);
      this.#referenceIds[i] = this.#referenceIds[last]!;
      this.#boardIds[i] = this.#boardIds[last]!;
    }
    this.#count--;
  }

  #ensureCapacity(rows: number): void {
    if (rows <= this.#referenceIds.length) return;
    const capacity = Math.max(rows, this.#referenceIds.length * 2);
    const matrix = new Float32Array(capacity * this.dim);
    matrix.set(this.#matrix.subarray(0, this.#count * this.dim));
    const refs = new Int32Array(capacity);
    refs.set(this.#referenceIds.subarray(0, this.#count));
    const boards = new Int32Array(capacity);
    boards.set(this.#boardIds.subarray(0, this.#count));
    this.#matrix = matrix;
    this.#referenceIds = refs;
    this.#boardIds = boards;
  }

  #rebuildBoards(): void {
    this.#boardSlot.clear();
    this.#boardList = [];
    for (let i = 0; i < this.#count; i++) {
      const b = this.#boardIds[i]!;
      if (!this.#boardSlot.has(b)) {
        this.#boardSlot.set(b, this.#boardList.length);
        this.#boardList.push(b);
      }
    }
    if (this.#boardBest.length < this.#boardList.length) {
      this.#boardBest = new Float32Array(this.#boardList.length * 2);
      this.#boardBestRef = new Int32Array(this.#boardList.length * 2);
    }
  }
}
