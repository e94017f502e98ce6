/**
 * JPEG structure helpers that never decode pixels. They walk the marker segments the way a decoder
 * would, so a thumbnail inside an EXIF segment or an 0xFF byte in the compressed data (stuffed as
 * FF 00) is never mistaken for the end of a frame.
 */

const MARKER = 0xff;
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

/** Where `findJpegEnd` stopped in an incomplete frame, so the next call resumes instead of rescanning. */
export interface JpegScanState {
  /** Offset from the frame start. */
  pos: number;
  /** Inside entropy-coded data after a start-of-scan header. */
  inScan: boolean;
}

export type JpegScanResult =
  | { kind: 'complete'; end: number }
  | { kind: 'incomplete'; state: JpegScanState }
  | { kind: 'invalid'; why: string };

/** RSTn and TEM carry no length field. */
function isStandalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

/** Start-of-frame markers (baseline, extended, progressive, lossless...): not DHT, JPG or DAC. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Offset of the next SOI followed by a marker (FF D8 FF) at or after `from`, or -1. */
export function findJpegStart(buf: Uint8Array, from = 0): number {
  let i = buf.indexOf(MARKER, from);
  while (i !== -1 && i + 2 < buf.length) {
    if (buf[i + 1] === SOI && buf[i + 2] === MARKER) return i;
    i = buf.indexOf(MARKER, i + 1);
  }
  return -1;
}

/** Offset of the next real marker in entropy-coded data at or after `from`; -1 when more bytes are needed. */
function nextMarkerInScan(buf: Uint8Array, from: number): number {
  let i = buf.indexOf(MARKER, from);
  while (i !== -1 && i + 1 < buf.length) {
    const next = buf[i + 1]!;
    // FF 00 is a stuffed data byte, FF D0-D7 a restart marker inside the scan, FF FF fill.
    if (next !== 0x00 && next !== MARKER && !(next >= 0xd0 && next <= 0xd7)) return i;
    i = next === MARKER ? i + 1 : buf.indexOf(MARKER, i + 2);
  }
  return -1;
}

/**
 * Finds the end (offset just past EOI) of the JPEG that starts with SOI at offset 0 of `buf`.
 * Pass the state of an `incomplete` result back in once more bytes have been appended.
 */
export function findJpegEnd(buf: Uint8Array, resume?: JpegScanState): JpegScanResult {
  if (buf.length >= 2 && (buf[0] !== MARKER || buf[1] !== SOI)) {
    return { kind: 'invalid', why: 'no JPEG start marker (FF D8)' };
  }
  let pos = resume?.pos ?? 2;
  let inScan = resume?.inScan ?? false;
  for (;;) {
    if (inScan) {
      const marker = nextMarkerInScan(buf, pos);
      if (marker === -1) {
        // Keep a trailing FF: it may be the first half of a marker.
        const resumeAt = buf[buf.length - 1] === MARKER ? buf.length - 1 : buf.length;
        return { kind: 'incomplete', state: { pos: Math.max(pos, resumeAt), inScan: true } };
      }
      pos = marker;
      inScan = false;
    }
    if (pos + 1 >= buf.length) return { kind: 'incomplete', state: { pos, inScan: false } };
    if (buf[pos] !== MARKER) return { kind: 'invalid', why: `expected a marker at byte ${pos}` };
    const marker = buf[pos + 1]!;
    if (marker === MARKER) {
      pos += 1;
      continue;
    }
    if (marker === EOI) return { kind: 'complete', end: pos + 2 };
    if (isStandalone(marker)) {
      pos += 2;
      continue;
    }
    if (marker === SOI || marker === 0x00) {
      return { kind: 'invalid', why: `unexpected marker FF ${marker.toString(16)} at byte ${pos}` };
    }
    if (pos + 3 >= buf.length) return { kind: 'incomplete', state: { pos, inScan: false } };
    const length = (buf[pos + 2]! << 8) | buf[pos + 3]!;
    if (length < 2) return { kind: 'invalid', why: `segment length ${length} at byte ${pos}` };
    pos += 2 + length;
    if (marker === SOS) inScan = true;
  }
}

/** Width and height from the start-of-frame segment, or null when the header is missing or broken. */
export function readJpegSize(buf: Uint8Array): { width: number; height: number } | null {
  if (buf.length < 4 || buf[0] !== MARKER || buf[1] !== SOI) return null;
  let pos = 2;
  while (pos + 3 < buf.length) {
    if (buf[pos] !== MARKER) return null;
    const marker = buf[pos + 1]!;
    if (marker === MARKER) {
      pos += 1;
      continue;
    }
    if (isStandalone(marker)) {
      pos += 2;
      continue;
    }
    if (marker === SOS || marker === EOI || marker === SOI) return null;
    const length = (buf[pos + 2]! << 8) | buf[pos + 3]!;
    if (length < 2) return null;
    if (isStartOfFrame(marker)) {
      if (length < 7 || pos + 8 >= buf.length) return null;
      const height = (buf[pos + 5]! << 8) | buf[pos + 6]!;
      const width = (buf[pos + 7]! << 8) | buf[pos + 8]!;
      return width > 0 && height > 0 ? { width, height } : null;
    }
    pos += 2 + length;
  }
  return null;
}

/** A whole JPEG: SOI, a frame header with a size, well-formed segments and an EOI. */
export function isPlausibleJpeg(buf: Uint8Array): boolean {
  return buf.length >= 4 && findJpegEnd(buf).kind === 'complete' && readJpegSize(buf) !== null;
}
