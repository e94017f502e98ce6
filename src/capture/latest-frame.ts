import type { Frame } from './types.ts';

interface Box {
  frame: Frame | undefined;
  waiter: ((result: IteratorResult<Frame>) => void) | undefined;
}

const DONE: IteratorResult<Frame> = { done: true, value: undefined };

/**
 * One single-slot mailbox per consumer: a new frame replaces one the consumer has not taken yet
 * (counted as dropped), so a slow consumer always gets the newest frame and nothing queues up.
 * Several consumers receive the same Frame object: treat its buffer as read-only.
 */
export class LatestFrame {
  private readonly boxes = new Set<Box>();
  private closed = false;
  dropped = 0;

  deliver(frame: Frame): void {
    for (const box of this.boxes) {
      if (box.waiter) {
        const waiter = box.waiter;
        box.waiter = undefined;
        waiter({ done: false, value: frame });
      } else {
        if (box.frame) this.dropped += 1;
        box.frame = frame;
      }
    }
  }

  /** Ends every iteration; iterators made while closed end at once. */
  close(): void {
    this.closed = true;
    for (const box of this.boxes) this.release(box);
    this.boxes.clear();
  }

  open(): void {
    this.closed = false;
  }

  iterate(): AsyncIterable<Frame> {
    return {
      [Symbol.asyncIterator]: (): AsyncIterator<Frame> => {
        const box: Box = { frame: undefined, waiter: undefined };
        if (!this.closed) this.boxes.add(box);
        return {
          next: () => {
            if (box.frame) {
              const value = box.frame;
              box.frame = undefined;
              return Promise.resolve({ done: false, value });
            }
            if (!this.boxes.has(box)) return Promise.resolve(DONE);
            return new Promise((resolve) => {
              box.waiter = resolve;
            });
          },
          return: () => {
            this.boxes.delete(box);
            this.release(box);
            return Promise.resolve(DONE);
          },
        };
      },
    };
  }

  private release(box: Box): void {
    box.frame = undefined;
    const waiter = box.waiter;
    box.waiter = undefined;
    waiter?.(DONE);
  }
}
