/**
 * Tells unknown boards apart. No catalog board names them, so to the smoothing every unknown picture
 * would be the same "unknown": a board put down after another unknown board (or after an empty bench
 * that has no reference) would never be recorded. Here a slot's unknown picture is the same appearance
 * as long as its embedding stays close to the first sighting of it, and a picture that is not close to
 * any recent one is a new appearance, hence a new recognition.
 *
 * Close means halfway between the match threshold and identical: stricter than the test that names a
 * board, so two different unknown boards that merely look alike are still two.
 */
export class UnknownAppearances {
  readonly #recent: { id: number; vector: Float32Array }[] = [];
  readonly #keep: number;
  #next = 0;

  /** `keep`: appearances remembered (a board taken away and put back is the same one). */
  constructor(keep = 4) {
    this.#keep = keep;
  }

  /** The appearance this L2-normalized embedding shows; `threshold`: the match policy's. */
  identify(vector: Float32Array, threshold: number): number {
    const close = (1 + threshold) / 2;
    for (let i = 0; i < this.#recent.length; i++) {
      const seen = this.#recent[i]!;
      if (dot(seen.vector, vector) >= close) {
        if (i > 0) this.#recent.unshift(...this.#recent.splice(i, 1));
        return seen.id;
      }
    }
    const id = ++this.#next;
    this.#recent.unshift({ id, vector: Float32Array.from(vector) });
    if (this.#recent.length > this.#keep) this.#recent.pop();
    return id;
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
