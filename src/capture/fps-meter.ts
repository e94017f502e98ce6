/** Frames per second over a sliding window of frame times: the camera's captured rate and the pipeline's encoded rate. */
export class FpsMeter {
  private times: number[] = [];
  private since = 0;

  constructor(private readonly windowMs = 3000) {}

  reset(now: number): void {
    this.times = [];
    this.since = now;
  }

  tick(now: number): void {
    this.times.push(now);
    this.prune(now);
  }

  rate(now: number): number {
    this.prune(now);
    const n = this.times.length;
    if (n === 0) return 0;
    let fps: number;
    if (now - this.since >= this.windowMs) {
      fps = (n * 1000) / this.windowMs;
    } else {
      // Window not full yet (just started): measure between the frames seen so far.
      const span = this.times[n - 1]! - this.times[0]!;
      fps = n > 1 && span > 0 ? ((n - 1) * 1000) / span : 0;
    }
    return Math.round(fps * 10) / 10;
  }

  private prune(now: number): void {
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= cutoff) drop += 1;
    if (drop > 0) this.times.splice(0, drop);
  }
}
