/**
 * OCR benchmark: milliseconds per bench slot beside the bare detector and recognizer runs.
 *
 *   npx tsx scripts/benchmark-ocr.ts [--labels 20] [--threads 1]
 */
import { parseArgs } from 'node:util';
import { benchmarkOcr, ocrBenchmarkTable } from '../tools/ocr/benchmark.ts';

const { values } = parseArgs({
  options: {
    labels: { type: 'string', default: '20' },
    threads: { type: 'string', default: '1' },
    seed: { type: 'string', default: '7' },
  },
});
const options = { labels: Number(values.labels), threads: Number(values.threads), seed: Number(values.seed) };
const result = await benchmarkOcr({
  ...options,
  log: (line) => process.stderr.write(`[benchmark-ocr] ${line}\n`),
});
process.stdout.write(ocrBenchmarkTable(result, options));
