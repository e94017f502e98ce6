import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJpegEnd, findJpegStart, isPlausibleJpeg, readJpegSize } from '../../src/capture/jpeg.ts';
import { MjpegSplitter } from '../../src/capture/mjpeg-splitter.ts';
import { ffmpeg, tempDir } from './helpers.ts';

let frames: Buffer[] = [];
let thumbnailed: Buffer;
let progressive: Buffer;
const tmp = tempDir('jpeg');

/** Splits ffmpeg's mjpeg output at its known frame lengths (ffmpeg writes them back to back). */
function splitKnown(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at < stream.length) {
    const result = findJpegEnd(stream.subarray(at));
    if (result.kind !== 'complete') throw new Error(`fixture frame at ${at} is ${result.kind}`);
    out.push(stream.subarray(at, at + result.end));
    at += result.end;
  }
  return out;
}

/** `main` with a whole second JPEG stored in an APP1 segment, as EXIF thumbnails are. */
function withThumbnail(main: Buffer, thumb: Buffer): Buffer {
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), thumb]);
  const header = Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return Buffer.concat([main.subarray(0, 2), header, payload, main.subarray(2)]);
}

/** Bytes that cannot contain a start marker. */
function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i += 1) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = (x >> 16) % 255; // never 0xFF
  }
  return out;
}

function split(chunks: Buffer[], maxFrameBytes?: number) {
  const got: Buffer[] = [];
  let garbage = 0;
  const splitter = new MjpegSplitter({
    maxFrameBytes,
    onFrame: (jpeg) => got.push(jpeg),
    onGarbage: (bytes) => {
      garbage += bytes;
    },
  });
  for (const chunk of chunks) splitter.push(chunk);
  return { got, garbage, pending: splitter.pending };
}

beforeAll(async () => {
  const file = join(tmp.dir, 'small.mjpeg');
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=64x48:rate=10',
    '-frames:v',
    '3',
    '-f',
    'mjpeg',
    '-q:v',
    '5',
    file,
  );
  frames = splitKnown(readFileSync(file));
  const thumbFile = join(tmp.dir, 'thumb.jpg');
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=16x16', '-frames:v', '1', thumbFile);
  thumbnailed = withThumbnail(frames[0]!, readFileSync(thumbFile));
  progressive = await sharp(frames[1]!).resize(96, 72).jpeg({ progressive: true }).toBuffer();
});

afterAll(() => tmp.cleanup());

describe('JPEG structure', () => {
  it('finds frame ends in ffmpeg mjpeg output whose data contains stuffed FF 00 bytes', () => {
    expect(frames).toHaveLength(3);
    const stuffed = frames.some((f) => f.subarray(0, -2).includes(Buffer.from([0xff, 0x00])));
    expect(stuffed).toBe(true);
    for (const frame of frames) {
      expect(findJpegEnd(frame)).toEqual({ kind: 'complete', end: frame.length });
      expect(readJpegSize(frame)).toEqual({ width: 64, height: 48 });
      expect(isPlausibleJpeg(frame)).toBe(true);
    }
  });

  it('skips a thumbnail embedded in APP1 for both the end and the size', () => {
    expect(findJpegEnd(thumbnailed)).toEqual({ kind: 'complete', end: thumbnailed.length });
    expect(readJpegSize(thumbnailed)).toEqual({ width: 64, height: 48 });
  });

  it('walks the several scans of a progressive JPEG', () => {
    const scans = progressive.reduce(
      (n, byte, i) => n + (byte === 0xff && progressive[i + 1] === 0xda ? 1 : 0),
      0,
    );
    expect(scans).toBeGreaterThan(1);
    expect(findJpegEnd(progressive)).toEqual({ kind: 'complete', end: progressive.length });
    expect(readJpegSize(progressive)).toEqual({ width: 96, height: 72 });
  });

  it('steps over restart markers and fill bytes inside a scan', () => {
    const sos = [0xff, 0xda, 0x00, 0x08, 1, 1, 0, 0, 0x3f, 0];
    const data = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xff, 0xd7, 0x78];
    const jpeg = Buffer.from([0xff, 0xd8, ...sos, ...data, 0xff, 0xff, 0xd9]);
    expect(findJpegEnd(jpeg)).toEqual({ kind: 'complete', end: jpeg.length });
  });

  it('resumes an incomplete scan where it stopped', () => {
    const frame = frames[0]!;
    let result = findJpegEnd(frame.subarray(0, 1));
    for (let n = 2; n <= frame.length; n += 1) {
      if (result.kind !== 'incomplete') break;
      result = findJpegEnd(frame.subarray(0, n), result.state);
    }
    expect(result).toEqual({ kind: 'complete', end: frame.length });
  });

  it('rejects truncated, foreign and empty data', () => {
    const frame = frames[0]!;
    expect(isPlausibleJpeg(frame.subarray(0, frame.length - 10))).toBe(false);
    expect(isPlausibleJpeg(noise(500, 1))).toBe(false);
    expect(isPlausibleJpeg(Buffer.from('89504e470d0a1a0a', 'hex'))).toBe(false);
    expect(isPlausibleJpeg(Buffer.alloc(0))).toBe(false);
    expect(readJpegSize(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeNull();
    expect(findJpegEnd(Buffer.from([0xff, 0xd8, 0x12, 0x34])).kind).toBe('invalid');
  });

  it('finds a start marker only when a marker follows it', () => {
    const buf = Buffer.concat([Buffer.from([0xff, 0xd8, 0x00, 0xff]), frames[0]!]);
    expect(findJpegStart(buf)).toBe(4);
  });
});

describe('MJPEG splitter', () => {
  it('gives the same frames for every possible two-chunk split, with garbage between frames', () => {
    const parts = [noise(37, 2), frames[0]!, noise(50, 3), frames[1]!, frames[2]!, noise(5, 4)];
    const stream = Buffer.concat(parts);
    const garbageBytes = 37 + 50 + 5;
    for (let cut = 1; cut < stream.length; cut += 1) {
      const { got, garbage, pending } = split([stream.subarray(0, cut), stream.subarray(cut)]);
      if (got.length !== 3 || !got.every((f, i) => f.equals(frames[i]!))) {
        throw new Error(`split at byte ${cut} gave ${got.length} frame(s)`);
      }
      expect(garbage + pending).toBe(garbageBytes);
    }
  });

  it('gives the same frames when fed one byte at a time', () => {
    const stream = Buffer.concat([thumbnailed, noise(20, 5), progressive, frames[2]!]);
    const bytes = [...stream].map((b) => Buffer.from([b]));
    const { got } = split(bytes);
    expect(got.map((f) => f.length)).toEqual([thumbnailed.length, progressive.length, frames[2]!.length]);
    expect(got[0]!.equals(thumbnailed)).toBe(true);
  });

  it('drops a truncated frame and a fake start marker, and keeps the frames after them', () => {
    const truncated = frames[0]!.subarray(0, 700);
    const fake = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0x42]);
    const { got, garbage } = split([Buffer.concat([truncated, frames[1]!, fake, frames[2]!])]);
    expect(got).toHaveLength(2);
    expect(got[0]!.equals(frames[1]!)).toBe(true);
    expect(got[1]!.equals(frames[2]!)).toBe(true);
    expect(garbage).toBe(truncated.length + fake.length);
  });

  it('discards a frame larger than the limit and stays bounded', () => {
    const limit = frames[1]!.length + 10;
    const big = thumbnailed;
    expect(big.length).toBeGreaterThan(limit + 200);
    const chunks = [big.subarray(0, 100), big.subarray(100, limit + 100), big.subarray(limit + 100)];
    const { got, garbage, pending } = split([...chunks, big, frames[1]!], limit);
    expect(got).toHaveLength(1);
    expect(got[0]!.equals(frames[1]!)).toBe(true);
    expect(garbage).toBe(2 * big.length);
    expect(pending).toBe(0);
  });

  it('hands out copies the consumer owns', () => {
    const chunk = Buffer.from(frames[0]!);
    const { got } = split([chunk]);
    chunk.fill(0);
    expect(got[0]!.equals(frames[0]!)).toBe(true);
  });
});
