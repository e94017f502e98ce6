import { type CameraSetup, type Rect, WHOLE_FRAME } from '../config/schema.ts';
import type { PartNumber } from '../hardware/part-number.ts';
import type { Inspection } from '../inspect/inspector.ts';
import type { TextDecision } from '../ocr/text-match.ts';
import type { OcrLine } from '../ocr/types.ts';
import type { RawImage } from '../vision/image.ts';

/** A region of the camera picture where a board is put down, named in the config. */
export interface BenchSlot {
  name: string;
  rect: Rect;
}

/** A camera's bench slots; none configured: the whole (optionally cropped) frame is one slot. */
export function benchSlots(camera: Readonly<CameraSetup>): BenchSlot[] {
  if (camera.slots.length > 0) return camera.slots.map((s) => ({ name: s.name, rect: { ...s.rect } }));
  return [
    {
      name: 'bench',
      rect: { ...(camera.crop ?? WHOLE_FRAME) },
    },
  ];
}

/** A frame that went through the encoder and the matcher. */
export interface FrameDone {
  seq: number;
  /** Frame.capturedAt, ms since the epoch. */
  capturedAt: number;
  /** When matching and publishing finished, ms since the epoch. */
  doneAt: number;
  slots: number;
  /**
   * When it went through each stage of the frame loop, ms after capturedAt; `done` is the frame's
   * capture to recognition.
   */
  stages: FrameStages;
}

/**
 * The frame loop's stages, each as ms after the frame's capture: where capture to recognition goes
 * (`npm run bench`). Timed on the monotonic clock from the capture (Frame.monotonicAt; a frame
 * without it: from the wall clock's capture time, whole ms, so that `taken` may read up to 1 ms early).
 */
export interface FrameStages {
  /** Taken from the camera's mailbox: the gate looks at it next. */
  taken: number;
  /** Looked at by the gate and decoded. */
  decoded: number;
  /** Its preprocessing started (a frame decoded ahead waits here for the frame before it). */
  preprocessing: number;
  /** Preprocessed and posted to the encoder. */
  posted: number;
  /** Its embeddings back (the encoder may first finish the frame before it). */
  encoded: number;
  /** Matched and published. */
  done: number;
}

/** A slot whose recognition just became stable: its frame, and what vision said. */
export interface SlotRecognition {
  /** Its history row; null when it could not be written. */
  recognitionId: number | null;
  at: number;
  camera: string;
  slot: string;
  image: RawImage;
  region: Rect;
  visionBoardId: number | null;
  /** Geometric verification confirmed visionBoardId (inspection follows only verified boards). */
  verified?: boolean;
}

/** What the text of an image says: the lines, the serial, and its verdict on the visual match. */
export interface TextReading {
  lines: OcrLine[];
  serial: string | null;
  /** the hashboard part number in the text, with its family's facts */
  partNumber: PartNumber | null;
  decision: TextDecision;
  ms: number;
}

/** Where the steps report what they found: the slot's owner, which decides and publishes. */
export interface SlotReports {
  textRead(recognition: SlotRecognition, reading: TextReading, error: string | null): void;
  /** The board was inspected against its map (or could not be: `error`). */
  inspected(recognition: SlotRecognition, inspection: Inspection | null, error: string | null): void;
}

/**
 * A step that follows a recognition (reading the label, and the like): it works off the frame loop
 * and reports its findings to the slot's owner, never to history or the dashboard itself.
 */
export interface RecognitionStep {
  /** Takes the slots of `camera`: what is found about them is reported to `reports`. */
  start(camera: string, reports: SlotReports): void;
  /** Finishes what it is doing (and reports it), drops what waits. */
  stop(): Promise<void>;
  /** Takes a slot's new recognition; returns at once. */
  schedule(recognition: SlotRecognition): void;
  /** The slot emptied or shows another board: drop what waits for it. */
  forget(camera: string, slot: string): void;
  /**
   * Whether the step wants another picture of the slot's board it follows (inspection, where a hand
   * hid part of it); the owner then hands it the next frame that verifies that board (`look`).
   */
  wantsLook?(camera: string, slot: string): boolean;
  look?(camera: string, slot: string, image: RawImage, region: Rect): void;
}
