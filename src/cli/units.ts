import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Bus } from '../bus.ts';
import { Catalog, type UnitFilter } from '../catalog/index.ts';
import { UNIT_CSV_HEADER, unitCsvLine } from '../catalog/unit-csv.ts';
import { BenchsightError } from '../errors.ts';
import { toBoardInfo } from '../pipeline/recognizer.ts';
import { UnitTracker } from '../pipeline/units.ts';
import { DATABASE_FILE } from '../runtime.ts';
import { cliLogger, configFor, parseIntOption } from './common.ts';

type Filters = { serial?: string; board?: number; status?: string; returning?: boolean };

function addFilters(cmd: Command): Command {
  return cmd
    .option('--serial <text>', 'only units whose serial contains this')
    .option('--board <id>', 'only units of this board id', parseIntOption('--board'))
    .option('--status <status>', 'only units in this status (its key or the name units.statuses gives it)')
    .option('--returning', 'only units seen on more than one visit');
}

/** Reads units the way the API does (the same tracker, without a daemon): the catalog opened here. */
function open(cmd: Command): { db: Catalog; units: UnitTracker } {
  const { config } = configFor(cmd);
  const db = Catalog.open(join(config.data.dir, DATABASE_FILE));
  const units = new UnitTracker({
    config,
    catalog: db,
    bus: new Bus(),
    logger: cliLogger(),
    board: (id) => {
      const b = db.getBoard(id);
      return b ? toBoardInfo(b) : null;
    },
  });
  return { db, units };
}

function toFilter(units: UnitTracker, o: Filters): UnitFilter {
  const status = o.status === undefined ? undefined : units.parseStatus(o.status);
  if (o.status !== undefined && !status) {
    throw new BenchsightError(
      'E_BAD_REQUEST',
      `unknown status "${o.status}": expected one of ${Object.keys(units.statusLabels).join(', ')}`,
    );
  }
  return {
    ...(o.serial ? { serial: o.serial.replace(/\s+/g, '').toUpperCase() } : {}),
    ...(o.board !== undefined ? { boardId: o.board } : {}),
    ...(status ? { status } : {}),
    ...(o.returning ? { returning: true } : {}),
  };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function unitCommands(program: Command): void {
  const cmd = program
    .command('units')
    .description('physical boards by serial number: their visits, status and notes');

  addFilters(cmd.command('list').description('print units, most recently seen first'))
    .option('--limit <n>', 'rows', parseIntOption('--limit'), 50)
    .option('--json', 'print JSON')
    .action((o, c: Command) => {
      const { db, units } = open(c);
      try {
        const { rows, total } = db.queryUnits(toFilter(units, o), o.limit, 0);
        const items = rows.map((r) => units.summary(r));
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ total, items }, null, 2)}\n`);
          return;
        }
        for (const u of items) {
          const board = u.board ? `${u.board.vendor} ${u.board.model}` : 'board unknown';
          process.stdout.write(
            `${u.serial}  ${board}  ${u.statusLabel}  ${u.visits} visit${u.visits === 1 ? '' : 's'}  last seen ${day(u.lastSeen)}${u.flagged ? '  FLAGGED' : ''}\n`,
          );
        }
        process.stdout.write(`${items.length} of ${total} shown\n`);
      } finally {
        db.close();
      }
    });

  cmd
    .command('show <serial>')
    .description("print a unit's record: visits, status changes, notes, conflicts, recognitions")
    .option('--json', 'print JSON')
    .action((serial: string, o, c: Command) => {
      const { db, units } = open(c);
      try {
        const row = units.get(serial);
        if (!row) {
          throw new BenchsightError(
            'E_NOT_FOUND',
            `no unit with serial ${units.normalize(serial)}; \`benchsight units list\` shows them`,
          );
        }
        const r = units.record(row);
        if (o.json) {
          process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
          return;
        }
        const out: string[] = [
          `${r.serial}  ${r.board ? `${r.board.vendor} ${r.board.model}` : 'board unknown'}  status ${r.statusLabel}${r.flagged ? '  FLAGGED' : ''}`,
          `visits (${r.visits}):`,
          ...r.visitList.map(
            (v) =>
              `  #${v.number}  ${new Date(v.startedAt).toISOString()} .. ${new Date(v.lastSeenAt).toISOString()}${v.slot ? `  slot ${v.slot}` : ''}`,
          ),
          'status changes:',
          ...r.statusChanges.map(
            (s) => `  ${new Date(s.at).toISOString()}  ${s.from ?? '-'} -> ${s.status}  by ${s.author}`,
          ),
          'notes:',
          ...r.notes.map((n) => `  ${new Date(n.at).toISOString()}  ${n.author}: ${n.text}`),
          'conflicts:',
          ...r.conflicts.map(
            (k) =>
              `  #${k.id} ${k.kind}  ${k.kind === 'serial' ? `typed ${k.typedSerial}, read ${k.ocrSerial}` : `seen on ${k.seenBoard?.model ?? '?'}, unit is ${k.unitBoard?.model ?? '?'}`}  ${k.resolution ? `settled: ${k.resolution} by ${k.resolvedBy}` : 'open'}`,
          ),
          `recognitions (${r.recognitions.length}):`,
          ...r.recognitions.map(
            (x) => `  #${x.id}  ${new Date(x.at).toISOString()}  ${x.camera}/${x.slot}  ${x.source}`,
          ),
        ];
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        db.close();
      }
    });

  addFilters(cmd.command('export').description('write units as CSV'))
    .option('--out <file>', 'output file (default: stdout)')
    .action((o, c: Command) => {
      const { db, units } = open(c);
      try {
        const { rows } = db.queryUnits(toFilter(units, o), Number.MAX_SAFE_INTEGER, 0);
        const csv = UNIT_CSV_HEADER + rows.map((r) => unitCsvLine(units.summary(r))).join('');
        if (o.out) {
          writeFileSync(o.out, csv);
          process.stderr.write(`wrote ${rows.length} units to ${o.out}\n`);
        } else process.stdout.write(csv);
      } finally {
        db.close();
      }
    });
}
