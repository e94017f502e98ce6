import type { Normalisation } from './sample.ts';
import type { Quad } from './types.ts';

/** The recognizer's input height (PP-OCRv4 rec). */
export const REC_HEIGHT = 48;
/** Narrowest input: very short crops are padded to this width (the recognizer's context). */
const MIN_WIDTH = 64;
/** Widest input: longer lines are squeezed (at this width a line holds about 80 characters). */
const MAX_WIDTH = 1600;

/** Width and height of a quad's text, in source pixels (longest opposite sides). */
export function quadSize(q: Quad): [w: number, h: number] {
  const d = (a: number, b: number) => Math.hypot(q[b]![0] - q[a]![0], q[b]![1] - q[a]![1]);
  return [Math.max(d(0, 1), d(3, 2)), Math.max(d(0, 3), d(1, 2))];
}

/** Input width of one line at the recognizer's height (aspect kept), before padding. */
export function lineWidth(q: Quad): number {
  const [w, h] = quadSize(q);
  return Math.min(MAX_WIDTH, Math.max(8, Math.ceil((REC_HEIGHT * w) / Math.max(h, 1))));
}

/** Width of a batch of lines: the widest, rounded up to 8 (one recognizer step), at least MIN_WIDTH. */
export function batchWidth(widths: readonly number[]): number {
  return Math.max(MIN_WIDTH, Math.ceil(Math.max(...widths) / 8) * 8);
}

/** The recognizer's input: v / 127.5 - 1 on every channel. */
export const RECOGNIZER_NORMALISATION: Normalisation = {
  scale: [1 / 127.5, 1 / 127.5, 1 / 127.5],
  shift: [-1, -1, -1],
};

export interface DecodedLine {
  text: string;
  confidence: number;
}

/** CTC greedy decoding of one line's [steps x classes] probabilities: best class per step, repeats and blanks dropped. */
export function ctcGreedy(
  probs: Float32Array,
  offset: number,
  steps: number,
  characters: readonly string[],
): DecodedLine {
  const classes = characters.length;
  let text = '';
  let sum = 0;
  let count = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const base = offset + t * classes;
    let best = 0;
    let bestP = probs[base]!;
    for (let k = 1; k < classes; k++) {
      const p = probs[base + k]!;
      if (p > bestP) {
        bestP = p;
        best = k;
      }
    }
    if (best !== 0 && best !== previous) {
      text += characters[best] ?? '';
      sum += bestP;
      count++;
    }
    previous = best;
  }
  return { text, confidence: count > 0 ? sum / count : 0 };
}
