import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import type { Catalog } from '../catalog/index.ts';
import { RECOGNITION_CSV_HEADER, recognitionCsvLine } from '../catalog/recognition-csv.ts';
import { boardIdByName, parseRecognitionFilter } from '../catalog/recognition-filter.ts';
import type { Recognition, RecognitionFilter, RecognitionText } from '../catalog/types.ts';
import { textJson } from '../server/routes/ocr.ts';
import { openExistingCatalog, parseIntOption, parseTime } from './common.ts';

type Filters = {
  board?: string;
  camera?: string;
  slot?: string;
  from?: number;
  to?: number;
  serial?: string;
  text?: string;
  part?: string;
  defects?: boolean;
};

function addFilters(cmd: Command): Command {
  return cmd
    .option('--board <id|model|unknown>', 'only this board: its id, its model name (e.g. S21), or "unknown"')
    .option('--camera <id>', 'only this camera')
    .option('--slot <name>', 'only this bench slot')
    .option('--from <time>', 'from this time (ISO 8601 or ms)', parseTime)
    .option('--to <time>', 'up to this time (ISO 8601 or ms)', parseTime)
    .option('--serial <serial>', 'only boards with this serial (read off their label)')
    .option('--text <text>', 'only boards whose label text or serial contains this')
    .option(
      '--part <code>',
      'only boards whose part number (read off the silkscreen) starts with this, e.g. BHB426',
    )
    .option('--defects', 'only inspected boards with a chip or part missing or differing')
    .option('--no-defects', 'only inspected boards with none');
}

/** The flags are the API's filter parameters, parsed and mapped the same way; a board may be named. */
function toQuery(o: Filters, catalog: Catalog): RecognitionFilter {
  const { camera, slot, from, to, serial, text, part } = o;
  let board = o.board;
  if (board !== undefined && board !== 'unknown' && !/^\d+$/.test(board.trim()))
    board = String(boardIdByName(board, catalog.listBoards()));
  const defects = o.defects === undefined ? undefined : String(o.defects);
  return parseRecognitionFilter({ board, camera, slot, from, to, serial, text, part, defects });
}

/** What the inspection found, on one line: "  chips 125/126, chip 37 missing" (empty when not inspected). */
function inspectionWords(r: Recognition): string {
  if (r.chipsFound === null) return '';
  const hidden = r.chipsHidden ? ` (${r.chipsHidden} hidden)` : '';
  const defects = (r.defects ?? []).map((d) => `${d.label} ${d.verdict}`).join(', ');
  return `  chips ${r.chipsFound}/${r.chipsExpected ?? '?'}${hidden}${defects ? `, ${defects}` : ''}`;
}

/** The text read off a board, on one line: its serial, then the lines read. */
function textWords(t: RecognitionText | undefined): string {
  if (!t) return '';
  const lines = t.lines.map((l) => l.text).join(' | ');
  return `${t.serial ? `  serial ${t.serial}` : ''}${lines ? `  text "${lines}"` : ''}`;
}

export function recognitionCommands(program: Command): void {
  const rec = program.command('recognitions').description('query which boards were recognized and when');

  addFilters(rec.command('list').description('print recognitions, newest first'))
    .option('--limit <n>', 'rows', parseIntOption('--limit'), 50)
    .option('--json', 'print JSON (each row with the text read off the board)')
    .action((o, cmd: Command) => {
      const { catalog: db } = openExistingCatalog(cmd);
      try {
        const { rows, total } = db.queryRecognitions({ ...toQuery(o, db), limit: o.limit, offset: 0 });
        const texts = db.recognitionTextsFor(rows.map((r) => r.id));
        if (o.json) {
          const withText = rows.map((r) => {
            const t = texts.get(r.id);
            return { ...r, text: t ? textJson(t) : null };
          });
          process.stdout.write(`${JSON.stringify({ total, rows: withText }, null, 2)}\n`);
          return;
        }
        const names = new Map(db.listBoards({ removed: true }).map((b) => [b.id, `${b.vendor} ${b.model}`]));
        for (const r of rows) {
          const who = r.boardId === null ? 'unknown' : (names.get(r.boardId) ?? `board ${r.boardId}`);
          process.stdout.write(
            `${new Date(r.at).toISOString()}  ${r.camera}/${r.slot}  ${who}  score ${r.score.toFixed(3)} margin ${r.margin.toFixed(3)}${inspectionWords(r)}${textWords(texts.get(r.id))}\n`,
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
      const { config, catalog: db } = openExistingCatalog(cmd);
      const filter = toQuery(o, db);
      const { host, port } = config.server;
      const shownHost =
        host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      const origin = `http://${shownHost}:${port}`;
      const out = o.out ? createWriteStream(o.out) : process.stdout;
      try {
        const names = new Map(db.listBoards({ removed: true }).map((b) => [b.id, b]));
        out.write(RECOGNITION_CSV_HEADER);
        let n = 0;
        for (const r of db.iterateRecognitions(filter)) {
          const board = r.boardId === null ? undefined : names.get(r.boardId);
          const line = recognitionCsvLine(r, board, db.getRecognitionText(r.id), origin);
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
