import type { Command } from 'commander';
import { DEFAULT_MODEL } from '../config/schema.ts';
import { BenchsightError } from '../errors.ts';
import { assertUnchanged } from '../modelstore/check-model.ts';
import { fetchModel } from '../modelstore/fetch.ts';
import { listModels, verifyModel } from '../modelstore/registry.ts';
import type { StatusPayload } from '../protocol.ts';
import { ACTIVE_MODEL_SETTING, activeModelName, modelInstallDir, openModelAndCatalog } from '../runtime.ts';
import { catalogIfExists, cliLogger, configFor, parseIntOption, progressBar } from './common.ts';
import { daemonRequest } from './daemon-client.ts';

const mb = (n: number | null) => (n === null ? '-' : `${(n / 1e6).toFixed(1)} MB`);

function findEntry(cmd: Command, name: string) {
  const { config } = configFor(cmd);
  const { entries } = listModels(config.model.dir, modelInstallDir(config));
  const entry = entries.find((e) => e.name === name);
  if (!entry) {
    throw new BenchsightError(
      'E_MODEL_MISSING',
      `no model named ${name}; known: ${entries.map((e) => e.name).join(', ')} (see \`benchsight model list\`)`,
    );
  }
  return { config, entry };
}

export function modelStoreCommands(program: Command): void {
  const model = program.command('model').description('install, check and switch encoder models');

  model
    .command('fetch')
    .description(
      'download a model named in models/, verify its size, sha256 and that onnxruntime runs it as its manifest says, install it atomically',
    )
    .argument('<name>', 'model name (see `model list`)')
    .option('--from <url|file>', 'a mirror URL or a local file (air-gapped benches)')
    .option(
      '--timeout <seconds>',
      'give up an attempt after this long without data',
      parseIntOption('--timeout'),
      30,
    )
    .option(
      '--retries <n>',
      'attempts after a failed one; each resumes the partial file',
      parseIntOption('--retries'),
      5,
    )
    .action(async (name: string, o, cmd: Command) => {
      const { entry } = findEntry(cmd, name);
      const bar = progressBar(`fetching ${name}`);
      try {
        const r = await fetchModel(entry.loaded, {
          ...(o.from ? { from: o.from } : {}),
          stallTimeoutMs: o.timeout * 1000,
          retries: o.retries,
          onProgress: (done, total) => bar.update(done, total ?? done),
          onRetry: (n, reason, delay) =>
            process.stderr.write(
              `\nattempt ${n} failed (${reason}); resuming in ${Math.round(delay / 1000)} s\n`,
            ),
        });
        bar.stop();
        process.stdout.write(`installed ${name}: ${r.path} (${mb(r.bytes)}, sha256 ${r.sha256})\n`);
        if (r.recordedFirst) {
          process.stdout.write(
            'the manifest named no sha256: this fetch recorded it; `model verify` checks the file against it from now on\n',
          );
        }
      } finally {
        bar.stop();
      }
    });

  model
    .command('list')
    .description('models known in models/: installed, active, size, verified')
    .option('--json', 'print JSON')
    .action((o, cmd: Command) => {
      const { config } = configFor(cmd);
      const db = catalogIfExists(config);
      const active = db ? activeModelName(config, db) : (config.model.name ?? DEFAULT_MODEL);
      db?.close();
      const { entries, broken } = listModels(config.model.dir, modelInstallDir(config));
      const rows = entries.map((e) => ({
        name: e.name,
        id: e.loaded.manifest.id,
        installed: e.installed,
        active: e.name === active,
        bytes: e.bytes,
        verified: e.record ? (e.record.recordedFirst ? 'recorded at fetch' : 'at fetch') : null,
        embeddingSize: e.loaded.manifest.embeddingSize,
        randomWeights: e.loaded.manifest.randomWeights,
      }));
      if (o.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        for (const r of rows) {
          process.stdout.write(
            `${r.active ? '*' : ' '} ${r.name.padEnd(22)} ${(r.installed ? 'installed' : 'not installed').padEnd(14)} ${mb(r.bytes).padStart(9)}  ${String(r.embeddingSize).padStart(4)}-d  ${r.verified ? `verified ${r.verified}` : ''}${r.randomWeights ? ' (random weights)' : ''}\n`,
          );
        }
        process.stdout.write('* = active\n');
      }
      for (const b of broken) process.stderr.write(`unreadable manifest ${b}\n`);
    });

  model
    .command('verify')
    .description("re-hash installed models and compare with the manifest's (or the first fetch's) sha256")
    .argument('[names...]', 'models to check (default: every installed one)')
    .action(async (names: string[], _o, cmd: Command) => {
      const { config } = configFor(cmd);
      const { entries } = listModels(config.model.dir, modelInstallDir(config));
      const chosen = names.length
        ? entries.filter((e) => names.includes(e.name))
        : entries.filter((e) => e.installed);
      for (const n of names)
        if (!entries.some((e) => e.name === n))
          throw new BenchsightError('E_MODEL_MISSING', `no model named ${n}`);
      let bad = 0;
      for (const e of chosen) {
        const v = await verifyModel(e);
        if (v.status === 'ok')
          process.stdout.write(`ok        ${e.name} (sha256 matches the ${v.against})\n`);
        else if (v.status === 'unrecorded')
          process.stdout.write(`unchecked ${e.name}: no sha256 known (sha256 ${v.sha256})\n`);
        else if (v.status === 'missing') {
          bad++;
          process.stdout.write(`missing   ${e.name}: run \`benchsight model fetch ${e.name}\`\n`);
        } else {
          bad++;
          process.stdout.write(
            `MISMATCH  ${e.name}: sha256 ${v.sha256}, ${v.against} says ${v.expected}; fetch it again\n`,
          );
        }
      }
      if (bad) process.exitCode = 1;
    });

  model
    .command('use')
    .description(
      'switch the active model: re-embeds the catalog (progress bar) while the old model keeps recognizing',
    )
    .argument('<name>', 'model name (see `model list`)')
    .action(async (name: string, _o, cmd: Command) => {
      const { config, entry } = findEntry(cmd, name);
      if (!entry.installed)
        throw new BenchsightError(
          'E_MODEL_MISSING',
          `${name} is not installed: run \`benchsight model fetch ${name}\``,
        );
      const bar = progressBar(`re-embedding with ${name}`);
      try {
        const live = await daemonRequest(config, 'POST', '/api/model/use', { name });
        if (live) {
          // the daemon switches; follow its progress
          for (;;) {
            const status = (await daemonRequest(config, 'GET', '/api/status')) as StatusPayload;
            const s = status.modelSwitch;
            if (s?.error) throw new BenchsightError('E_MODEL_RUN', `the daemon could not switch: ${s.error}`);
            if (!s) break;
            bar.update(s.done, Math.max(s.total, 1));
            await new Promise((r) => setTimeout(r, 300));
          }
          bar.stop();
          process.stdout.write(`the running daemon now recognizes with ${name}\n`);
          return;
        }
        await assertUnchanged(entry);
        const parts = await openModelAndCatalog(config, cliLogger(), name);
        try {
          const n = await parts.recognizer.reindex((done, total) => bar.update(done, Math.max(total, 1)));
          parts.catalog.setSetting(ACTIVE_MODEL_SETTING, name);
          bar.stop();
          process.stdout.write(
            `${n} references embedded; ${name} is the active model (daemon not running: used at its next start)\n`,
          );
        } finally {
          await parts.encoder.stop();
          parts.catalog.close();
        }
      } finally {
        bar.stop();
      }
    });
}
