/**
 * OCR benchmark: milliseconds per bench slot beside the bare detector and recognizer runs.
 *
 *   npx tsx scripts/benchmark-ocr.ts [--labels 20] [--threads 1]
 */
import { benchmarkOcr, ocrBenchmarkTable } from '../tools/ocr/benchmark.ts';
import { scriptArgs } from '../tools/script-args.ts';

const HELP = `Usage: npx tsx scripts/benchmark-ocr.ts [options]

OCR benchmark: milliseconds per bench slot beside the bare detector and recognizer runs.

Options:
  --labels <n>      labels rendered and read (default 20)
  --threads <n>     onnxruntime intra-op threads (default 1)
  --seed <n>        (default 7)
  -h, --help        this help
`;
const values = scriptArgs(HELP, {
  labels: { type: 'string', default: '20' },
  threads: { type: 'string', default: '1' },
  seed: { type: 'string', default: '7' },
});
const options = { labels: Number(values.labels), threads: Number(values.threads), seed: Number(values.seed) };
const result = await benchmarkOcr({
  ...options,
  log: (line) => process.stderr.write(`[benchmark-ocr] ${line}\n`),
});
process.stdout.write(ocrBenchmarkTable(result, options));
