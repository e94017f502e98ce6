import { findJpegEnd, findJpegStart, type JpegScanState } from './jpeg.ts';

export const DEFAULT_MAX_FRAME_BYTES = 20 * 1024 * 1024;
const INITIAL_BYTES = 256 * 1024;
const SHRINK_ABOVE = 4 * 1024 * 1024;

export interface MjpegSplitterOptions {
  /** A frame that grows past this is discarded as garbage. */
  maxFrameBytes?: number;
  /** A whole JPEG, copied out of the splitter's buffer: the receiver owns it. */
  onFrame(jpeg: Buffer): void;
  /** Bytes that were thrown away, and why. */
  onGarbage(bytes: number, why: string): void;
}

/**
 * Cuts a stream of concatenated JPEGs (ffmpeg `-f mjpeg`, a multipart camera feed without its
 * headers) into whole frames, whatever the chunk boundaries. Memory stays bounded: bytes before a
 * start marker are dropped at once and an oversized frame is dropped whole.
 */
export class MjpegSplitter {
  private buf = Buffer.allocUnsafe(INITIAL_BYTES);
  private start = 0;
  private end = 0;
  /** Scan progress of the frame that starts at `start`; undefined while looking for a start marker. */
  private scan: JpegScanState | undefined;
  private readonly maxFrameBytes: number;

  constructor(private readonly opts: MjpegSplitterOptions) {
    this.maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  push(chunk: Uint8Array): void {
    this.append(chunk);
    this.drain();
  }

  /** Forgets any partial frame (call between two capture processes). */
  reset(): void {
    this.start = 0;
    this.end = 0;
    this.scan = undefined;
  }

  /** Bytes held for an incomplete frame. */
  get pending(): number {
    return this.end - this.start;
  }

  private drain(): void {
    for (;;) {
      const view = this.buf.subarray(this.start, this.end);
      if (this.scan === undefined) {
        const soi = findJpegStart(view);
        if (soi === -1) {
          // The last two bytes may be the beginning of the next start marker.
          const drop = Math.max(0, view.length - 2);
          this.discard(drop, 'of data without a JPEG start marker');
          return;
        }
        this.discard(soi, 'before a JPEG start marker');
        this.scan = { pos: 2, inScan: false };
        continue;
      }
      const result = findJpegEnd(view, this.scan);
      if (result.kind === 'complete') {
        this.scan = undefined;
        if (result.end > this.maxFrameBytes) {
          this.discard(result.end, `in a frame larger than ${this.maxFrameBytes} bytes`);
          continue;
        }
        this.start += result.end;
        this.opts.onFrame(Buffer.from(view.subarray(0, result.end)));
        continue;
      }
      if (result.kind === 'invalid') {
        // Resynchronise on the next start marker after this one.
        this.scan = undefined;
        const next = findJpegStart(view, 2);
        this.discard(next === -1 ? Math.max(2, view.length - 2) : next, `of a broken JPEG (${result.why})`);
        continue;
      }
      this.scan = result.state;
      if (view.length > this.maxFrameBytes) {
        this.scan = undefined;
        this.discard(view.length, `in a frame larger than ${this.maxFrameBytes} bytes`);
      }
      return;
    }
  }

  private discard(bytes: number, why: string): void {
    if (bytes <= 0) return;
    this.start += bytes;
    this.opts.onGarbage(bytes, why);
  }

  private append(chunk: Uint8Array): void {
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
      // Give back the memory of an oversized frame once it is gone.
      if (this.buf.length > SHRINK_ABOVE) this.buf = Buffer.allocUnsafe(INITIAL_BYTES);
    }
    if (this.end + chunk.length > this.buf.length) {
      const held = this.end - this.start;
      if (held + chunk.length <= this.buf.length && this.start > 0) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        let size = this.buf.length;
        while (size < held + chunk.length) size *= 2;
        const grown = Buffer.allocUnsafe(size);
        this.buf.copy(grown, 0, this.start, this.end);
        this.buf = grown;
      }
      this.start = 0;
      this.end = held;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }
}
