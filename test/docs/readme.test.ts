import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, PACKAGE_ROOT } from '../../src/config/load.ts';
import { DEFAULT_MODEL } from '../../src/config/schema.ts';
import { loadManifest } from '../../src/vision/manifest.ts';
import { tempDir } from '../helpers/daemon.ts';

const README = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');

/** The YAML block under "## Configuration": what users copy. */
function configExample(): string {
  const section = README.slice(README.indexOf('## Configuration'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error('README has no yaml block under "## Configuration"');
  return block[1];
}

describe('README', () => {
  it('the config example is valid and names the real default encoder, not a random-weight placeholder', () => {
    const file = join(tempDir('bs-readme-'), 'bench.yaml');
    writeFileSync(file, configExample());
    const { config } = loadConfig({ configPath: file, env: {} });
    expect(config.model.name).toBe(DEFAULT_MODEL);
    const { manifest } = loadManifest(config.model.name ?? '', config.model.dir);
    expect(manifest.randomWeights ?? false).toBe(false);
  });

  it('documents loop and realtime for video files and the watched drop folder', () => {
    const section = README.slice(README.indexOf('Capture sources'), README.indexOf('## HTTP API'));
    for (const word of ['`loop', '`realtime', 'watched']) expect(section).toContain(word);
  });
});
