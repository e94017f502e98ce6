import type { Command } from 'commander';
import { CentralStore } from '../catalog/central/store.ts';
import { redactUrl } from '../catalog/central/url.ts';
import type { CentralConfig } from '../config/central.ts';
import type { Config } from '../config/schema.ts';
import { BenchsightError, errorMessage } from '../errors.ts';
import { catalogIfExists, configFor } from './common.ts';

function centralOf(config: Readonly<Config>): CentralConfig {
  if (!config.central) {
    throw new BenchsightError(
      'E_CONFIG',
      'central is not configured: add `central: { url: postgres://user@host:5432/benchsight, box: bench-1 }` to the config file (password: BENCHSIGHT_CENTRAL_PASSWORD)',
    );
  }
  return config.central;
}

async function connect(central: CentralConfig): Promise<CentralStore> {
  return CentralStore.connect({ url: central.url, password: central.password, box: central.box });
}

export interface CentralReport {
  box: string;
  url: string;
  /** the box this data folder was linked as (null: the daemon never ran with central) */
  linkedAs: string | null;
  /** changes waiting in this box's outbox */
  pendingUp: number;
  /** catalog revisions other boxes made that this box has not pulled; null: central not reachable */
  pendingDown: number | null;
  /** history rows the central side holds for this box; null: not reachable */
  centralRows: number | null;
  schemaVersion: number | null;
  /** why the central side could not be asked */
  error: string | null;
}

/** What is pending in each direction: the local outbox, and the catalog changes past this box's cursor. */
export async function centralReport(config: Readonly<Config>): Promise<CentralReport> {
  const central = centralOf(config);
  const catalog = catalogIfExists(config);
  let linkedAs: string | null = null;
  let pendingUp = 0;
  let cursor = 0;
  try {
    if (catalog) {
      linkedAs = catalog.centralOutbox.box();
      pendingUp = catalog.centralOutbox.pending();
      cursor = catalog.centralApplier.cursor();
    }
  } finally {
    catalog?.close();
  }
  const report: CentralReport = {
    box: central.box,
    url: redactUrl(central.url),
    linkedAs,
    pendingUp,
    pendingDown: null,
    centralRows: null,
    schemaVersion: null,
    error: null,
  };
  let store: CentralStore | null = null;
  try {
    store = await connect(central);
    report.schemaVersion = await store.schemaVersion();
    await store.requireSchema();
    report.pendingDown = await store.pendingDown(cursor);
    report.centralRows = await store.countRecognitions(central.box);
  } catch (err) {
    report.error = errorMessage(err);
  } finally {
    await store?.close();
  }
  return report;
}

export function centralCommands(program: Command): void {
  const cmd = program.command('central').description("the shop's central PostgreSQL (config: central)");
  cmd
    .command('init')
    .description('create or migrate the central schema (numbered migrations, recorded in central_migrations)')
    .action(async (_o, c: Command) => {
      const central = centralOf(configFor(c).config);
      const store = await connect(central);
      try {
        const { from, to } = await store.migrate();
        process.stdout.write(
          from === to
            ? `central schema ${redactUrl(central.url)} is up to date (version ${to})\n`
            : `central schema ${redactUrl(central.url)} migrated from version ${from} to ${to}\n`,
        );
      } finally {
        await store.close();
      }
    });
  cmd
    .command('status')
    .description('what waits to be sent up (this box) and pulled down (other boxes); exit 1 when unreachable')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, c: Command) => {
      const r = await centralReport(configFor(c).config);
      if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else {
        const lines = [
          `box:            ${r.box}${r.linkedAs && r.linkedAs !== r.box ? ` (this data folder is linked as ${r.linkedAs})` : ''}`,
          `central:        ${r.url}${r.schemaVersion !== null ? ` (schema version ${r.schemaVersion})` : ''}`,
          `pending up:     ${r.pendingUp} change(s) in this box's outbox`,
          `pending down:   ${r.pendingDown ?? '?'} catalog change(s) from the shop not pulled yet`,
          `rows centrally: ${r.centralRows ?? '?'} recognition(s) of this box`,
        ];
        if (r.error) lines.push(`not reachable:  ${r.error}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      if (r.error) process.exitCode = 1;
    });
}
