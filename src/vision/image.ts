import sharp, { type Sharp } from 'sharp';
import type { Rect } from '../config/schema.ts';
import { BenchsightError } from '../errors.ts';

/** Decoded pixels: 8-bit RGB, row-major, no padding, upright (EXIF orientation applied). */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

/** A rectangle in whole pixels. */
export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface DecodeOptions {
  /** Images whose header declares more pixels than this are refused (decompression-bomb guard). */
  maxPixels?: number;
  /**
   * Decode at 1/reduce of the size (each side rounded), using JPEG shrink-on-load where libvips
   * can (a reduction of 5 or more: it then decodes at 1/4 and reduces the rest); 1: full size.
   */
  reduce?: number;
}

/** sharp's own default limit (0x3FFF x 0x3FFF). */
const DEFAULT_MAX_PIXELS = 268_402_689;

export function isRawImage(image: Buffer | RawImage): image is RawImage {
  return !Buffer.isBuffer(image);
}

/**
 * Turns a region given as fractions of the image into whole pixels: edges are rounded, then clamped
 * to the image, and the result is at least 1x1.
 */
export function regionToPixels(region: Rect, width: number, height: number): PixelRect {
  const left = Math.min(Math.max(Math.round(region.x * width), 0), width - 1);
  const top = Math.min(Math.max(Math.round(region.y * height), 0), height - 1);
  const right = Math.min(Math.max(Math.round((region.x + region.width) * width), left + 1), width);
  const bottom = Math.min(Math.max(Math.round((region.y + region.height) * height), top + 1), height);
  return { left, top, width: right - left, height: bottom - top };
}

function imageError(err: unknown, maxPixels: number): BenchsightError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(msg)) {
    return new BenchsightError(
      'E_IMAGE_TOO_LARGE',
      `image has more than ${maxPixels} pixels; send a smaller image or raise data.maxImagePixels`,
      { status: 413, cause: err },
    );
  }
  return new BenchsightError(
    'E_IMAGE_INVALID',
    `image could not be decoded (${msg}); send a complete JPEG, PNG or WebP file`,
    { status: 400, cause: err },
  );
}

/**
 * Decodes an encoded image to upright 8-bit RGB. Alpha is dropped (as Pillow's convert('RGB')
 * does), grey becomes RGB. Throws E_IMAGE_INVALID (400) for empty, truncated or non-image input and
 * E_IMAGE_TOO_LARGE (413) when the header declares more than `maxPixels` pixels.
 */
export async function decodeImage(buf: Buffer, opts: DecodeOptions = {}): Promise<RawImage> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (buf.length === 0) {
    throw new BenchsightError('E_IMAGE_INVALID', 'image is empty (0 bytes); send a JPEG, PNG or WebP file', {
      status: 400,
    });
  }
  try {
    let pipeline = sharp(buf, { limitInputPixels: maxPixels, autoOrient: true });
    const reduce = opts.reduce ?? 1;
    if (reduce > 1) {
      const meta = await pipeline.metadata();
      const width = Math.max(1, Math.round(meta.autoOrient.width / reduce));
      const height = Math.max(1, Math.round(meta.autoOrient.height / reduce));
      pipeline = pipeline.resize(width, height, { fit: 'fill', kernel: 'cubic' });
    }
    const { data, info } = await pipeline
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new Error(
        `decoder produced ${info.channels} channels of ${data.length} bytes, expected 8-bit RGB`,
      );
    }
    return { data, width: info.width, height: info.height, channels: 3 };
  } catch (err) {
    throw imageError(err, maxPixels);
  }
}

export interface CropJpegOptions {
  /** Output width in pixels (height keeps the aspect ratio); never enlarges. */
  width?: number;
  /** Fit inside maxSide x maxSide; never enlarges. */
  maxSide?: number;
  /** JPEG quality 1-100 (default 80). */
  quality?: number;
  maxPixels?: number;
}

export interface Jpeg {
  jpeg: Buffer;
  width: number;
  height: number;
}

/**
 * A JPEG of one region of an image (fractions of the image; omitted: all of it), for recognition
 * and reference thumbnails. An encoded input is cropped and scaled by sharp in one pass, using
 * JPEG shrink-on-load where it can.
 */
export async function cropJpeg(
  image: Buffer | RawImage,
  region?: Rect,
  opts: CropJpegOptions = {},
): Promise<Jpeg> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  try {
    let width: number;
    let height: number;
    let pipeline: Sharp;
    if (isRawImage(image)) {
      ({ width, height } = image);
      pipeline = sharp(image.data, { raw: { width, height, channels: 3 } });
    } else {
      if (image.length === 0) throw new Error('image is empty (0 bytes)');
      const meta = await sharp(image, { limitInputPixels: maxPixels, autoOrient: true }).metadata();
      width = meta.autoOrient.width;
      height = meta.autoOrient.height;
      pipeline = sharp(image, { limitInputPixels: maxPixels, autoOrient: true }).removeAlpha();
    }
    if (region && (region.x > 0 || region.y > 0 || region.width < 1 || region.height < 1)) {
      pipeline = pipeline.extract(regionToPixels(region, width, height));
    }
    if (opts.width !== undefined) {
      pipeline = pipeline.resize({ width: opts.width, withoutEnlargement: true });
    } else if (opts.maxSide !== undefined) {
      pipeline = pipeline.resize({
        width: opts.maxSide,
        height: opts.maxSide,
        fit: 'inside',
        withoutEnlargement: true,
      });
    }
    const { data, info } = await pipeline
      .toColourspace('srgb')
      .jpeg({ quality: opts.quality ?? 80 })
      .toBuffer({ resolveWithObject: true });
    return { jpeg: data, width: info.width, height: info.height };
  } catch (err) {
    throw imageError(err, maxPixels);
  }
}
