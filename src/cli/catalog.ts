import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { BenchsightError } from '../errors.ts';
import { CatalogEditor } from '../pipeline/catalog-editor.ts';
import { BOARD_KINDS } from '../protocol.ts';
import { openModelAndCatalog } from '../runtime.ts';
import { backupCommands } from './backup.ts';
import {
  announceDatabase,
  cliLogger,
  configFor,
  openExistingCatalog,
  parseIntOption,
  progressBar,
} from './common.ts';
import { reportFeatures } from './features.ts';

export function catalogCommands(program: Command): void {
  const catalog = program
    .command('catalog')
    .description('manage the catalog of boards and their reference images (works while the daemon runs)');

  backupCommands(catalog);

  catalog
    .command('add')
    .description('add a board, optionally with reference images')
    .requiredOption('--vendor <name>', 'maker, e.g. Bitmain')
    .requiredOption('--model <name>', 'model, e.g. "S19j Pro hashboard"')
    .addOption(new Option('--kind <kind>', 'board kind').choices(BOARD_KINDS).default('hashboard'))
    .option('--chip-type <type>', 'ASIC chip, e.g. BM1362')
    .option('--chip-count <n>', 'number of ASIC chips', parseIntOption('--chip-count'))
    .option('--notes <text>', 'repair hints and test settings', '')
    .option('--tags <list>', 'comma-separated tags', '')
    .argument('[images...]', 'reference images (JPEG/PNG/WebP)')
    .action(async (images: string[], o, cmd: Command) => {
      const loaded = configFor(cmd);
      const { config } = loaded;
      announceDatabase(loaded);
      const parts = await openModelAndCatalog(config, cliLogger());
      try {
        // The daemon, if it runs, sees the change through its database poll and announces it.
        const editor = new CatalogEditor({ catalog: parts.catalog, recognizer: () => parts.recognizer });
        const files = images.map((file) => ({
          bytes: readFileSync(file),
          source: 'upload' as const,
          detail: file,
        }));
        const { board, references } = await editor.addBoard(
          {
            vendor: o.vendor,
            model: o.model,
            kind: o.kind,
            chipType: o.chipType ?? null,
            chipCount: o.chipCount ?? null,
            notes: o.notes,
            tags: String(o.tags)
              .split(',')
              .map((t: string) => t.trim())
              .filter(Boolean),
          },
          files,
        );
        process.stdout.write(
          `added board ${board.id}: ${board.vendor} ${board.model} (${images.length} references)\n`,
        );
        reportFeatures(
          parts.recognizer,
          board.id,
          references.map((r, i) => ({ id: r.id, label: images[i]! })),
        );
      } finally {
        await parts.encoder.stop();
        parts.catalog.close();
      }
    });

  catalog
    .command('import')
    .description('import a folder of images described by boards.yaml or boards.csv')
    .argument('<dir>', 'folder with the images and the manifest')
    .option('--manifest <file>', 'manifest path (default: <dir>/boards.yaml|yml|csv)')
    .addHelpText(
      'after',
      '\nManifest columns (CSV header) or keys (YAML list), any spelling (text_pattern, textPattern):\n  vendor, model, kind, chip_type, chip_count, notes, tags (a;b), text_pattern, images (f1.jpg;f2.jpg)\n' +
        'Importing again updates the fields of boards that exist (same vendor and model) and adds new images.\n',
    )
    .action(async (dir: string, o, cmd: Command) => {
      const loaded = configFor(cmd);
      const { config } = loaded;
      announceDatabase(loaded);
      const parts = await openModelAndCatalog(config, cliLogger());
      const bar = progressBar('importing');
      try {
        const editor = new CatalogEditor({ catalog: parts.catalog, recognizer: () => parts.recognizer });
        const r = await editor.importFolder(dir, {
          manifest: o.manifest,
          onProgress: (done, total) => bar.update(done, total),
        });
        bar.stop();
        for (const b of r.perBoard) {
          const refs = b.references > 0 ? `, +${b.references} reference${b.references === 1 ? '' : 's'}` : '';
          if (b.action === 'skipped') process.stderr.write(`skipped    ${b.board}: ${b.reason}\n`);
          else if (b.action === 'updated')
            process.stdout.write(`updated    ${b.board} (${b.changed.join(', ')})${refs}\n`);
          else process.stdout.write(`${b.action.padEnd(10)} ${b.board}${refs}\n`);
          if (b.boardId !== undefined) reportFeatures(parts.recognizer, b.boardId, b.added, false);
        }
        process.stdout.write(
          `${r.boards} created, ${r.updated} updated, ${r.perBoard.length - r.boards - r.updated - r.skipped.length} unchanged, ${r.skipped.length} skipped; ${r.references} references added\n`,
        );
        if (r.skipped.length) process.exitCode = 2;
      } finally {
        bar.stop();
        await parts.encoder.stop();
        parts.catalog.close();
      }
    });

  catalog
    .command('list')
    .description('list boards')
    .option('--search <text>', 'filter by vendor, model, chip type, notes or tags')
    .option('--json', 'print JSON')
    .action((o, cmd: Command) => {
      const { catalog: db } = openExistingCatalog(cmd);
      try {
        const boards = db.listBoards(o.search ? { search: o.search } : undefined);
        if (o.json) {
          process.stdout.write(`${JSON.stringify(boards, null, 2)}\n`);
          return;
        }
        for (const b of boards) {
          const refs = db.listReferences(b.id).length;
          process.stdout.write(
            `${String(b.id).padStart(5)}  ${b.kind.padEnd(13)} ${`${b.vendor} ${b.model}`.padEnd(40)} ${b.chipType ?? ''}${b.chipCount ? ` x${b.chipCount}` : ''}  refs:${refs}\n`,
          );
        }
        if (boards.length === 0) process.stdout.write('no boards\n');
      } finally {
        db.close();
      }
    });

  catalog
    .command('remove')
    .description('remove a board with its references (the history keeps naming it; its id is never reused)')
    .argument('<id>', 'board id (see catalog list)', parseIntOption('id'))
    .action((id: number, _o, cmd: Command) => {
      const { catalog: db } = openExistingCatalog(cmd);
      try {
        if (!db.deleteBoard(id))
          throw new BenchsightError('E_NOT_FOUND', `no board ${id} (see: benchsight catalog list)`);
        process.stdout.write(`removed board ${id}\n`);
      } finally {
        db.close();
      }
    });
}
