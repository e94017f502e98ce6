import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Statement } from 'better-sqlite3';
import type { Database } from './db.ts';
import { SettingsRepository } from './settings.ts';
import { toBenchsightError } from './sqlite-errors.ts';
import { badRequest } from './validate.ts';

/**
 * What the catalog is as a SQLite file, apart from what it holds: its settings, backup, integrity,
 * versions, transactions, and the errors of every call said as what was being done (Catalog adds
 * the boards, references, history and units).
 */
export class CatalogStore {
  readonly path: string;
  private readonly settings: SettingsRepository;
  private readonly catalogVersionQuery: Statement<[], number>;

  /** Takes ownership of `db` (already migrated by openDatabase); close() closes it. */
  constructor(
    protected readonly db: Database,
    protected readonly now: () => number,
  ) {
    this.path = db.name;
    this.settings = new SettingsRepository(db);
    this.catalogVersionQuery = db.prepare<[], number>('SELECT version FROM catalog_version').pluck();
  }

  // Settings

  getSetting(key: string): string | undefined {
    return this.guard(`reading setting ${key}`, () => this.settings.get(key));
  }

  setSetting(key: string, value: string): void {
    this.guard(`saving setting ${key}`, () => this.settings.set(key, value));
  }

  deleteSetting(key: string): boolean {
    return this.guard(`deleting setting ${key}`, () => this.settings.delete(key));
  }

  // Maintenance

  /** Online copy of the whole database to `destPath`, safe while the daemon keeps writing. */
  async backup(destPath: string): Promise<void> {
    if (resolve(destPath) === resolve(this.path)) throw badRequest('cannot back up a database onto itself');
    try {
      mkdirSync(dirname(destPath), { recursive: true });
      await this.db.backup(destPath);
    } catch (err) {
      throw toBenchsightError(err, `backing up to ${destPath}`, destPath);
    }
  }

  /**
   * Changes whenever another connection (the CLI, an import) commits to the database; the daemon
   * polls it to reload its index. Its own writes do not change it.
   */
  externalChanges(): number {
    return this.guard(
      'reading data_version',
      () => this.db.pragma('data_version', { simple: true }) as number,
    );
  }

  /**
   * Changes with every change to the boards, references or embeddings (whoever made it), and not with
   * history: a process sharing the database reloads its index only when this moved.
   */
  catalogVersion(): number {
    return this.guard('reading the catalog version', () => this.catalogVersionQuery.get()!);
  }

  /** 'ok', or SQLite's list of problems, one per line. */
  integrityCheck(): string {
    return this.guard('checking integrity', () => {
      const rows = this.db.pragma('integrity_check') as { integrity_check: string }[];
      return rows.map((r) => r.integrity_check).join('\n');
    });
  }

  /** Runs fn in one transaction (a savepoint when nested); a throw rolls everything back. */
  transaction<T>(fn: () => T): T {
    return this.guard('running a transaction', () => this.db.transaction(fn)());
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  protected guard<T>(doing: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw toBenchsightError(err, doing, this.path);
    }
  }
}
