import type { Frame } from '../capture/types.ts';

/** A frame from the source with what the decode stage made of it (its value, or why it failed). */
export interface DecodedFrame<T> {
  frame: Frame;
  result: PromiseSettledResult<T>;
}

/**
 * The frames of `frames`, each with what `decode` made of it, in order. When `ahead()`, asked as the
 * consumer takes a frame, says that the stages after it are waiting for frames (the model is idle),
 * the next frame is pulled and decoded while the consumer works on this one: decoding (on libvips'
 * threads) overlaps preprocessing and encoding, and the frame rate is bound by the slowest stage
 * instead of their sum. Otherwise the next frame is pulled only when the consumer asks for it, so
 * that a busy model gets the source's newest frame, not one decoded long before. (Holding that pull
 * back until the model is about to be free was tried and measured no better: see README, Figures.)
 */
export async function* decodeAhead<T>(
  frames: AsyncIterable<Frame>,
  decode: (frame: Frame) => Promise<T>,
  ahead: () => boolean,
): AsyncGenerator<DecodedFrame<T>> {
  const source = frames[Symbol.asyncIterator]();
  const pull = (): Promise<DecodedFrame<T> | null> => {
    const next = (async () => {
      const item = await source.next();
      if (item.done) return null;
      const frame = item.value;
      try {
        return { frame, result: { status: 'fulfilled', value: await decode(frame) } } as const;
      } catch (reason) {
        return { frame, result: { status: 'rejected', reason } } as const;
      }
    })();
    // A source that fails while its frame is pulled ahead fails the consumer when it gets there.
    next.catch(() => {});
    return next;
  };
  let pending: Promise<DecodedFrame<T> | null> | null = null;
  try {
    for (;;) {
      const step = await (pending ?? pull());
      pending = null;
      if (!step) return;
      if (ahead()) pending = pull();
      yield step;
    }
  } finally {
    // The consumer stopped early: the source is released first (a camera's iterator then ends a pull
    // that waits for a frame), and a frame being decoded ahead is dropped.
    const released = source.return?.();
    if (pending) await pending.catch(() => null);
    await released;
  }
}
