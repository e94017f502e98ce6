import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DAEMON_NODE_FLAGS } from '../../src/node-flags.ts';
import type { ChildSample, ChildSpec, FromChild } from './daemon-protocol.ts';

const CHILD = fileURLToPath(new URL('./daemon-child.ts', import.meta.url));
const STOP_TIMEOUT_MS = 15_000;

type Ready = Extract<FromChild, { type: 'ready' }>;

/** A daemon in a child process (see daemon-child.ts): sample it, then stop it. */
export class DaemonProcess {
  readonly ready: Ready;
  readonly #child: ChildProcess;
  readonly #waiting: ((msg: FromChild) => void)[] = [];

  private constructor(child: ChildProcess, ready: Ready) {
    this.#child = child;
    this.ready = ready;
    child.on('message', (msg: FromChild) => this.#waiting.shift()?.(msg));
  }

  get url(): string {
    return `http://127.0.0.1:${this.ready.port}`;
  }

  static async start(spec: ChildSpec, timeoutMs = 180_000): Promise<DaemonProcess> {
    const env = { ...process.env, ...spec.env };
    for (const name of spec.unsetEnv ?? []) delete env[name];
    const child = fork(CHILD, [JSON.stringify(spec)], {
      execArgv: ['--import', 'tsx', ...(spec.nodeFlags ?? DAEMON_NODE_FLAGS)],
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const first = await new Promise<FromChild>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`benchmark daemon did not start within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      child.once('message', (msg: FromChild) => {
        clearTimeout(timer);
        resolve(msg);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`benchmark daemon exited during start (code ${code})`));
      });
    });
    if (first.type !== 'ready') {
      child.kill('SIGKILL');
      throw new Error(
        `benchmark daemon failed to start: ${first.type === 'failed' ? first.message : first.type}`,
      );
    }
    child.removeAllListeners('exit');
    return new DaemonProcess(child, first);
  }

  sample(): Promise<ChildSample> {
    return new Promise<ChildSample>((resolve, reject) => {
      this.#waiting.push((msg) => {
        if (msg.type === 'sample') resolve(msg.sample);
        else reject(new Error(`benchmark daemon answered ${msg.type} to a sample request`));
      });
      this.#child.send({ cmd: 'sample' });
    });
  }

  /** Geometric verification on or off in the running daemon; resolves to whether it is on now. */
  setVerification(enabled: boolean): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.#waiting.push((msg) => {
        if (msg.type === 'verify') resolve(msg.enabled);
        else reject(new Error(`benchmark daemon answered ${msg.type} to a verify request`));
      });
      this.#child.send({ cmd: 'verify', enabled });
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    this.#child.send({ cmd: 'stop' });
    await exited;
    clearTimeout(timer);
  }
}
