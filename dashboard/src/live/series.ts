import type { StatusPayload } from '../../../src/protocol.ts';

/** The last `capacity` status samples as columns, the shape uPlot draws. */
export class Series {
  readonly t: number[] = [];
  readonly captured: number[] = [];
  readonly encoded: number[] = [];
  readonly encodeMs: number[] = [];
  readonly matchMs: number[] = [];
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  push(s: StatusPayload): void {
    if (this.t.length > 0 && s.at / 1000 <= this.t[this.t.length - 1]!) return;
    this.t.push(s.at / 1000);
    this.captured.push(s.fps.captured);
    this.encoded.push(s.fps.encoded);
    this.encodeMs.push(s.timings.encodeMs);
    this.matchMs.push(s.timings.matchMs);
    if (this.t.length > this.#capacity) {
      for (const column of [this.t, this.captured, this.encoded, this.encodeMs, this.matchMs]) column.shift();
    }
  }

  columns(): [number[], number[], number[], number[], number[]] {
    return [this.t, this.captured, this.encoded, this.encodeMs, this.matchMs];
  }
}
