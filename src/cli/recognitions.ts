import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Catalog } from '../catalog/index.ts';
import { RECOGNITION_CSV_HEADER, recognitionCsvLine } from '../catalog/recognition-csv.ts';
import { parseRecognitionFilter } from '../catalog/recognition-filter.ts';
import type { RecognitionFilter } from '../catalog/types.ts';
import { DATABASE_FILE } from '../runtime.ts';
import { configFor, parseIntOption, parseTime } from './common.ts';

type Filters = {
  board?: string;
  camera?: string;
  slot?: string;
  from?: number;
  to?: number;
  serial?: string;
  text?: string;
  part?: string;
};

function addFilters(cmd: Command): Command {
  return cmd
    .option('--board <id|unknown>', 'only this board id, or "unknown"')
    .option('--camera <id>', 'only this camera')
    .option('--slot <name>', 'only this bench slot')
    .option('--from <time>', 'from this time (ISO 8601 or ms)', parseTime)
    .option('--to <time>', 'up to this time (ISO 8601 or ms)', parseTime)
    .option('--serial <serial>', 'only boards with this serial (read off their label)')
    .option('--text <text>', 'only boards whose label text or serial contains this')
    .option(
      '--part <code>',
      'only boards whose part number (read off the silkscreen) starts with this, e.g. BHB426',
    );
}

/** The flags are the API's filter parameters, parsed and mapped the same way. */
function toQuery(o: Filters): RecognitionFilter {
  const { board, camera, slot, from, to, serial, text, part } = o;
  return parseRecognitionFilter({ board, camera, slot, from, to, serial, text, part });
}

export function recognitionCommands(program: Command): void {
  const rec = program.command('recognitions').description('query which boards were recognized and when');

  addFilters(rec.command('list').description('print recognitions, newest first'))
    .option('--limit <n>', 'rows', parseIntOption('--limit'), 50)
    .option('--json', 'print JSON')
    .action((o, cmd: Command) => {
      const { config } = configFor(cmd);
      const db = Catalog.open(join(config.data.dir, DATABASE_FILE));
      try {
        const { rows, total } = db.queryRecognitions({ ...toQuery(o), limit: o.limit, offset: 0 });
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ total, rows }, null, 2)}\n`);
          return;
        }
        const names = new Map(db.listBoards().map((b) => [b.id, `${b.vendor} ${b.model}`]));
        for (const r of rows) {
          const who = r.boardId === null ? 'unknown' : (names.get(r.boardId) ?? `board ${r.boardId}`);
          process.stdout.write(
            `${new Date(r.at).toISOString()}  ${r.camera}/${r.slot}  ${who}  score ${r.score.toFixed(3)} margin ${r.margin.toFixed(3)}\n`,
          );
        }
        process.stdout.write(`${rows.length} of ${total} shown\n`);
      } finally {
        db.close();
      }
    });

  addFilters(rec.command('export').description('write recognitions as CSV'))
    .option('--out <file>', 'output file (default: stdout)')
    .action(async (o, cmd: Command) => {
      const { config } = configFor(cmd);
      const db = Catalog.open(join(config.data.dir, DATABASE_FILE));
      const out = o.out ? createWriteStream(o.out) : process.stdout;
      try {
        const names = new Map(db.listBoards().map((b) => [b.id, b]));
        out.write(RECOGNITION_CSV_HEADER);
        let n = 0;
        for (const r of db.iterateRecognitions(toQuery(o))) {
          const board = r.boardId === null ? undefined : names.get(r.boardId);
          const line = recognitionCsvLine(r, board, db.getRecognitionText(r.id));
          if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
          n++;
        }
        if (o.out) process.stderr.write(`wrote ${n} recognitions to ${o.out}\n`);
      } finally {
        if (o.out) await new Promise<void>((resolve) => out.end(() => resolve()));
        db.close();
      }
    });
}
