import { spawnSync } from 'node:child_process';
import { missingNodeFlags } from '../../src/node-flags.ts';
import { SHIPPED_ENV } from './daemon-sections.ts';

/**
 * Runs this benchmark under the launchers' malloc settings (SHIPPED_ENV), which glibc reads only
 * when a process starts: where any is missing, the script runs again in a child process that has
 * them, and this process exits with its status. The references this process times (a frame's
 * decode, bare inference) are then measured under the allocator the daemon rows run under. Before,
 * with glibc's defaults, each 2.7 MB decoded frame was mapped and zeroed afresh until its dynamic
 * mmap threshold grew: a 1280x720 decode read 8 to 14 ms there against 5.5 to 6 ms in the daemon,
 * a reference that flattered every ratio measured against it. The same for the launchers' node flags
 * (DAEMON_NODE_FLAGS, read by V8 only at start): this process's references run under the heap
 * settings the daemon rows run under.
 */
export function reexecWithShippedEnv(): void {
  const missing = Object.entries(SHIPPED_ENV).filter(([name, value]) => process.env[name] !== value);
  const flags = missingNodeFlags();
  if (missing.length === 0 && flags.length === 0) return;
  const run = spawnSync(process.execPath, [...flags, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...SHIPPED_ENV },
  });
  if (run.error) throw run.error;
  process.exit(run.status ?? 1);
}
