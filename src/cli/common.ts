import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { type Logger, pino } from 'pino';
import { Catalog } from '../catalog/index.ts';
import { type DataDirSource, type LoadedConfig, loadConfig, SYSTEM_DATA_DIR } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { BenchsightError, errorMessage } from '../errors.ts';
import { DATABASE_FILE } from '../runtime.ts';

export interface GlobalOptions {
  config?: string;
  dataDir?: string;
  port?: number;
  host?: string;
}

/** Options of the root program, wherever the subcommand sits. */
export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

export function configFor(cmd: Command): LoadedConfig {
  const g = globalOptions(cmd);
  return loadConfig({ configPath: g.config, flags: { port: g.port, dataDir: g.dataDir, host: g.host } });
}

const SOURCE_WORDS: Record<DataDirSource, string> = {
  '--data-dir': 'from --data-dir',
  BENCHSIGHT_DATA_DIR: 'from BENCHSIGHT_DATA_DIR',
  config: 'from data.dir in the config file',
  installed: `the installed benchsight's ${SYSTEM_DATA_DIR}`,
  default: 'the default: ./data in the current folder',
};

/** The database a command works on, and which rule chose it. */
export function databaseOf(loaded: LoadedConfig): { path: string; why: string } {
  return { path: join(loaded.config.data.dir, DATABASE_FILE), why: SOURCE_WORDS[loaded.dataDirSource] };
}

/** Says on stderr which database a command opened, so stdout stays parseable. */
export function announceDatabase(loaded: LoadedConfig): void {
  const { path, why } = databaseOf(loaded);
  process.stderr.write(`database: ${path} (${why})\n`);
}

/**
 * Opens the catalog for a command that reads (or changes what must already be there): a missing
 * database is an error naming where it was looked for, never a new empty one.
 */
export function openExistingCatalog(cmd: Command): { config: Readonly<Config>; catalog: Catalog } {
  const loaded = configFor(cmd);
  const { path, why } = databaseOf(loaded);
  if (!existsSync(path)) {
    const locked =
      loaded.dataDirSource === 'default' && existsSync(SYSTEM_DATA_DIR)
        ? ` ${SYSTEM_DATA_DIR} exists but this user cannot read it: run as root or as the benchsight user (sudo -u benchsight ...).`
        : '';
    throw new BenchsightError(
      'E_NOT_FOUND',
      `no catalog database at ${path} (${why}). The daemon creates it on its first start; ` +
        `point at yours with --data-dir DIR, BENCHSIGHT_DATA_DIR or --config FILE (data.dir).${locked}`,
    );
  }
  const catalog = Catalog.open(path);
  announceDatabase(loaded);
  return { config: loaded.config, catalog };
}

/** The catalog when its database exists (reading a setting), else null: nothing is created. */
export function catalogIfExists(config: Readonly<Config>): Catalog | null {
  const path = join(config.data.dir, DATABASE_FILE);
  return existsSync(path) ? Catalog.open(path) : null;
}

/** Human-facing commands log warnings only, to stderr, so stdout stays parseable. */
export function cliLogger(): Logger {
  return pino({ level: process.env.BENCHSIGHT_LOG_LEVEL ?? 'warn' }, pino.destination(2));
}

export function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total} {percentage}% | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 2000,
  });
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Prints an error the way a user can act on it and sets a non-zero exit code. */
export function reportError(err: unknown): void {
  if (err instanceof BenchsightError) {
    process.stderr.write(`benchsight: ${err.message} [${err.code}]\n`);
  } else {
    process.stderr.write(`benchsight: ${errorMessage(err)}\n`);
    if (process.env.BENCHSIGHT_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  }
  process.exitCode = process.exitCode || 1;
}

/** A whole number in decimal digits ("0x50", "1e3" and " " are refused rather than read as numbers). */
export function parseIntOption(name: string) {
  return (value: string): number => {
    if (!/^[+-]?\d{1,15}$/.test(value))
      throw new BenchsightError(
        'E_BAD_REQUEST',
        `${name} must be a whole number in decimal digits, got "${value}"`,
      );
    return Number(value);
  };
}

export function parseTime(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(n)) {
    throw new BenchsightError(
      'E_BAD_REQUEST',
      `"${value}" is not a time: use ISO 8601 (2026-11-27T08:00) or ms`,
    );
  }
  return n;
}
