import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { BenchsightError } from '../errors.ts';
import { describeConfigIssues, type YamlSource } from './problems.ts';
import { type Config, configSchema } from './schema.ts';

/** The repository / package root (where models/ and package.json live). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ConfigSources {
  /** Path of the YAML file; omitted: BENCHSIGHT_CONFIG, else built-in defaults. */
  configPath?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Command-line flags, highest precedence. */
  flags?: { port?: number | undefined; dataDir?: string | undefined; host?: string | undefined };
  /** Where an installed benchsight keeps its data (tests point it elsewhere). */
  systemDataDir?: string;
}

/** The data folder of an installed benchsight (scripts/install-systemd.sh, StateDirectory=). */
export const SYSTEM_DATA_DIR = '/var/lib/benchsight';

/** Which rule chose the data folder, in the words `benchsight` prints. */
export type DataDirSource = '--data-dir' | 'BENCHSIGHT_DATA_DIR' | 'config' | 'installed' | 'default';

export interface LoadedConfig {
  config: Readonly<Config>;
  /** Where each value came from, for `config check`. */
  configPath: string | null;
  /** Which rule chose config.data.dir: flag, env, config file, the installed system folder, ./data. */
  dataDirSource: DataDirSource;
}

/** The system folder counts when benchsight is installed there and this user may read it. */
function installedDataDir(dir: string): boolean {
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

type Json = Record<string, unknown>;

function section(obj: Json, key: string): Json {
  const existing = obj[key];
  if (existing && typeof existing === 'object' && !Array.isArray(existing)) return existing as Json;
  const created: Json = {};
  obj[key] = created;
  return created;
}

/**
 * A port from the environment: decimal digits only. Number() would read " " as 0 (any free port)
 * and "0x50" as 80, so neither is passed through silently.
 */
function envPort(env: NodeJS.ProcessEnv, name: string, errors: string[]): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,5}$/.test(raw)) {
    errors.push(
      `env ${name}: expected a port number, decimal digits 0-65535 (0: any free port), got "${raw}"`,
    );
    return undefined;
  }
  return Number(raw);
}

function readYaml(path: string): { raw: Json; source: YamlSource } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BenchsightError('E_CONFIG', `config file ${path} could not be read: ${(err as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const [first] = doc.errors;
  if (first) {
    throw new BenchsightError('E_CONFIG', `config file ${path} is not valid YAML: ${first.message}`);
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return { raw: {}, source: { doc, lines } };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new BenchsightError('E_CONFIG', `config file ${path} must hold a YAML mapping (key: value lines)`);
  }
  return { raw: value as Json, source: { doc, lines } };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The broker's CA and the client's certificate and key, as absolute paths to files that exist. */
function resolveTlsFiles(
  mqtt: NonNullable<Config['mqtt']>,
  abs: (p: string) => string,
  configPath: string | undefined,
): void {
  const missing: string[] = [];
  for (const key of ['ca', 'cert', 'key'] as const) {
    const path = mqtt[key];
    if (path === undefined) continue;
    mqtt[key] = abs(path);
    if (!existsSync(mqtt[key])) missing.push(`  - mqtt.${key}: no file ${mqtt[key]} (expected a PEM file)`);
  }
  if (missing.length > 0) {
    const where = configPath ? `config ${resolve(configPath)}` : 'config';
    throw new BenchsightError(
      'E_CONFIG',
      `${where} is invalid (${missing.length} problem${missing.length === 1 ? '' : 's'}):\n${missing.join('\n')}`,
    );
  }
}

/**
 * YAML file, then BENCHSIGHT_* environment variables, then flags; validated once, every problem
 * reported with its path, then frozen. Relative paths in the file resolve against the file's folder.
 */
export function loadConfig(sources: ConfigSources = {}): LoadedConfig {
  const env = sources.env ?? process.env;
  const configPath = sources.configPath ?? (env.BENCHSIGHT_CONFIG || undefined);
  const file = configPath ? readYaml(resolve(configPath)) : undefined;
  const raw: Json = file?.raw ?? {};
  const baseDir = configPath ? dirname(resolve(configPath)) : process.cwd();
  const errors: string[] = [];

  const port = sources.flags?.port ?? envPort(env, 'BENCHSIGHT_PORT', errors);
  if (port !== undefined) section(raw, 'server').port = port;
  const host = sources.flags?.host ?? (env.BENCHSIGHT_HOST || undefined);
  if (host !== undefined) section(raw, 'server').host = host;
  const dataDir = sources.flags?.dataDir ?? (env.BENCHSIGHT_DATA_DIR || undefined);
  const fileDataDir = typeof raw.data === 'object' && raw.data !== null && 'dir' in (raw.data as Json);
  // One order for the daemon and every command: flag, env, config file, installed system folder, ./data.
  const systemDataDir = sources.systemDataDir ?? SYSTEM_DATA_DIR;
  let dataDirSource: DataDirSource;
  if (sources.flags?.dataDir !== undefined) dataDirSource = '--data-dir';
  else if (dataDir !== undefined) dataDirSource = 'BENCHSIGHT_DATA_DIR';
  else if (fileDataDir) dataDirSource = 'config';
  else if (installedDataDir(systemDataDir)) dataDirSource = 'installed';
  else dataDirSource = 'default';
  if (dataDir !== undefined) section(raw, 'data').dir = dataDir;
  else if (dataDirSource === 'installed') section(raw, 'data').dir = systemDataDir;
  if (env.BENCHSIGHT_MODEL) section(raw, 'model').name = env.BENCHSIGHT_MODEL;
  if (env.BENCHSIGHT_LOG_LEVEL) section(raw, 'log').level = env.BENCHSIGHT_LOG_LEVEL;
  // only where the file configures a broker: the password alone does not turn MQTT on
  if (env.BENCHSIGHT_MQTT_PASSWORD && raw.mqtt && typeof raw.mqtt === 'object') {
    (raw.mqtt as Json).password = env.BENCHSIGHT_MQTT_PASSWORD;
  }
  if (env.BENCHSIGHT_CENTRAL_PASSWORD && raw.central && typeof raw.central === 'object') {
    (raw.central as Json).password = env.BENCHSIGHT_CENTRAL_PASSWORD;
  }

  const cameraGiven =
    raw.cameras !== undefined ||
    (typeof raw.camera === 'object' && raw.camera !== null && 'source' in (raw.camera as Json));
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    errors.push(...describeConfigIssues(parsed.error.issues, raw, configSchema, file?.source));
  }
  if (errors.length > 0 || !parsed.success) {
    const where = configPath ? `config ${resolve(configPath)}` : 'config';
    throw new BenchsightError(
      'E_CONFIG',
      `${where} is invalid (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n` +
        errors.map((e) => `  - ${e}`).join('\n') +
        '\nFix these and run `benchsight config check` to verify.',
    );
  }
  const config = parsed.data;

  const abs = (p: string, base: string) => (isAbsolute(p) ? p : resolve(base, p));
  config.data.dir = abs(config.data.dir, dataDir !== undefined ? process.cwd() : baseDir);
  config.model.dir =
    config.model.dir === 'models' ? join(PACKAGE_ROOT, 'models') : abs(config.model.dir, baseDir);
  if (config.mqtt) resolveTlsFiles(config.mqtt, (p) => abs(p, baseDir), configPath);
  for (const camera of config.cameras) {
    const source = camera.source;
    if (!cameraGiven && source.kind === 'folder') {
      source.path = join(config.data.dir, 'demo', 'frames');
    } else if (source.kind === 'folder') {
      source.path = abs(source.path, baseDir);
    } else if (source.kind === 'stream' && source.format !== 'lavfi' && !/^[a-z]+:\/\//i.test(source.input)) {
      const candidate = abs(source.input, baseDir);
      if (existsSync(candidate)) source.input = candidate;
    }
  }
  return {
    config: deepFreeze(config),
    configPath: configPath ? resolve(configPath) : null,
    dataDirSource,
  };
}
