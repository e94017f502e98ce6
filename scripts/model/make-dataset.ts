/**
 * Renders training views of synthetic board types as NumPy arrays for train_vit.py.
 *   npx tsx scripts/model/make-dataset.ts --manifest scripts/model/benchsight-vit.base.json \
 *     --out .tmp/dataset --name shard0 --from 0 --to 1000 [--views 4] [--seed 1] [--split train|validation]
 */
import { loadManifest } from '../../src/vision/manifest.ts';
import { buildDataset, writeDataset } from '../../tools/eval/dataset.ts';
import { scriptArgs } from '../../tools/script-args.ts';

const HELP = `Usage: npx tsx scripts/model/make-dataset.ts [options]

Renders training views of synthetic board types as NumPy arrays (.npy) for train_vit.py.

Options:
  --manifest <file>   the preprocessing the views go through (default scripts/model/benchsight-vit.base.json)
  --out <dir>         (default .tmp/dataset)          --name <name>   file prefix (default train)
  --split <split>     train or validation board types (default train)
  --from <n> --to <n> the board types [from, to) (default 0 to 100)
  --views <n>         views of each type (default 5)  --seed <n>      (default 1)
  --width <px> --height <px>  the rendered bench view (default 320x240)
  -h, --help          this help
`;

const values = scriptArgs(HELP, {
  manifest: { type: 'string', default: 'scripts/model/benchsight-vit.base.json' },
  out: { type: 'string', default: '.tmp/dataset' },
  name: { type: 'string', default: 'train' },
  split: { type: 'string', default: 'train' },
  from: { type: 'string', default: '0' },
  to: { type: 'string', default: '100' },
  views: { type: 'string', default: '5' },
  seed: { type: 'string', default: '1' },
  width: { type: 'string', default: '320' },
  height: { type: 'string', default: '240' },
});

const { manifest } = loadManifest(values.manifest, 'models');
const start = performance.now();
const dataset = await buildDataset({
  seed: Number(values.seed),
  split: values.split === 'validation' ? 'validation' : 'train',
  from: Number(values.from),
  to: Number(values.to),
  views: Number(values.views),
  renderWidth: Number(values.width),
  renderHeight: Number(values.height),
  manifest,
  onProgress: (done, total) =>
    console.log(`${done}/${total} views, ${((performance.now() - start) / done).toFixed(1)} ms per view`),
});
const files = await writeDataset(values.out, values.name, dataset);
console.log(`${files.join(', ')}: ${dataset.count} views of ${dataset.width}x${dataset.height}`);
