/**
 * Writes the demo bench (replay frames + catalogue) that `npm start` uses.
 *   npx tsx scripts/make-demo.ts [--out data/demo] [--seed 1] [--boards 4] [--width 640] [--height 480]
 */

import { scriptArgs } from '../tools/script-args.ts';
import { makeDemo } from '../tools/synth/demo.ts';

const HELP = `Usage: npx tsx scripts/make-demo.ts [options]

Writes the demo bench that \`npm start\` runs on: replayed frames (an empty bench, then each board
put down, left still and taken away) and catalog/boards.yaml with the boards' reference pictures.
Nothing is rewritten when the folder already holds the same version and options.

Options:
  --out <dir>       where to write it (default data/demo)
  --seed <n>        (default 1)
  --boards <n>      boards in the catalogue (default 4)
  --width <px>      frame width (default 640)
  --height <px>     frame height (default 480)
  -h, --help        this help
`;
const values = scriptArgs(HELP, {
  out: { type: 'string', default: 'data/demo' },
  seed: { type: 'string', default: '1' },
  boards: { type: 'string', default: '4' },
  width: { type: 'string', default: '640' },
  height: { type: 'string', default: '480' },
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
