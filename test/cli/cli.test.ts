import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/load.ts';
import { pattern, TINY_MODEL, tempDir } from '../helpers/daemon.ts';

const run = promisify(execFile);
const BIN = join(PACKAGE_ROOT, 'scripts', 'benchsight.mjs');

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, BENCHSIGHT_LOG_LEVEL: 'error', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Each test starts several CLI processes (node + tsx, an encoder thread): slow on a busy 2-core machine. */
const CLI_STEPS = 180_000;

describe('benchsight command line', { timeout: CLI_STEPS }, () => {
  let dataDir: string;
  let env: Record<string, string>;
  let images: string;

  beforeAll(async () => {
    dataDir = tempDir('bs-cli-data-');
    env = { BENCHSIGHT_DATA_DIR: dataDir, BENCHSIGHT_MODEL: TINY_MODEL };
    images = tempDir('bs-cli-import-');
    writeFileSync(join(images, 'a1.jpg'), await pattern(11));
    writeFileSync(join(images, 'a2.jpg'), await pattern(12));
    writeFileSync(join(images, 'b1.jpg'), await pattern(13));
    writeFileSync(
      join(images, 'boards.csv'),
      [
        'vendor,model,kind,chip_type,chip_count,notes,tags,images',
        'Bitmain,S19j Pro hashboard,hashboard,BM1362,126,"Check 12 V, then the chain",s19;hb,a1.jpg;a2.jpg',
        'MicroBT,M30S hashboard,hashboard,KF1950,148,,m30s,b1.jpg',
      ].join('\n'),
    );
  });

  it('--help lists every command, and each command has its own help', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['run', 'config', 'catalog', 'recognitions', 'reindex', 'embed'])
      expect(top.stdout).toContain(c);
    const imp = await cli(['catalog', 'import', '--help']);
    expect(imp.stdout).toContain('chip_count');
  });

  it('config check lists every error with its path and exits non-zero', async () => {
    const bad = join(tempDir(), 'bad.yaml');
    writeFileSync(bad, 'server: { port: 99999 }\nmatch: { threshold: 5 }\n');
    const r = await cli(['config', 'check', '--config', bad]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('server.port');
    expect(r.stderr).toContain('match.threshold');
    const good = await cli(['config', 'check'], env);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout.split('\n').slice(1).join('\n')).data.dir).toBe(dataDir);
    // the broker password and webhook secrets are not printed
    const secrets = join(tempDir(), 'secrets.yaml');
    writeFileSync(
      secrets,
      'mqtt: { url: "mqtt://broker:1883", username: bench }\nwebhooks:\n  - { url: "https://tickets.example/hook", secret: "hook-secret-0123456789" }\n',
    );
    const shown = await cli(['config', 'check', '--config', secrets], {
      ...env,
      BENCHSIGHT_MQTT_PASSWORD: 'pw-9876',
    });
    expect(shown.code).toBe(0);
    const effective = JSON.parse(shown.stdout.split('\n').slice(1).join('\n'));
    expect(effective.mqtt).toMatchObject({
      username: 'bench',
      password: '[redacted]',
      topicPrefix: 'benchsight',
    });
    expect(effective.webhooks[0].secret).toBe('[redacted]');
    expect(shown.stdout).not.toContain('pw-9876');
    expect(shown.stdout).not.toContain('hook-secret-0123456789');
  });

  it('run with a bad config exits non-zero before opening its port', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const bad = join(tempDir(), 'bad.yaml');
    writeFileSync(bad, `server: { port: ${port} }\ncamera: { source: { kind: stream } }\n`);
    const r = await cli(['run', '--config', bad]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('camera.source.input');
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer()
        .once('error', () => resolve(false))
        .listen(port, () => s.close(() => resolve(true)));
    });
    expect(free).toBe(true);
  });

  it('imports a folder with a CSV manifest, lists, embeds, reindexes and removes', async () => {
    const imp = await cli(['catalog', 'import', images], env);
    expect(imp.code).toBe(0);
    expect(imp.stdout).toContain('2 created, 0 updated, 0 unchanged, 0 skipped; 3 references added');
    const list = JSON.parse((await cli(['catalog', 'list', '--json'], env)).stdout) as {
      model: string;
      notes: string;
    }[];
    expect(list.map((b) => b.model).sort()).toEqual(['M30S hashboard', 'S19j Pro hashboard']);
    expect(list.find((b) => b.model.startsWith('S19'))!.notes).toBe('Check 12 V, then the chain');

    const emb = JSON.parse((await cli(['embed', join(images, 'a1.jpg')], env)).stdout);
    expect(emb[0].dim).toBe(32);
    const norm = Math.hypot(...(emb[0].embedding as number[]));
    expect(norm).toBeCloseTo(1, 4);

    const same = await cli(['reindex'], env);
    expect(same.stdout).toContain('0 references embedded');
    const other = await cli(['reindex', '--model', 'benchsight-tiny'], env);
    expect(other.code).toBe(0);
    expect(other.stdout).toContain('3 references embedded with benchsight-tiny');

    const searched = JSON.parse((await cli(['catalog', 'list', '--json', '--search', 'kf1950'], env)).stdout);
    expect(searched).toHaveLength(1);
    const removed = await cli(['catalog', 'remove', String(searched[0].id)], env);
    expect(removed.stdout).toContain('removed board');
    const missing = await cli(['catalog', 'remove', '9999'], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no board 9999');
  });

  it('recognitions list and export work on an empty history', async () => {
    const list = await cli(['recognitions', 'list'], env);
    expect(list.stdout).toContain('0 of 0 shown');
    const out = join(tempDir(), 'history.csv');
    const exp = await cli(['recognitions', 'export', '--out', out, '--from', '2026-01-01'], env);
    expect(exp.code).toBe(0);
    const bad = await cli(['recognitions', 'list', '--from', 'last tuesday'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('is not a time');
  });
});
