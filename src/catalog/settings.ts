import type { Statement } from 'better-sqlite3';
import type { Database } from './db.ts';
import { assertText, badRequest } from './validate.ts';

/** Small key/value pairs the daemon keeps across restarts, e.g. the active model id. */
export class SettingsRepository {
  private readonly selectValue: Statement<[string], string>;
  private readonly upsert: Statement<[string, string]>;
  private readonly deleteRow: Statement<[string]>;

  constructor(db: Database) {
    this.selectValue = db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck();
    this.upsert = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.deleteRow = db.prepare('DELETE FROM settings WHERE key = ?');
  }

  get(key: string): string | undefined {
    return this.selectValue.get(key);
  }

  set(key: string, value: string): void {
    assertText(key, 'setting key');
    if (typeof value !== 'string') throw badRequest(`setting ${key} must be a string`);
    this.upsert.run(key, value);
  }

  delete(key: string): boolean {
    return this.deleteRow.run(key).changes > 0;
  }
}
