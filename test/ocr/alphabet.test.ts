import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLabelText } from '../../src/ocr/engine.ts';
import { bundledOcrModels } from '../../src/ocr/models.ts';
import { OcrReader } from '../../src/ocr/reader.ts';
import { decodeImage } from '../../src/vision/image.ts';
import { characterAccuracy, countErrors } from '../../tools/ocr/accuracy.ts';
import { randomLabelOptions, randomLabelText, renderLabel } from '../../tools/synth/label.ts';
import { Rng } from '../../tools/synth/rng.ts';

/** Three dark bars on a grey board: what a heatsink's fins look like from above. */
async function heatsinkFins(): Promise<Buffer> {
  let svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120"><rect width="100%" height="100%" fill="#b8bcc0"/>';
  for (let i = 0; i < 3; i++) svg += `<rect x="60" y="${20 + i * 20}" width="80" height="8" fill="#30343a"/>`;
  return sharp(Buffer.from(`${svg}</svg>`))
    .png()
    .toBuffer();
}

describe('the label alphabet', () => {
  it('is Latin letters, digits, ASCII punctuation and electrical signs', () => {
    for (const text of ['S19J PRO', 'SN: ZYX12345678', '12V ±5% 25°C', '10kΩ', 'chain#3 (A/B)'])
      expect(isLabelText(text)).toBe(true);
    for (const text of ['三', 'S19 三', '□□', '型号']) expect(isLabelText(text)).toBe(false);
  });
});

describe('OCR keeps label text only (real PP-OCRv4 networks)', { timeout: 120_000 }, () => {
  let reader: OcrReader;
  beforeAll(async () => {
    reader = await OcrReader.open({ files: await bundledOcrModels(), threads: 1, minConfidence: 0.5 });
  });
  afterAll(() => reader?.stop());

  it('drops heatsink fins read as "三" (not in the label alphabet) and still reads a label', async () => {
    const fins = await reader.read(await decodeImage(await heatsinkFins()));
    expect(fins.lines.map((l) => l.text)).toEqual([]);
    const rng = new Rng(20);
    const label = await renderLabel(randomLabelText(rng), randomLabelOptions(rng));
    const read = await reader.read(await decodeImage(label.jpeg));
    const accuracy = characterAccuracy([
      countErrors(
        label.lines,
        read.lines.map((l) => l.text),
      ),
    ]);
    expect(accuracy).toBeGreaterThan(0.9);
  });
});
