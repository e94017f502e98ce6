import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cropJpeg, decodeImage, regionToPixels } from '../../src/vision/image.ts';

/** A PNG whose header declares width x height; its pixel data is a few bytes of nothing. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const solid = (width: number, height: number, channels: 3 | 4, value: number[]) =>
  sharp({
    create: { width, height, channels, background: { r: value[0]!, g: value[1]!, b: value[2]!, alpha: 1 } },
  });

describe('decodeImage', () => {
  it('decodes to upright 8-bit RGB', async () => {
    const jpeg = await solid(40, 20, 3, [200, 100, 50]).jpeg({ quality: 95 }).toBuffer();
    const img = await decodeImage(jpeg);
    expect([img.width, img.height, img.channels, img.data.length]).toEqual([40, 20, 3, 40 * 20 * 3]);
    expect(Math.abs(img.data[0]! - 200)).toBeLessThan(4);
  });

  it('applies the EXIF orientation', async () => {
    // Orientation 6: the stored 40x20 picture is shown rotated 90 degrees clockwise, 20x40.
    const jpeg = await solid(40, 20, 3, [0, 0, 0]).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const img = await decodeImage(jpeg);
    expect([img.width, img.height]).toEqual([20, 40]);
  });

  it('drops alpha without compositing and expands grey to RGB', async () => {
    const rgba = await sharp(Buffer.from([10, 20, 30, 0, 40, 50, 60, 128]), {
      raw: { width: 2, height: 1, channels: 4 },
    })
      .png()
      .toBuffer();
    expect(Array.from((await decodeImage(rgba)).data)).toEqual([10, 20, 30, 40, 50, 60]);
    const grey = await sharp(Buffer.from([7, 200]), { raw: { width: 2, height: 1, channels: 1 } })
      .png()
      .toBuffer();
    expect(Array.from((await decodeImage(grey)).data)).toEqual([7, 7, 7, 200, 200, 200]);
  });

  it('refuses an empty buffer with E_IMAGE_INVALID (400)', async () => {
    await expect(decodeImage(Buffer.alloc(0))).rejects.toMatchObject({
      code: 'E_IMAGE_INVALID',
      status: 400,
      message: expect.stringMatching(/empty \(0 bytes\)/),
    });
  });

  it('refuses a truncated JPEG with E_IMAGE_INVALID (400)', async () => {
    const jpeg = await sharp({
      create: {
        width: 64,
        height: 64,
        channels: 3,
        background: '#000000',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .jpeg()
      .toBuffer();
    await expect(decodeImage(jpeg.subarray(0, Math.floor(jpeg.length / 2)))).rejects.toMatchObject({
      code: 'E_IMAGE_INVALID',
      status: 400,
    });
  });

  it('refuses a text file named .jpg with E_IMAGE_INVALID (400)', async () => {
    await expect(decodeImage(Buffer.from('this is not a picture\n'))).rejects.toMatchObject({
      code: 'E_IMAGE_INVALID',
      status: 400,
      message: expect.stringMatching(/could not be decoded.*send a complete JPEG, PNG or WebP/),
    });
  });

  it('refuses a PNG declaring 30000x30000 pixels with E_IMAGE_TOO_LARGE (413) before decoding it', async () => {
    await expect(decodeImage(pngHeaderOnly(30000, 30000), { maxPixels: 40_000_000 })).rejects.toMatchObject({
      code: 'E_IMAGE_TOO_LARGE',
      status: 413,
      message: expect.stringMatching(/more than 40000000 pixels.*data\.maxImagePixels/),
    });
  });
});

describe('regionToPixels', () => {
  it('rounds edges, clamps to the image and keeps at least one pixel', () => {
    expect(regionToPixels({ x: 0.25, y: 0.5, width: 0.5, height: 0.5 }, 640, 480)).toEqual({
      left: 160,
      top: 240,
      width: 320,
      height: 240,
    });
    expect(regionToPixels({ x: 0, y: 0, width: 1, height: 1 }, 3, 2)).toEqual({
      left: 0,
      top: 0,
      width: 3,
      height: 2,
    });
    expect(regionToPixels({ x: 0.999, y: 0.999, width: 0.0001, height: 0.0001 }, 10, 10)).toEqual({
      left: 9,
      top: 9,
      width: 1,
      height: 1,
    });
  });
});

describe('cropJpeg', () => {
  it('makes a JPEG of a region at the requested width, from encoded or decoded input', async () => {
    // Left half red, right half blue: the right-half crop is blue.
    const left = await solid(100, 80, 3, [255, 0, 0]).png().toBuffer();
    const image = await sharp({ create: { width: 200, height: 80, channels: 3, background: '#0000ff' } })
      .composite([{ input: left, left: 0, top: 0 }])
      .png()
      .toBuffer();
    const region = { x: 0.5, y: 0, width: 0.5, height: 1 };
    for (const input of [image, await decodeImage(image)]) {
      const out = await cropJpeg(input, region, { width: 50, quality: 80 });
      expect([out.width, out.height]).toEqual([50, 40]);
      const meta = await sharp(out.jpeg).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 50, 40]);
      const px = await sharp(out.jpeg).raw().toBuffer();
      expect(px[2]!).toBeGreaterThan(200);
      expect(px[0]!).toBeLessThan(40);
    }
  });

  it('fits inside maxSide without enlarging', async () => {
    const image = await solid(300, 150, 3, [9, 9, 9]).png().toBuffer();
    expect(await cropJpeg(image, undefined, { maxSide: 100 })).toMatchObject({ width: 100, height: 50 });
    expect(await cropJpeg(image, undefined, { maxSide: 1000 })).toMatchObject({ width: 300, height: 150 });
  });

  it('refuses undecodable input with E_IMAGE_INVALID', async () => {
    await expect(cropJpeg(Buffer.from('nope'), undefined, { width: 10 })).rejects.toMatchObject({
      code: 'E_IMAGE_INVALID',
    });
  });
});
