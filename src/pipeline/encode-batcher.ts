import type { Encoder } from '../vision/encoder.ts';

/** What the batcher needs of an encoder. */
type BatchEncoder = Pick<Encoder, 'encode' | 'dim' | 'inputSize'>;

interface Job {
  input: Float32Array;
  count: number;
  resolve: (flat: Float32Array) => void;
  reject: (err: unknown) => void;
}

interface Lane {
  waiting: Job[];
  inFlight: number;
  /** Input buffers of combined batches, by images in the batch. */
  buffers: Map<number, Float32Array>;
}

/**
 * Batches posted to the encoder at once, at most: one running and the next one ready, as one
 * camera's pipeline keeps it. Slots of other cameras that come meanwhile wait here and go to the
 * encoder together, as one batch, when one of those ends.
 */
const MAX_IN_FLIGHT = 2;

/**
 * The one encoder shared by every camera. A camera's frame never waits for another camera's: a batch
 * is posted as soon as the encoder has room, with whatever slots are waiting at that moment (slots of
 * different cameras due at the same moment go as one batch). Nothing here waits for a camera to
 * deliver, so a camera that stops, hangs or dies holds up no other.
 */
export class EncodeBatcher {
  readonly #lanes = new Map<BatchEncoder, Lane>();
  /** Batches posted and images in them, for the status and the benchmark. */
  readonly counts = { batches: 0, images: 0 };

  /**
   * Encodes `count` preprocessed images at the start of `batch` with `encoder`, alone or together
   * with other cameras' images. `batch` is copied before this returns: the caller may refill it.
   */
  encode(encoder: BatchEncoder, batch: Float32Array, count: number): Promise<Float32Array> {
    const [h, w] = encoder.inputSize;
    const size = count * 3 * h * w;
    if (!Number.isInteger(count) || count < 1 || batch.length < size) {
      return Promise.reject(
        new RangeError(`encode: ${count} images need ${size} floats, got ${batch.length}`),
      );
    }
    const lane = this.#lane(encoder);
    return new Promise<Float32Array>((resolve, reject) => {
      const job: Job = { input: batch, count, resolve, reject };
      // Room now: posted at once (the encoder copies the batch); otherwise copied to wait here.
      if (lane.inFlight < MAX_IN_FLIGHT && lane.waiting.length === 0) this.#send(encoder, lane, [job]);
      else {
        job.input = batch.slice(0, size);
        lane.waiting.push(job);
      }
    });
  }

  #lane(encoder: BatchEncoder): Lane {
    let lane = this.#lanes.get(encoder);
    if (!lane) {
      lane = { waiting: [], inFlight: 0, buffers: new Map() };
      this.#lanes.set(encoder, lane);
    }
    return lane;
  }

  /** Posts what waits as one batch when the encoder has room; called again as each batch ends. */
  #post(encoder: BatchEncoder, lane: Lane): void {
    if (lane.inFlight >= MAX_IN_FLIGHT || lane.waiting.length === 0) return;
    this.#send(encoder, lane, lane.waiting.splice(0));
  }

  #send(encoder: BatchEncoder, lane: Lane, jobs: Job[]): void {
    const total = jobs.reduce((n, j) => n + j.count, 0);
    const [h, w] = encoder.inputSize;
    const imageSize = 3 * h * w;
    let input = jobs[0]!.input;
    if (jobs.length > 1) {
      // the encoder copies it before encode() returns, so one buffer per batch size serves every batch
      input = lane.buffers.get(total) ?? new Float32Array(total * imageSize);
      lane.buffers.set(total, input);
      let at = 0;
      for (const job of jobs) {
        input.set(job.input.subarray(0, job.count * imageSize), at);
        at += job.count * imageSize;
      }
    }
    lane.inFlight++;
    this.counts.batches++;
    this.counts.images += total;
    encoder
      .encode(input, total)
      .then(
        (flat) => {
          const dim = encoder.dim;
          let at = 0;
          for (const job of jobs) {
            job.resolve(jobs.length === 1 ? flat : flat.slice(at * dim, (at + job.count) * dim));
            at += job.count;
          }
        },
        (err: unknown) => {
          for (const job of jobs) job.reject(err);
        },
      )
      .finally(() => {
        lane.inFlight--;
        if (lane.inFlight === 0 && lane.waiting.length === 0) this.#lanes.delete(encoder);
        else this.#post(encoder, lane);
      });
  }
}
