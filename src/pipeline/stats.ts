/** Median over the last `size` samples (a ring buffer; no allocation per sample). */
export class RollingMedian {
  readonly #values: Float64Array;
  #count = 0;
  #next = 0;

  constructor(size = 64) {
    this.#values = new Float64Array(size);
  }

  push(value: number): void {
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.#values.length;
    if (this.#count < this.#values.length) this.#count++;
  }

  median(): number {
    if (this.#count === 0) return 0;
    const sorted = Array.from(this.#values.subarray(0, this.#count)).sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
}

/** Runs async jobs one at a time, in order (one ONNX session, one caller at a time). */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(job, job);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
