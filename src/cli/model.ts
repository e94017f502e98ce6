import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_MODEL } from '../config/schema.ts';
import { activeModelName, openEncoder, openModelAndCatalog } from '../runtime.ts';
import { decodeImage, preprocess } from '../vision/preprocess.ts';
import { catalogIfExists, cliLogger, configFor, progressBar } from './common.ts';

export function modelCommands(program: Command): void {
  program
    .command('reindex')
    .description('embed every reference that has no embedding for the active model (progress bar)')
    .option('--model <name|path>', 'model to embed with (default: the configured one)')
    .action(async (o, cmd: Command) => {
      const { config } = configFor(cmd);
      const parts = await openModelAndCatalog(config, cliLogger(), o.model);
      const bar = progressBar(`embedding with ${parts.loaded.manifest.id}`);
      try {
        const n = await parts.recognizer.reindex((done, total) => bar.update(done, total));
        bar.stop();
        process.stdout.write(`${n} references embedded with ${parts.loaded.manifest.id}\n`);
      } finally {
        bar.stop();
        await parts.encoder.stop();
        parts.catalog.close();
      }
    });

  program
    .command('embed')
    .description('print the embeddings of images as JSON (debugging, parity checks)')
    .argument('<images...>', 'image files')
    .option('--model <name|path>', 'model name in models/ or a manifest path (default: the configured one)')
    .option('--pixels', 'also print statistics of the preprocessed tensor')
    .action(async (images: string[], o, cmd: Command) => {
      const { config } = configFor(cmd);
      let name = o.model ?? config.model.name;
      if (!name) {
        const db = catalogIfExists(config);
        name = db ? activeModelName(config, db) : DEFAULT_MODEL;
        db?.close();
      }
      const { loaded, encoder } = await openEncoder(config, name, cliLogger());
      try {
        const [h, w] = encoder.inputSize;
        const out = [];
        for (const file of images) {
          const raw = await decodeImage(readFileSync(file), { maxPixels: config.data.maxImagePixels });
          const pixels = await preprocess(raw, loaded.manifest);
          const vector = await encoder.encode(pixels, 1);
          let mean = 0;
          for (const v of pixels) mean += v;
          mean /= pixels.length;
          out.push({
            file,
            model: loaded.manifest.id,
            dim: encoder.dim,
            embedding: Array.from(vector.subarray(0, encoder.dim)),
            ...(o.pixels
              ? { pixels: { shape: [1, 3, h, w], mean, first16: Array.from(pixels.subarray(0, 16)) } }
              : {}),
          });
        }
        process.stdout.write(`${JSON.stringify(out)}\n`);
      } finally {
        await encoder.stop();
      }
    });
}
