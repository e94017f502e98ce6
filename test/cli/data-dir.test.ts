import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.ts';
import { loadConfig } from '../../src/config/load.ts';
import { cli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/daemon.ts';

describe('which database the CLI opens', { timeout: 180_000 }, () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = tempDir('bs-cli-dd-');
    const db = Catalog.open(join(dataDir, 'benchsight.db'));
    db.createBoard({ vendor: 'Bitmain', model: 'S21', kind: 'hashboard' });
    db.close();
  });

  it('a read in a folder without a database says where it looked and creates nothing', async () => {
    const elsewhere = tempDir('bs-cli-elsewhere-');
    for (const args of [
      ['catalog', 'list'],
      ['recognitions', 'list'],
      ['catalog', 'remove', '1'],
    ]) {
      const r = await cli(args, { cwd: elsewhere });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`no catalog database at ${join(elsewhere, 'data', 'benchsight.db')}`);
      expect(r.stderr).toContain('--data-dir');
      expect(r.stdout).not.toContain('no boards');
    }
    expect(existsSync(join(elsewhere, 'data'))).toBe(false);
  });

  it('prints the database it opened and the rule that chose it: flag, env, config file', async () => {
    const db = join(dataDir, 'benchsight.db');
    const byFlag = await cli(['--data-dir', dataDir, 'catalog', 'list']);
    expect(byFlag.stdout).toContain('Bitmain S21');
    expect(byFlag.stderr).toContain(`database: ${db} (from --data-dir)`);
    const byEnv = await cli(['catalog', 'list', '--json'], { env: { BENCHSIGHT_DATA_DIR: dataDir } });
    expect(JSON.parse(byEnv.stdout)).toHaveLength(1);
    expect(byEnv.stderr).toContain(`database: ${db} (from BENCHSIGHT_DATA_DIR)`);
    const config = join(tempDir(), 'bench.yaml');
    writeFileSync(config, `data: { dir: ${dataDir} }\n`);
    const byFile = await cli(['--config', config, 'recognitions', 'list']);
    expect(byFile.code).toBe(0);
    expect(byFile.stderr).toContain(`database: ${db} (from data.dir in the config file)`);
  });
});

describe('the data folder rule shared by the daemon and the CLI', () => {
  it('uses the installed system folder after flag, env and config file, and ./data when not installed', () => {
    const system = tempDir('bs-var-lib-');
    const installed = loadConfig({ env: {}, systemDataDir: system });
    expect(installed.config.data.dir).toBe(system);
    expect(installed.dataDirSource).toBe('installed');
    const env = loadConfig({ env: { BENCHSIGHT_DATA_DIR: '/tmp/x' }, systemDataDir: system });
    expect([env.config.data.dir, env.dataDirSource]).toEqual(['/tmp/x', 'BENCHSIGHT_DATA_DIR']);
    const dir = tempDir();
    mkdirSync(join(dir, 'etc'));
    const file = join(dir, 'etc', 'bench.yaml');
    writeFileSync(file, 'data: { dir: ../store }\n');
    const fromFile = loadConfig({ configPath: file, env: {}, systemDataDir: system });
    expect([fromFile.config.data.dir, fromFile.dataDirSource]).toEqual([join(dir, 'store'), 'config']);
    const none = loadConfig({ env: {}, systemDataDir: join(system, 'absent') });
    expect([none.config.data.dir, none.dataDirSource]).toEqual([join(process.cwd(), 'data'), 'default']);
  });
});
