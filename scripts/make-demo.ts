/**
 * Writes the demo bench (replay frames + catalogue) that `npm start` uses.
 *   npx tsx scripts/make-demo.ts [--out data/demo] [--seed 1] [--boards 4] [--width 640] [--height 480]
 */
import { parseArgs } from 'node:util';
import { makeDemo } from '../tools/synth/demo.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'data/demo' },
    seed: { type: 'string', default: '1' },
    boards: { type: 'string', default: '4' },
    width: { type: 'string', default: '640' },
    height: { type: 'string', default: '480' },
  },
});

const summary = await makeDemo(values.out, {
  seed: Number(values.seed),
  boards: Number(values.boards),
  width: Number(values.width),
  height: Number(values.height),
});
console.log(
  `${summary.skipped ? 'up to date' : 'written'}: ${summary.dir}, ${summary.frames} frames, ` +
    `${summary.catalogImages} catalog images, ${(summary.bytes / 1024).toFixed(0)} KiB, generated in ${summary.ms} ms`,
);
for (const b of summary.boards) {
  console.log(
    `  ${b.kind.padEnd(13)} ${b.vendor} ${b.model} (${b.chipType ?? '-'} x${b.chipCount}), ` +
      `still frames ${b.staticFrames[0]}-${b.staticFrames[1]}, images ${b.images.join(' ')}`,
  );
}
