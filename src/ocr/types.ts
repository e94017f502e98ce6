import type { TextLine } from '../protocol.ts';

/** A point in pixels or fractions, [x, y]. */
export type Point = [number, number];

/** Four corners, clockwise from the top-left of the text as read. */
export type Quad = [Point, Point, Point, Point];

/** One line of text read from an image; its box is a quad (fractions of the image or slot read). */
export interface OcrLine extends TextLine {
  box: Quad;
}

export interface OcrTimings {
  /** Text detection: resize, network, box extraction. */
  detMs: number;
  /** Text recognition of every line found: crops, network, decoding. */
  recMs: number;
  totalMs: number;
}

/** Network input shapes of one read: [height, width] of the detector, [lines, width] of each recognizer batch. */
export interface OcrShapes {
  det: [number, number];
  rec: [number, number][];
}

export interface OcrResult {
  lines: OcrLine[];
  timings: OcrTimings;
  shapes: OcrShapes;
}
