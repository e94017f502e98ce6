/**
 * Performance benchmark: prints one table, every figure beside its reference from the same run.
 *
 *   npm run bench                          full form (about 7 minutes on an idle 2-core machine)
 *   npm run bench -- --short               the short form CI prints (under a minute)
 *   npm run bench -- --only pipeline,idle  some sections (preprocess and encode always run)
 *   npm run bench -- --cameras             only the several-cameras section (its references are its own)
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBenchmarks, SECTIONS, type Section } from '../tools/benchmarks/run.ts';
import { reexecWithShippedEnv } from '../tools/benchmarks/shipped-env.ts';
import { scriptArgs, usageError } from '../tools/script-args.ts';

const HELP = `Usage: npm run bench -- [options]

Prints one markdown table: each figure beside its reference measured in the same run (bare
onnxruntime time, Pillow, the memory floor...), with the machine and its load average. Timings
on a shared machine are noisy: run it on an idle machine and read the ratios.

Options:
  --short             the short form CI prints (production-size pipeline only, shorter windows)
  --only <sections>   comma-separated: ${SECTIONS.join(', ')}
                      (preprocess and encode always run: the other sections' references come from them)
  --cameras           only the cameras section: four cameras on one encoder against one camera,
                      both measured in that section (the same as --only cameras, without preprocess
                      and encode)
  --cache-dir <dir>   where generated bench scenes are kept between runs
                      (default: ${join(tmpdir(), 'benchsight-benchmark-cache')})
  -h, --help          this help
`;

const values = scriptArgs(HELP, {
  short: { type: 'boolean', default: false },
  only: { type: 'string' },
  cameras: { type: 'boolean', default: false },
  'cache-dir': { type: 'string', default: join(tmpdir(), 'benchsight-benchmark-cache') },
});
let only: Section[] | undefined = values.cameras ? ['cameras'] : undefined;
if (values.only !== undefined) {
  const names = values.only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    usageError(
      `--only: unknown section ${unknown.map((n) => `"${n}"`).join(', ') || '(none given)'}; sections: ${SECTIONS.join(', ')}`,
      HELP,
    );
  }
  only = names as Section[];
}
reexecWithShippedEnv();
const t0 = Date.now();
const table = await runBenchmarks({
  short: values.short,
  cacheDir: values['cache-dir'],
  ...(only ? { only } : {}),
  log: (line) => process.stderr.write(`[benchmark ${((Date.now() - t0) / 1000).toFixed(0)} s] ${line}\n`),
});
process.stdout.write(table);
process.exit(0);
