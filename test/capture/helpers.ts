import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CameraStatus, Frame, FrameSource } from '../../src/capture/types.ts';
import type { SupervisionConfig } from '../../src/config/schema.ts';

/** Short timeouts so that failure paths run in well under a second. */
export const FAST_SUPERVISION: SupervisionConfig = {
  stallTimeoutMs: 1500,
  backoffInitialMs: 100,
  backoffMaxMs: 800,
  maxGarbageFrames: 5,
};

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `benchsight-test-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'pipe' });
}

/** JPEG stills of ffmpeg's moving test pattern: `pattern` like dir/f%03d.jpg. */
export function writeTestStills(pattern: string, count: number, size = '320x240'): void {
  ffmpeg('-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25`, '-frames:v', String(count), pattern);
}

/** An executable shell script (a stand-in ffmpeg that misbehaves in a chosen way). */
export function writeScript(file: string, body: string): string {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function waitForStatus(
  source: FrameSource,
  predicate: (status: CameraStatus) => boolean,
  timeoutMs: number,
): Promise<CameraStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = source.status();
    if (predicate(status)) return status;
    if (Date.now() > deadline) {
      throw new Error(`status not reached within ${timeoutMs} ms; last: ${JSON.stringify(status)}`);
    }
    await sleep(20);
  }
}

/** Frames a fast consumer gets within `ms` (stops early at `max`). */
export async function collectFrames(source: FrameSource, ms: number, max = Number.POSITIVE_INFINITY) {
  const frames: Frame[] = [];
  const it = source.frames()[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    while (frames.length < max) {
      const next = await Promise.race([it.next(), timeout]);
      if (next === 'timeout' || next.done) break;
      frames.push(next.value);
    }
  } finally {
    clearTimeout(timer);
    await it.return?.();
  }
  return frames;
}

/** Every status the source reports, in order. */
export function recordStatuses(source: FrameSource): Array<CameraStatus & { at: number }> {
  const seen: Array<CameraStatus & { at: number }> = [];
  source.onStatus((status) => seen.push({ ...status, at: Date.now() }));
  return seen;
}

interface ProcInfo {
  pid: number;
  ppid: number;
  pgrp: number;
}

function processes(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after "(comm)": state ppid pgrp ...
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') out.push({ pid: Number(name), ppid: Number(ppid), pgrp: Number(pgrp) });
    } catch {
      // Exited while we looked.
    }
  }
  return out;
}

/** Processes whose parent is this test process (Linux /proc). */
export function childPids(): number[] {
  return processes()
    .filter((p) => p.ppid === process.pid)
    .map((p) => p.pid);
}

/** Live processes in the given process groups, wherever they were re-parented to. */
export function processesInGroups(pgids: readonly number[]): number[] {
  return processes()
    .filter((p) => pgids.includes(p.pgrp))
    .map((p) => p.pid);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
