import { execFile } from 'node:child_process';

/**
 * sd_notify through the systemd-notify binary (Node has no AF_UNIX datagram sockets). The unit sets
 * NotifyAccess=all so messages sent by the helper process are accepted for the daemon's service.
 * Outside systemd (no NOTIFY_SOCKET) every call is a no-op.
 */
export class SystemdNotifier {
  readonly #enabled: boolean;
  #watchdog: NodeJS.Timeout | null = null;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.#enabled = Boolean(env.NOTIFY_SOCKET);
    const usec = Number(env.WATCHDOG_USEC);
    if (this.#enabled && Number.isFinite(usec) && usec > 0) {
      this.#watchdog = setInterval(() => this.#send(['WATCHDOG=1']), Math.max(1000, usec / 2000));
      this.#watchdog.unref();
    }
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  ready(status: string): void {
    this.#send(['--ready', `--status=${status}`]);
  }

  status(status: string): void {
    this.#send([`--status=${status}`]);
  }

  stopping(): void {
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.#send(['--status=stopping', 'STOPPING=1']);
  }

  #send(args: string[]): void {
    if (!this.#enabled) return;
    execFile('systemd-notify', [`--pid=${process.pid}`, ...args], () => {
      // best effort: a missed notification is reported by systemd itself
    });
  }
}
