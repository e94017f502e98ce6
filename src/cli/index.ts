import { Command, Option } from 'commander';
import { redactUrl } from '../catalog/central/url.ts';
import { loadConfig } from '../config/load.ts';
import { BenchsightError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { Daemon } from '../main.ts';
import { missingNodeFlags } from '../node-flags.ts';
import { hashPassword } from '../server/auth.ts';
import { catalogCommands } from './catalog.ts';
import { centralCommands } from './central.ts';
import { configFor, databaseOf, globalOptions, parseIntOption, reportError } from './common.ts';
import { modelCommands } from './model.ts';
import { modelStoreCommands } from './model-store.ts';
import { recognitionCommands } from './recognitions.ts';
import { readableLogStream, reportOnTerminal } from './terminal.ts';
import { unitCommands } from './units.ts';

export function buildProgram(): Command {
  const program = new Command('benchsight')
    .description('Camera-based ASIC board recognition for mining-hardware repair benches')
    .option('-c, --config <file>', 'YAML config file (env: BENCHSIGHT_CONFIG)')
    .option('--data-dir <dir>', 'where the catalog database lives (env: BENCHSIGHT_DATA_DIR)')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  benchsight run                          run the daemon on the defaults (demo bench, http://127.0.0.1:8080)
  benchsight run --config /etc/benchsight/benchsight.yaml
  benchsight catalog import ./boards      import images + boards.yaml
  benchsight recognitions list --board 3 --from 2026-11-01
  benchsight units show SMTTAB5BBJAJG0137
  benchsight config check --config bench.yaml`,
    );

  program
    .command('run')
    .description('run the daemon: capture, recognize, serve the dashboard and API')
    .addOption(
      new Option('-p, --port <port>', 'HTTP port (env: BENCHSIGHT_PORT)').argParser(parseIntOption('--port')),
    )
    .option('--host <address>', 'address to bind (env: BENCHSIGHT_HOST; default 127.0.0.1)')
    .option('--no-demo', 'on the demo bench, do not import the demo catalog into a new catalog')
    .action(async (o, cmd: Command) => {
      const g = globalOptions(cmd);
      const loaded = loadConfig({
        configPath: g.config,
        flags: { port: o.port, dataDir: g.dataDir, host: o.host },
      });
      const { config } = loaded;
      // a person at a terminal reads lines; systemd and pipes keep JSON logs
      const tty = process.stdout.isTTY === true;
      const logger = createLogger(config.log.level, tty ? readableLogStream(process.stdout) : undefined);
      const daemon = new Daemon(config, { seedDemo: o.demo !== false, logger });
      const missing = missingNodeFlags();
      if (missing.length > 0) {
        logger.warn(
          { missing },
          `node was started without ${missing.join(' ')}: each frame then costs more CPU (V8 runs a full ` +
            `garbage collection several times a second); start the daemon with npm start, the systemd unit, ` +
            `or node ${missing.join(' ')} scripts/benchsight.mjs run`,
        );
      }
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        daemon.logger.info({ signal }, 'stopping');
        setTimeout(() => process.exit(1), 10_000).unref();
        daemon.stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGINT', () => shutdown('SIGINT'));
      try {
        await daemon.start();
      } catch (err) {
        await daemon.stop().catch(() => undefined);
        throw err;
      }
      if (tty) reportOnTerminal(daemon, databaseOf(loaded).path, process.stdout);
    });

  const configCmd = program.command('config').description('inspect the configuration');
  configCmd
    .command('check')
    .description('validate the config (file + BENCHSIGHT_* env) and print the effective values')
    .option('--quiet', 'print nothing when valid')
    .action((o, cmd: Command) => {
      const { config, configPath } = configFor(cmd);
      if (!o.quiet) {
        const shown = {
          ...config,
          auth: {
            ...config.auth,
            users: config.auth.users.map((u) => ({ ...u, passwordHash: '[redacted]' })),
            tokens: config.auth.tokens.map((t) => ({ ...t, token: '[redacted]' })),
          },
          ...(config.mqtt?.password ? { mqtt: { ...config.mqtt, password: '[redacted]' } } : {}),
          ...(config.central
            ? { central: { ...config.central, url: redactUrl(config.central.url), password: '[redacted]' } }
            : {}),
          webhooks: config.webhooks.map((h) => ({ ...h, secret: '[redacted]' })),
        };
        process.stdout.write(`# config: ${configPath ?? '(built-in defaults)'}: valid\n`);
        process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      }
    });

  const authCmd = program.command('auth').description('dashboard users and API tokens');
  authCmd
    .command('hash-password')
    .description('read a password from stdin and print the auth.users[].passwordHash for it')
    .action(async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      const password = Buffer.concat(chunks)
        .toString('utf8')
        .replace(/\r?\n$/, '');
      if (password.length < 8)
        throw new BenchsightError('E_BAD_REQUEST', 'use a password of at least 8 characters');
      process.stdout.write(`${hashPassword(password)}\n`);
    });

  catalogCommands(program);
  recognitionCommands(program);
  unitCommands(program);
  centralCommands(program);
  modelCommands(program);
  modelStoreCommands(program);
  return program;
}

/** `benchsight recognitions list | head`: the reader went away, so stop quietly as Unix tools do. */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    reportError(err);
  });
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedPipe();
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    reportError(err);
  }
}
