import ort from 'onnxruntime-node';
import { BenchsightError, errorMessage } from '../errors.ts';
import type { RawImage } from '../vision/image.ts';
import {
  boxesFromMap,
  DEFAULT_DETECT,
  DETECTOR_NORMALISATION,
  type DetectSettings,
  detectorSize,
} from './detect.ts';
import { readingOrder } from './geometry.ts';
import { loadCharacters, type OcrModelFiles } from './models.ts';
import { batchWidth, ctcGreedy, lineWidth, REC_HEIGHT, RECOGNIZER_NORMALISATION } from './recognize.ts';
import { imageQuad, sampleQuad } from './sample.ts';
import type { OcrLine, OcrResult, OcrShapes, Point, Quad } from './types.ts';

export interface OcrEngineOptions {
  files: OcrModelFiles;
  /** onnxruntime intra-op threads per network; 0: one per core. */
  threads: number;
  /** Lines read with a lower mean character probability are dropped. */
  minConfidence: number;
  detect?: Partial<DetectSettings>;
}

/** Lines recognized per batch, sorted by width so that padding stays small (PaddleOCR uses 6). */
const REC_BATCH = 6;
/** Boxes whose top edges are this close (fraction of the image height) are one row. */
const ROW_TOLERANCE = 0.015;

async function session(path: string, threads: number): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    throw new BenchsightError('E_MODEL_RUN', `cannot load OCR model ${path}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
}

function round4(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}

/**
 * What board labels are printed in: Latin letters, digits, ASCII punctuation and a few electrical
 * signs. The recognizer was trained on Chinese too; a line with any other character is not label
 * text but something else read as text (heatsink fins as "三"), and is dropped.
 */
const LABEL_TEXT = /^[\x20-\x7E°±µΩ×]+$/u;

export function isLabelText(text: string): boolean {
  return LABEL_TEXT.test(text);
}

/**
 * PaddleOCR PP-OCRv4 text detection (DB) and recognition (SVTR, CTC) on onnxruntime: finds the text
 * lines of an image and reads them. onnxruntime-node runs a session on the calling thread, so the
 * daemon uses it through OcrReader's worker; benchmarks use it directly.
 */
export class OcrEngine {
  readonly #det: ort.InferenceSession;
  readonly #rec: ort.InferenceSession;
  readonly #characters: string[];
  readonly #settings: DetectSettings;
  readonly #minConfidence: number;

  private constructor(
    det: ort.InferenceSession,
    rec: ort.InferenceSession,
    characters: string[],
    opts: OcrEngineOptions,
  ) {
    this.#det = det;
    this.#rec = rec;
    this.#characters = characters;
    this.#settings = { ...DEFAULT_DETECT, ...opts.detect };
    this.#minConfidence = opts.minConfidence;
  }

  static async open(opts: OcrEngineOptions): Promise<OcrEngine> {
    const characters = loadCharacters(opts.files.dictionary);
    const det = await session(opts.files.detection, opts.threads);
    const rec = await session(opts.files.recognition, opts.threads);
    const meta = rec.outputMetadata[0];
    const classes = meta?.isTensor ? meta.shape.at(-1) : undefined;
    if (typeof classes === 'number' && classes !== characters.length) {
      throw new BenchsightError(
        'E_MODEL_MANIFEST',
        `OCR dictionary ${opts.files.dictionary} lists ${characters.length - 2} characters but the recognizer ` +
          `has ${classes - 2}: use the dictionary shipped with the model`,
      );
    }
    return new OcrEngine(det, rec, characters, opts);
  }

  /** Reads the text lines of an image; boxes are fractions of it. */
  async read(image: RawImage): Promise<OcrResult> {
    const t0 = performance.now();
    const shapes: OcrShapes = { det: [0, 0], rec: [] };
    const quads = await this.#detect(image, shapes);
    const t1 = performance.now();
    const lines = await this.#recognize(image, quads, shapes);
    const t2 = performance.now();
    const toFraction = (p: Point): Point => [round4(p[0] / image.width), round4(p[1] / image.height)];
    const kept: OcrLine[] = [];
    for (const line of lines) {
      // NFKC: the recognizer's dictionary also has full-width forms ("：" for ":")
      const text = line.text.normalize('NFKC').trim();
      if (text === '' || line.confidence < this.#minConfidence || !isLabelText(text)) continue;
      kept.push({ text, confidence: round4(line.confidence), box: line.box.map(toFraction) as Quad });
    }
    return {
      lines: readingOrder(kept, ROW_TOLERANCE),
      timings: { detMs: t1 - t0, recMs: t2 - t1, totalMs: t2 - t0 },
      shapes,
    };
  }

  async release(): Promise<void> {
    await this.#det.release();
    await this.#rec.release();
  }

  /** Text line quads in pixels of the image. */
  async #detect(image: RawImage, shapes: OcrShapes): Promise<Quad[]> {
    const [w, h] = detectorSize(image.width, image.height, this.#settings);
    const input = new Float32Array(3 * w * h);
    sampleQuad(
      image,
      imageQuad(image),
      w,
      h,
      { out: input, offset: 0, stride: w, plane: w * h },
      DETECTOR_NORMALISATION,
    );
    const out = await this.#det.run({
      [this.#det.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, h, w]),
    });
    const map = out[this.#det.outputNames[0]!]!;
    const boxes = boxesFromMap(
      map.data as Float32Array,
      w,
      h,
      this.#settings,
      image.width / w,
      image.height / h,
    );
    map.dispose();
    shapes.det = [h, w];
    return boxes.map((b) => b.box);
  }

  async #recognize(image: RawImage, quads: Quad[], shapes: OcrShapes): Promise<OcrLine[]> {
    const items = quads.map((box) => ({ box, width: lineWidth(box) })).sort((a, b) => a.width - b.width);
    const out: OcrLine[] = [];
    for (let i = 0; i < items.length; i += REC_BATCH) {
      const batch = items.slice(i, i + REC_BATCH);
      const bw = batchWidth(batch.map((b) => b.width));
      const plane = REC_HEIGHT * bw;
      const input = new Float32Array(batch.length * 3 * plane);
      batch.forEach((b, j) => {
        const target = { out: input, offset: j * 3 * plane, stride: bw, plane };
        sampleQuad(image, b.box, b.width, REC_HEIGHT, target, RECOGNIZER_NORMALISATION);
      });
      const result = await this.#rec.run({
        [this.#rec.inputNames[0]!]: new ort.Tensor('float32', input, [batch.length, 3, REC_HEIGHT, bw]),
      });
      const tensor = result[this.#rec.outputNames[0]!]!;
      const [, steps, classes] = tensor.dims as [number, number, number];
      const probs = tensor.data as Float32Array;
      batch.forEach((b, j) => {
        out.push({ ...ctcGreedy(probs, j * steps * classes, steps, this.#characters), box: b.box });
      });
      tensor.dispose();
      shapes.rec.push([batch.length, bw]);
    }
    return out;
  }
}
