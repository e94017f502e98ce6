import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Catalog, checkBackupFile, DataDirLock } from '../catalog/index.ts';
import { BenchsightError } from '../errors.ts';
import { DATABASE_FILE } from '../runtime.ts';
import { configFor } from './common.ts';

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\..+/, '').replace('T', '-');

export function backupCommands(catalog: Command): void {
  catalog
    .command('backup')
    .description('copy the catalog and history to a file, online (SQLite backup API; the daemon may run)')
    .argument('[file]', 'destination (default: <data dir>/backups/benchsight-<time>.db)')
    .action(async (file: string | undefined, _o, cmd: Command) => {
      const { config } = configFor(cmd);
      const dest = resolve(file ?? join(config.data.dir, 'backups', `benchsight-${stamp()}.db`));
      if (existsSync(dest)) throw new BenchsightError('E_CONFLICT', `${dest} exists; choose another file`);
      const db = Catalog.open(join(config.data.dir, DATABASE_FILE), { readonly: true });
      try {
        await db.backup(dest);
      } finally {
        db.close();
      }
      const { boards } = checkBackupFile(dest);
      process.stdout.write(`backup written to ${dest} (${boards} boards, integrity ok, foreign keys ok)\n`);
    });

  catalog
    .command('restore')
    .description(
      'replace the catalog and history with a checked backup (refused while a daemon uses the data directory)',
    )
    .argument('<file>', 'a file written by `catalog backup`')
    .action(async (file: string, _o, cmd: Command) => {
      const { config } = configFor(cmd);
      const src = resolve(file);
      if (!existsSync(src)) throw new BenchsightError('E_NOT_FOUND', `${src} does not exist`);
      // held by a running daemon (whatever its port): refused; held by us, no daemon starts meanwhile
      const lock = DataDirLock.acquire(config.data.dir, '`benchsight catalog restore`');
      try {
        await restore(src, checkBackupFile(src).boards, config.data.dir);
      } finally {
        lock.release();
      }
    });
}

/** Replaces the data directory's database with a checked backup, keeping the old one beside it. */
async function restore(src: string, boards: number, dataDir: string): Promise<void> {
  const target = join(dataDir, DATABASE_FILE);
  if (existsSync(target)) {
    // keep the database being replaced, checkpointed into one file, next to it
    const keep = `${target}.before-restore-${stamp()}`;
    const current = Catalog.open(target);
    await current.backup(keep);
    current.close();
    process.stdout.write(`the previous database was saved as ${keep}\n`);
  }
  const tmp = `${target}.restoring`;
  copyFileSync(src, tmp);
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  renameSync(tmp, target);
  // brings an older backup's schema up to date now
  Catalog.open(target).close();
  process.stdout.write(`restored ${src} (${boards} boards) into ${target}\n`);
}
