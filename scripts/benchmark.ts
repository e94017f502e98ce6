/**
 * Performance benchmark: prints one table, every figure beside its reference from the same run.
 *
 *   npm run bench                 full form (a few minutes)
 *   npm run bench -- --short      the short form CI prints (under a minute)
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runBenchmarks } from '../tools/benchmarks/run.ts';

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    'cache-dir': { type: 'string', default: join(tmpdir(), 'benchsight-benchmark-cache') },
  },
});
const t0 = Date.now();
const table = await runBenchmarks({
  short: values.short,
  cacheDir: values['cache-dir'],
  log: (line) => process.stderr.write(`[benchmark ${((Date.now() - t0) / 1000).toFixed(0)} s] ${line}\n`),
});
process.stdout.write(table);
process.exit(0);
