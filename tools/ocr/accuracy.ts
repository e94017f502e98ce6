/**
 * Character accuracy of OCR output against the text that was printed, for tests and benchmarks.
 * Spaces are ignored on both sides (the recognizer often drops or adds them between words).
 */

function squeeze(s: string): string {
  return s.replace(/\s+/g, '');
}

/**
 * Fewest edits that turn `needle` into some substring of `haystack` (Sellers' algorithm): the best
 * place to find a printed line in everything that was read, however the reader split it into lines.
 */
export function substringDistance(needle: string, haystack: string): number {
  const n = needle.length;
  let prev = new Int32Array(n + 1);
  let cur = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) prev[i] = i;
  let best = n;
  for (const ch of haystack) {
    cur[0] = 0;
    for (let i = 1; i <= n; i++) {
      const sub = prev[i - 1]! + (needle[i - 1] === ch ? 0 : 1);
      cur[i] = Math.min(sub, prev[i]! + 1, cur[i - 1]! + 1);
    }
    best = Math.min(best, cur[n]!);
    [prev, cur] = [cur, prev];
  }
  return Math.min(best, prev[n]!);
}

export interface AccuracyCount {
  /** Characters printed (spaces excluded). */
  characters: number;
  /** Edits needed to find each printed line in what was read. */
  errors: number;
}

/** Errors of one image: each printed line against all the lines read, joined in reading order. */
export function countErrors(printed: readonly string[], read: readonly string[]): AccuracyCount {
  const haystack = squeeze(read.join(''));
  let characters = 0;
  let errors = 0;
  for (const line of printed) {
    const needle = squeeze(line);
    characters += needle.length;
    errors += substringDistance(needle, haystack);
  }
  return { characters, errors };
}

/** 1 - character error rate over many images. */
export function characterAccuracy(counts: readonly AccuracyCount[]): number {
  const characters = counts.reduce((s, c) => s + c.characters, 0);
  const errors = counts.reduce((s, c) => s + c.errors, 0);
  return characters === 0 ? 0 : 1 - errors / characters;
}
