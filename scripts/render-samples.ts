/**
 * Renders a contact sheet of synthetic board types on the bench, for a human to look at.
 *   npx tsx scripts/render-samples.ts --out /tmp/samples --types 8 --views 4 [--seed 1] [--kind psu] [--only blur]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scriptArgs } from '../tools/script-args.ts';
import { BOARD_KINDS, type BoardKind } from '../tools/synth/board.ts';
import { renderContactSheet } from '../tools/synth/contact-sheet.ts';
import { NUISANCE_NAMES, type NuisanceName, nuisanceOnly } from '../tools/synth/nuisance.ts';

const HELP = `Usage: npx tsx scripts/render-samples.ts [options]

Renders a contact sheet (contact.png) of synthetic board types on the bench, for a human to look at.

Options:
  --out <dir>       where contact.png goes (default test-output/samples)
  --types <n>       board types, one row each (default 8)
  --views <n>       bench views of each (default 4)
  --seed <n>        (default 1)
  --width <px>      view width (default 320)      --height <px>   view height (default 240)
  --kind <kind>     only boards of this kind: ${BOARD_KINDS.join(', ')}
  --only <nuisance> only this nuisance: ${NUISANCE_NAMES.join(', ')}
  -h, --help        this help
`;
const values = scriptArgs(HELP, {
  out: { type: 'string', default: 'test-output/samples' },
  types: { type: 'string', default: '8' },
  views: { type: 'string', default: '4' },
  seed: { type: 'string', default: '1' },
  width: { type: 'string', default: '320' },
  height: { type: 'string', default: '240' },
  kind: { type: 'string' },
  only: { type: 'string' },
});

const kind = values.kind as BoardKind | undefined;
if (kind !== undefined && !BOARD_KINDS.includes(kind)) {
  console.error(`--kind must be one of ${BOARD_KINDS.join(', ')}`);
  process.exit(2);
}
const only = values.only as NuisanceName | undefined;
if (only !== undefined && !NUISANCE_NAMES.includes(only)) {
  console.error(`--only must be one of ${NUISANCE_NAMES.join(', ')}`);
  process.exit(2);
}

const sheet = await renderContactSheet({
  types: Number(values.types),
  views: Number(values.views),
  seed: Number(values.seed),
  width: Number(values.width),
  height: Number(values.height),
  ...(kind ? { kind } : {}),
  ...(only ? { nuisance: nuisanceOnly(only) } : {}),
});
mkdirSync(values.out, { recursive: true });
const file = join(values.out, 'contact.png');
writeFileSync(file, sheet.png);
for (const row of sheet.rows) console.log(row);
console.log(`${file}: ${sheet.width}x${sheet.height}, ${sheet.msPerView.toFixed(1)} ms per bench view`);
