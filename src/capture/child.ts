import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** How long a capture process gets to exit after SIGTERM before SIGKILL. */
export const KILL_GRACE_MS = 2000;
const STDERR_TAIL_CHARS = 4096;
/** How long stopping waits, after SIGKILL, for every process of the group to be gone. */
const GROUP_GONE_MS = 2000;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (not found, not executable). */
  error?: Error;
}

/**
 * A capture program in its own process group, so that stopping it also stops whatever it started
 * (a wrapper script's ffmpeg, the shell around fswebcam).
 */
export interface CaptureProcess {
  readonly pid: number | undefined;
  readonly stdout: Readable;
  /** Resolves once the process has exited and its output has been read. */
  readonly closed: Promise<ChildExit>;
  stderrTail(): string;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when the process has exited. */
  kill(graceMs?: number): Promise<void>;
}

export function spawnCapture(command: string, args: readonly string[]): CaptureProcess {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // A pipe error must not become an uncaught 'error' event; the exit is reported through `closed`.
  child.stdout.on('error', () => {});
  child.stderr.on('error', () => {});
  let tail = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    tail = (tail + text).slice(-STDERR_TAIL_CHARS);
  });
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const closed = new Promise<ChildExit>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const pgid = child.pid;
  /** Signals every process in the group; false when none is left. */
  const signalGroup = (signal: NodeJS.Signals): boolean => {
    if (pgid === undefined) return false;
    try {
      process.kill(-pgid, signal);
      return true;
    } catch {
      return false;
    }
  };
  return {
    pid: child.pid,
    stdout: child.stdout,
    closed,
    stderrTail: () => tail,
    async kill(graceMs = KILL_GRACE_MS) {
      if (signalGroup('SIGTERM')) {
        await within(exit, graceMs);
        // Whatever is left in the group once the leader is gone (or after the grace period) is
        // killed: fswebcam ignores SIGTERM, a wrapper script's child may outlive the script. The
        // group id cannot have been reused while members remain.
        signalGroup('SIGKILL');
        await exit;
        // A signalled process takes a moment to die: until the group is empty, a camera device may
        // still be held by it, and a restart's new process would find it busy.
        if (pgid !== undefined) await groupGone(pgid, GROUP_GONE_MS);
      }
      child.stdout.destroy();
      child.stderr.destroy();
    },
  };
}

/**
 * Waits, for at most `ms`, until no live process is left in group `pgid`. Dead ones waiting to be
 * reaped (zombies: they hold no device) do not count, so this does not wait on how promptly the
 * init process reaps the orphans. Reads /proc (Linux); elsewhere it does not wait.
 */
async function groupGone(pgid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (liveInGroup(pgid) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function liveInGroup(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return false;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // after "(comm)": state ppid pgrp ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z' && state !== 'X' && Number(pgrp) === pgid) return true;
    } catch {
      // exited while we looked
    }
  }
  return false;
}

/** Resolves when `promise` does or after `ms`, whichever comes first, leaving no timer behind. */
function within(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: fswebcam colours its messages with ANSI escapes
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** The last meaningful line a program printed, without colours or ffmpeg's "[demuxer @ 0x...]" prefix. */
export function lastLine(text: string): string {
  const lines = text
    .replace(ANSI, '')
    .split(/\r?\n|\r/)
    .map((line) => line.replace(/^\[[^\]]* @ 0x[0-9a-f]+\]\s*/i, '').trim())
    .filter((line) => line.length > 0);
  const line = lines[lines.length - 1] ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** "ffmpeg exited with code 1: /dev/video0: No such file or directory" */
export function exitReason(program: string, exit: ChildExit, stderr: string): string {
  if (exit.error) return `cannot run ${program}: ${exit.error.message}`;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const line = lastLine(stderr);
  return line ? `${program} ${how}: ${line}` : `${program} ${how}`;
}
