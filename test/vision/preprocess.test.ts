import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { inputSize, type ModelManifest, manifestSchema } from '../../src/vision/manifest.ts';
import { cropStart, preprocess, type RawImage, resizedSize } from '../../src/vision/preprocess.ts';

function manifest(preprocessSpec: Record<string, unknown>): ModelManifest {
  return manifestSchema.parse({
    id: 'test@1',
    name: 'test',
    file: 'none.onnx',
    preprocess: preprocessSpec,
    pooling: 'mean',
    embeddingSize: 8,
  });
}

function raw(
  width: number,
  height: number,
  pixel: (x: number, y: number) => [number, number, number],
): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  }
  return { data, width, height, channels: 3 };
}

const png = (img: RawImage) =>
  sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .png()
    .toBuffer();

describe('preprocess', () => {
  it('normalises a 2x2 image into CHW planes: (v / 255 - 0.5) / 0.5', async () => {
    // (0,0) = [255, 0, 51], (1,0) = [0, 255, 102], (0,1) = [51, 102, 153], (1,1) = [204, 153, 255]
    const px: [number, number, number][] = [
      [255, 0, 51],
      [0, 255, 102],
      [51, 102, 153],
      [204, 153, 255],
    ];
    const img = raw(2, 2, (x, y) => px[y * 2 + x]!);
    const m = manifest({
      resize: { mode: 'exact', width: 2, height: 2 },
      resample: 'pil-bicubic',
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
    });
    // v = 0 -> -1, 51 -> -0.6, 102 -> -0.2, 153 -> 0.2, 204 -> 0.6, 255 -> 1
    const expected = [1, -1, -0.6, 0.6, /* G */ -1, 1, -0.2, 0.2, /* B */ -0.6, -0.2, 0.2, 1];
    for (const input of [img, await png(img)]) {
      const t = await preprocess(input, m);
      expect(t).toHaveLength(12);
      for (const [i, v] of expected.entries()) expect(t[i]).toBeCloseTo(v, 6);
    }
  });

  it("resizes a 4x4 gradient to 2x2 with Pillow's bilinear weights (3/7, 3/7, 1/7)", async () => {
    // Rows 0, 70, 140, 210. Output x=0 reads inputs 0..2 with weights 3/7, 3/7, 1/7 -> 50;
    // x=1 reads inputs 1..3 with 1/7, 3/7, 3/7 -> 160. Rows are equal, so the vertical pass keeps them.
    const img = raw(4, 4, (x) => [x * 70, x * 70, 255 - x * 70]);
    const m = manifest({
      resize: { mode: 'exact', width: 2, height: 2 },
      resample: 'pil-bilinear',
      rescale: 1,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    });
    const t = await preprocess(img, m);
    expect(Array.from(t)).toEqual([50, 160, 50, 160, 50, 160, 50, 160, 205, 95, 205, 95]);
  });

  it('sizes a shortest-edge resize as Hugging Face does and crops at (size - crop) // 2', () => {
    const resize = { mode: 'shortestEdge' as const, size: 256 };
    expect(resizedSize(640, 480, resize)).toEqual([341, 256]);
    expect(resizedSize(480, 640, resize)).toEqual([256, 341]);
    expect(resizedSize(1280, 720, resize)).toEqual([455, 256]);
    expect(resizedSize(320, 240, resize)).toEqual([341, 256]);
    expect(resizedSize(500, 500, resize)).toEqual([256, 256]);
    expect(cropStart(341, 224)).toBe(58);
    expect(cropStart(455, 224)).toBe(115);
    expect(cropStart(224, 224)).toBe(0);
  });

  it('letterboxes: keeps the aspect ratio, centres the image and fills the bars with the mean (0)', async () => {
    const resize = { mode: 'letterbox' as const, width: 320, height: 240 };
    expect(resizedSize(1280, 720, resize)).toEqual([320, 180]);
    expect(resizedSize(640, 480, resize)).toEqual([320, 240]);
    expect(resizedSize(480, 640, resize)).toEqual([180, 240]);
    // An 8x2 image into 4x4: resized to 4x1 (columns pairwise), centred on row 1 (cropStart(4, 1) = 1).
    const img = raw(8, 2, (x) => [x * 30, 100, 200]);
    const spec = { resample: 'pil-bilinear', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
    const boxed = manifest({ ...spec, resize: { mode: 'letterbox', width: 4, height: 4 } });
    const strip = manifest({ ...spec, resize: { mode: 'exact', width: 4, height: 1 } });
    expect(inputSize(boxed)).toEqual([4, 4]);
    const out = new Float32Array(2 + 48).fill(7);
    const t = await preprocess(img, boxed, { out, offset: 2 });
    const row = await preprocess(img, strip);
    for (let c = 0; c < 3; c++) {
      const plane = Array.from(t.subarray(2 + c * 16, 2 + (c + 1) * 16));
      expect(plane.slice(0, 4)).toEqual([0, 0, 0, 0]);
      expect(plane.slice(4, 8)).toEqual(Array.from(row.subarray(c * 4, (c + 1) * 4)));
      expect(plane.slice(8)).toEqual(new Array(8).fill(0));
    }
    expect(t[2 + 4]).not.toBe(0);
    expect(Array.from(out.subarray(0, 2))).toEqual([7, 7]);
    // A 4:3 image letterboxed into 4:3 is the exact resize.
    const square = raw(8, 6, (x, y) => [x * 30, y * 40, 90]);
    const exact = manifest({ ...spec, resize: { mode: 'exact', width: 4, height: 3 } });
    const fitted = manifest({ ...spec, resize: { mode: 'letterbox', width: 4, height: 3 } });
    expect(Array.from(await preprocess(square, fitted))).toEqual(Array.from(await preprocess(square, exact)));
    expect(() =>
      inputSize(
        manifest({
          ...spec,
          resize: { mode: 'letterbox', width: 4, height: 4 },
          crop: { width: 2, height: 2 },
        }),
      ),
    ).toThrow(/letterbox/);
  });

  it('centre-crops after the resize', async () => {
    // 6x2 -> shortestEdge 2 keeps 6x2; a 2x2 crop takes columns 2..3.
    const img = raw(6, 2, (x) => [x * 10, 0, 0]);
    const m = manifest({
      resize: { mode: 'shortestEdge', size: 2 },
      resample: 'pil-bicubic',
      crop: { width: 2, height: 2 },
      rescale: 1,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    });
    const t = await preprocess(img, m);
    expect(Array.from(t.subarray(0, 4))).toEqual([20, 30, 20, 30]);
  });

  it('uses only the region, given as fractions of the image', async () => {
    // Left half red, right half blue; the right-half region must come out pure blue.
    const img = raw(8, 8, (x) => (x < 4 ? [255, 0, 0] : [0, 0, 255]));
    const m = manifest({
      resize: { mode: 'exact', width: 2, height: 2 },
      resample: 'pil-bicubic',
      rescale: 1,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    });
    const t = await preprocess(img, m, { region: { x: 0.5, y: 0, width: 0.5, height: 1 } });
    expect(Array.from(t)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255]);
    // Same as cropping first, then preprocessing the whole crop.
    const gradient = raw(10, 6, (x, y) => [x * 25, y * 40, (x * y) % 256]);
    const region = { x: 0.2, y: 1 / 3, width: 0.6, height: 0.5 };
    const cropped = raw(6, 3, (x, y) => [(x + 2) * 25, (y + 2) * 40, ((x + 2) * (y + 2)) % 256]);
    const m2 = manifest({ ...m.preprocess, resize: { mode: 'exact', width: 4, height: 3 } });
    expect(Array.from(await preprocess(gradient, m2, { region }))).toEqual(
      Array.from(await preprocess(cropped, m2)),
    );
  });

  it('writes into a batch at an offset and touches nothing else', async () => {
    const img = raw(2, 2, () => [255, 255, 255]);
    const m = manifest({
      resize: { mode: 'exact', width: 2, height: 2 },
      resample: 'pil-bicubic',
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
    });
    const batch = new Float32Array(3 * 12).fill(7);
    const got = await preprocess(img, m, { out: batch, offset: 12 });
    expect(got).toBe(batch);
    expect(Array.from(batch.subarray(0, 12))).toEqual(new Array(12).fill(7));
    expect(Array.from(batch.subarray(12, 24))).toEqual(new Array(12).fill(1));
    expect(Array.from(batch.subarray(24))).toEqual(new Array(12).fill(7));
    await expect(preprocess(img, m, { out: batch, offset: 30 })).rejects.toThrow(RangeError);
  });

  it("resizes with sharp's kernels when the manifest asks for them", async () => {
    const img = raw(9, 7, () => [10, 20, 30]);
    for (const resample of ['nearest', 'sharp-cubic', 'sharp-lanczos3']) {
      const m = manifest({
        resize: { mode: 'shortestEdge', size: 4 },
        resample,
        crop: { width: 4, height: 4 },
        rescale: 1,
        mean: [0, 0, 0],
        std: [1, 1, 1],
      });
      const t = await preprocess(img, m);
      expect(Array.from(t)).toEqual([
        ...new Array(16).fill(10),
        ...new Array(16).fill(20),
        ...new Array(16).fill(30),
      ]);
    }
  });

  it('matches the exact rescale-and-normalise float32 arithmetic of the reference pipeline', async () => {
    // ImageNet mean/std: (v - float32(mean * 255)) / float32(std * 255) in float32.
    const img = raw(1, 1, () => [0, 128, 255]);
    const m = manifest({
      resize: { mode: 'exact', width: 1, height: 1 },
      resample: 'pil-bicubic',
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    });
    const f = Math.fround;
    const t = await preprocess(img, m);
    expect(t[0]).toBe(f(f(0 - f(0.485 * 255)) / f(0.229 * 255)));
    expect(t[1]).toBe(f(f(128 - f(0.456 * 255)) / f(0.224 * 255)));
    expect(t[2]).toBe(f(f(255 - f(0.406 * 255)) / f(0.225 * 255)));
  });

  it('refuses a manifest whose crop is larger than its resize', async () => {
    const m = manifest({
      resize: { mode: 'shortestEdge', size: 200 },
      resample: 'pil-bicubic',
      crop: { width: 224, height: 224 },
      mean: [0, 0, 0],
      std: [1, 1, 1],
    });
    expect(() => inputSize(m)).toThrow(/224x224 crop can be larger than the resized image/);
    await expect(
      preprocess(
        raw(300, 300, () => [0, 0, 0]),
        m,
      ),
    ).rejects.toMatchObject({ code: 'E_MODEL_MANIFEST' });
  });
});
