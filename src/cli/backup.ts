import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Catalog } from '../catalog/index.ts';
import { BenchsightError } from '../errors.ts';
import { DATABASE_FILE } from '../runtime.ts';
import { configFor } from './common.ts';
import { daemonRequest } from './daemon-client.ts';

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
      const check = Catalog.open(dest, { readonly: true });
      try {
        const integrity = check.integrityCheck();
        if (integrity !== 'ok')
          throw new BenchsightError('E_DB_WRITE', `the backup failed its integrity check: ${integrity}`);
        process.stdout.write(
          `backup written to ${dest} (${check.listBoards().length} boards, integrity ok)\n`,
        );
      } finally {
        check.close();
      }
    });

  catalog
    .command('restore')
    .description('replace the catalog and history with a backup (stop the daemon first)')
    .argument('<file>', 'a file written by `catalog backup`')
    .action(async (file: string, _o, cmd: Command) => {
      const { config } = configFor(cmd);
      const src = resolve(file);
      if (!existsSync(src)) throw new BenchsightError('E_NOT_FOUND', `${src} does not exist`);
      if ((await daemonRequest(config, 'GET', '/api/status')) !== null) {
        throw new BenchsightError(
          'E_CONFLICT',
          `the daemon is running on port ${config.server.port}; stop it (systemctl stop benchsight) and restore again`,
        );
      }
      const candidate = Catalog.open(src, { readonly: true });
      let summary: string;
      try {
        const integrity = candidate.integrityCheck();
        if (integrity !== 'ok')
          throw new BenchsightError('E_DB_MIGRATION', `${src} is damaged: ${integrity}`);
        summary = `${candidate.listBoards().length} boards`;
      } finally {
        candidate.close();
      }
      const target = join(config.data.dir, DATABASE_FILE);
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
      const restored = Catalog.open(target);
      restored.close();
      process.stdout.write(`restored ${src} (${summary}) into ${target}\n`);
    });
}
