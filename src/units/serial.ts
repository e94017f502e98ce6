import { UNIT_LIMITS } from '../protocol.ts';

/** The look-alike characters OCR (and people) mix up, and what each is mistaken for. */
const LOOK_ALIKES: Record<string, string> = { O: '0', '0': 'O', I: '1', '1': 'I' };
/** Past this many look-alikes in one serial the variants are too many to try: it is kept as read. */
const MAX_LOOK_ALIKES = 12;

/** Why `raw` is no serial (empty, too long, control characters), or null when it is usable. */
export function serialProblem(raw: unknown): string | null {
  if (typeof raw !== 'string') return 'serial must be a string';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f-\u009f]/.test(raw)) return 'serial must not contain control characters';
  const s = raw.replace(/\s+/g, '');
  if (s === '') return 'serial must not be empty';
  if (s.length > UNIT_LIMITS.serial)
    return `serial is ${s.length} characters long: at most ${UNIT_LIMITS.serial} (spaces not counted)`;
  return null;
}

/**
 * The part of a serial pattern that describes the serial itself: its first capturing group, else the
 * whole pattern. "SN:\s*([A-Z]{4}\d{8})" gives "[A-Z]{4}\d{8}".
 */
export function serialGroupSource(source: string): string {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      const named = /^\(\?<(?![=!])[A-Za-z_$][\w$]*>/.exec(source.slice(i));
      if (source[i + 1] === '?' && !named) continue;
      const start = i + (named ? named[0].length : 1);
      const end = closingParen(source, start);
      return end < 0 ? source : source.slice(start, end);
    }
  }
  return source;
}

function closingParen(source: string, from: number): number {
  let depth = 1;
  let inClass = false;
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Whether a whole serial fits the serial pattern's serial part; null when the part cannot be compiled. */
export function serialFitter(patternSource: string): ((serial: string) => boolean) | null {
  try {
    const re = new RegExp(`^(?:${serialGroupSource(patternSource)})$`, 'i');
    return (serial) => re.test(serial);
  } catch {
    return null;
  }
}

/**
 * A serial as units store it: capitals, no spaces, and where the serial pattern decides, O/0 and I/1
 * as the pattern wants them (OCR reads "SMTTAB5BBJAJGO137" for "...G0137" when the pattern says the
 * last four are digits). Read as-is when it fits the pattern, or when the pattern fits no variant or
 * several variants equally well. Call serialProblem first.
 */
export function normalizeSerial(raw: string, fits: ((serial: string) => boolean) | null): string {
  const serial = raw.replace(/\s+/g, '').toUpperCase();
  if (!fits || fits(serial)) return serial;
  const positions = [...serial].flatMap((c, i) => (c in LOOK_ALIKES ? [i] : []));
  if (positions.length === 0 || positions.length > MAX_LOOK_ALIKES) return serial;
  let best: string[] = [];
  let bestChanges = Number.POSITIVE_INFINITY;
  for (let mask = 1; mask < 1 << positions.length; mask++) {
    const changes = popcount(mask);
    if (changes > bestChanges) continue;
    const chars = [...serial];
    positions.forEach((p, bit) => {
      if (mask & (1 << bit)) chars[p] = LOOK_ALIKES[chars[p]!]!;
    });
    const variant = chars.join('');
    if (!fits(variant)) continue;
    if (changes < bestChanges) {
      best = [];
      bestChanges = changes;
    }
    best.push(variant);
  }
  return best.length === 1 ? best[0]! : serial;
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n; x; x &= x - 1) c++;
  return c;
}
