import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

/** Debian's mosquitto is in /usr/sbin, which a normal user's PATH lacks. */
const MOSQUITTO = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      server.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export interface BrokerOptions {
  /** user -> password; absent: anonymous clients are allowed. */
  users?: Record<string, string>;
  /** TLS only (mqtts://), and clients must show a certificate signed by the CA. */
  tls?: TestCertificates;
}

/** PEM files: a CA, the broker's certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
export interface TestCertificates {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** Makes a throwaway CA and its certificates with openssl (EC keys: fast). */
export function makeCertificates(dir: string): TestCertificates {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=benchsight test CA',
  );
  for (const [name, subject, ext] of [
    ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
    ['client', '/CN=bench', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    writeFileSync(file(`${name}.ext`), `${ext}\n`);
    openssl('req', ...ec, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject);
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file(`${name}.pem`),
      '-days',
      '2',
      '-extfile',
      file(`${name}.ext`),
    );
  }
  return {
    ca: file('ca.pem'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
  };
}

/**
 * A real mosquitto on 127.0.0.1 with its own config in `dir`, no persistence: a restart forgets
 * every retained message, so what a subscriber sees after one was published again.
 */
export class Broker {
  readonly dir: string;
  readonly #opts: BrokerOptions;
  #port = 0;
  #proc: ChildProcess | null = null;

  constructor(dir: string, opts: BrokerOptions = {}) {
    this.dir = dir;
    this.#opts = opts;
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `${this.#opts.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.#port}`;
  }

  /** Writes the password file (mosquitto_passwd); a running broker reads it again on SIGHUP. */
  setUsers(users: Record<string, string>): void {
    const file = join(this.dir, 'passwords');
    writeFileSync(file, '');
    for (const [user, password] of Object.entries(users)) {
      execFileSync('mosquitto_passwd', ['-b', file, user, password]);
    }
    this.#proc?.kill('SIGHUP');
  }

  /** Starts on `port` (the same one after a kill), or a free one; resolves once it listens. */
  async start(port?: number): Promise<void> {
    this.#port = port ?? (this.#port || (await freePort()));
    const users = this.#opts.users;
    const lines = [
      `listener ${this.#port} 127.0.0.1`,
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      'log_type information',
      // run as whoever runs the tests (as root, mosquitto would switch to a user that cannot read dir)
      `user ${userInfo().username}`,
    ];
    const tls = this.#opts.tls;
    if (tls) {
      lines.push(
        `cafile ${tls.ca}`,
        `certfile ${tls.serverCert}`,
        `keyfile ${tls.serverKey}`,
        'require_certificate true',
      );
    }
    if (users) {
      this.setUsers(users);
      lines.push('allow_anonymous false', `password_file ${join(this.dir, 'passwords')}`);
    } else {
      lines.push('allow_anonymous true');
    }
    const conf = join(this.dir, 'mosquitto.conf');
    writeFileSync(conf, `${lines.join('\n')}\n`);
    const proc = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#proc = proc;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      proc.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (/mosquitto version \S+ running/.test(log)) resolve();
      });
      proc.once('exit', (code) => reject(new Error(`mosquitto exited (${code}) before listening:\n${log}`)));
    });
  }

  /** SIGKILL: the broker vanishes without a word to its clients. */
  async kill(): Promise<void> {
    await this.#end('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.#end('SIGTERM');
  }

  async #end(signal: NodeJS.Signals): Promise<void> {
    const proc = this.#proc;
    this.#proc = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
  }
}

/** What a subscriber received: every message, in order, with its retain flag. */
export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

/**
 * An MQTT.js subscriber that records every message; `next` resolves with the first message (already
 * received, or to come) that matches.
 */
export class Subscriber {
  readonly client: MqttClient;
  readonly messages: Received[] = [];
  readonly #waiters = new Set<{ pred: (m: Received) => boolean; resolve: (m: Received) => void }>();

  private constructor(client: MqttClient) {
    this.client = client;
    client.on('message', (topic, payload, packet) => {
      const m = { topic, payload: payload.toString(), retain: packet.retain };
      this.messages.push(m);
      for (const w of this.#waiters) {
        if (w.pred(m)) {
          this.#waiters.delete(w);
          w.resolve(m);
        }
      }
    });
  }

  static async connect(url: string, topics: string[], options: IClientOptions = {}): Promise<Subscriber> {
    const client = connect(url, { reconnectPeriod: 0, ...options });
    const sub = new Subscriber(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(topics, { qos: 1 });
    return sub;
  }

  /** The first message, from the start, that matches; rejects after `ms` with what was seen. */
  next(pred: (m: Received) => boolean, what: string, ms = 30_000): Promise<Received> {
    const seen = this.messages.find(pred);
    if (seen) return Promise.resolve(seen);
    return this.#wait(pred, what, ms);
  }

  #wait(pred: (m: Received) => boolean, what: string, ms: number): Promise<Received> {
    return new Promise((resolve, reject) => {
      const waiter = {
        pred,
        resolve: (m: Received) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const last = this.messages.slice(-5).map((m) => `${m.topic} ${m.payload.slice(0, 120)}`);
        reject(new Error(`no MQTT message: ${what} within ${ms} ms; last seen:\n${last.join('\n')}`));
      }, ms);
      this.#waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** The client side of `makeCertificates`, as MQTT.js takes it. */
export function clientTls(c: TestCertificates): IClientOptions {
  return { ca: readFileSync(c.ca), cert: readFileSync(c.clientCert), key: readFileSync(c.clientKey) };
}
