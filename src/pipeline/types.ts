import type { Rect } from '../config/schema.ts';

/** A region of the camera picture where a board is put down, named in the config. */
export interface BenchSlot {
  name: string;
  rect: Rect;
}

/** A frame that went through the encoder and the matcher. */
export interface FrameDone {
  seq: number;
  /** Frame.capturedAt, ms since the epoch. */
  capturedAt: number;
  /** When matching and publishing finished, ms since the epoch. */
  doneAt: number;
  slots: number;
}
