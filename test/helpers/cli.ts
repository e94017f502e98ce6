import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../../src/config/load.ts';

const run = promisify(execFile);
export const BIN = join(PACKAGE_ROOT, 'scripts', 'benchsight.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real `benchsight` command in its own process (node + tsx), in `cwd` when given. */
export async function cli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, BENCHSIGHT_LOG_LEVEL: 'error' };
  for (const key of ['BENCHSIGHT_DATA_DIR', 'BENCHSIGHT_CONFIG', 'BENCHSIGHT_MODEL']) delete env[key];
  Object.assign(env, opts.env);
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: env as NodeJS.ProcessEnv,
      cwd: opts.cwd ?? PACKAGE_ROOT,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** `benchsight ARGS | head -n LINES` through a real shell pipe: what the reader saw and the CLI's stderr. */
export async function cliIntoHead(
  args: string[],
  lines: number,
  env: Record<string, string>,
): Promise<{ code: number; head: string; stderr: string }> {
  const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn(
    'bash',
    ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" ${quoted} | head -n ${lines}`],
    { env: { ...process.env, BENCHSIGHT_LOG_LEVEL: 'error', ...env }, cwd: PACKAGE_ROOT },
  );
  let head = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    head += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, head, stderr };
}
