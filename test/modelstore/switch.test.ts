import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.ts';
import { configSchema } from '../../src/config/schema.ts';
import { Daemon } from '../../src/main.ts';
import type { StatusPayload } from '../../src/protocol.ts';
import { ACTIVE_MODEL_SETTING, DATABASE_FILE } from '../../src/runtime.ts';
import { pattern, tempDir, writeFrames } from '../helpers/daemon.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

describe('model use while the daemon runs', () => {
  let daemon: Daemon;
  let url: string;
  let dataDir: string;

  beforeAll(async () => {
    // two "models": the same tiny graph under two ids, so the switch re-embeds for real
    const modelsDir = tempDir('bs-switch-models-');
    copyFileSync(join(FIXTURES, 'tiny-vit.onnx'), join(modelsDir, 'tiny.onnx'));
    const base = JSON.parse(readFileSync(join(FIXTURES, 'tiny-vit.json'), 'utf8'));
    for (const name of ['tiny-a', 'tiny-b']) {
      writeFileSync(
        join(modelsDir, `${name}.json`),
        JSON.stringify({ ...base, id: `${name}@1`, name, file: 'tiny.onnx' }),
      );
    }
    dataDir = tempDir('bs-switch-data-');
    const seed = Catalog.open(join(dataDir, DATABASE_FILE));
    seed.setSetting(ACTIVE_MODEL_SETTING, 'tiny-a');
    seed.close();
    const frames = tempDir('bs-switch-frames-');
    const picture = await pattern(21);
    writeFrames(frames, [picture], 4);
    const config = configSchema.parse({
      camera: { source: { kind: 'folder', path: frames, fps: 10 } },
      model: { dir: modelsDir },
      gate: { enabled: false },
      match: { threshold: 0.99, minMargin: 0, smoothing: 1 },
      server: { port: 0 },
      data: { dir: dataDir },
    });
    daemon = new Daemon(config, { logger: pino({ level: 'silent' }) });
    await daemon.start();
    url = `http://127.0.0.1:${daemon.port}`;
    const board = await (
      await fetch(`${url}/api/boards`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ vendor: 'Bitmain', model: 'C52 control board', kind: 'control-board' }),
      })
    ).json();
    for (let i = 0; i < 3; i++) {
      const form = new FormData();
      form.append(
        'image',
        new Blob([new Uint8Array(i === 0 ? picture : await pattern(30 + i))]),
        `r${i}.jpg`,
      );
      expect(
        (await fetch(`${url}/api/boards/${board.id}/references`, { method: 'POST', body: form })).status,
      ).toBe(201);
    }
  });

  afterAll(async () => {
    await daemon?.stop();
  });

  it('starts with the model chosen earlier, re-embeds with the new one, then switches and remembers it', async () => {
    const status = async () => (await (await fetch(`${url}/api/status`)).json()) as StatusPayload;
    expect((await status()).model.id).toBe('tiny-a@1');
    const listed = await (await fetch(`${url}/api/models`)).json();
    expect(listed.models.map((m: { name: string; active: boolean }) => [m.name, m.active])).toEqual([
      ['tiny-a', true],
      ['tiny-b', false],
    ]);
    const res = await fetch(`${url}/api/model/use`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'tiny-b' }),
    });
    expect(res.status).toBe(202);
    const deadline = Date.now() + 60_000;
    let s = await status();
    // switched once the pipeline runs the new model and the switch has finished its last pass
    while ((s.model.id !== 'tiny-b@1' || s.modelSwitch !== null) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      s = await status();
    }
    expect(s.model.id).toBe('tiny-b@1');
    expect(s.model.references).toBe(3);
    expect(s.modelSwitch).toBeNull();
    const frames = s.frames.encoded;
    // recognition goes on with the new model: wait for the next encoded frame (bounded, not timed)
    const next = Date.now() + 30_000;
    let encoded = frames;
    while (encoded <= frames && Date.now() < next) {
      await new Promise((r) => setTimeout(r, 100));
      encoded = (await status()).frames.encoded;
    }
    expect(encoded).toBeGreaterThan(frames);
    const db = Catalog.open(join(dataDir, DATABASE_FILE));
    try {
      expect(db.countEmbeddings('tiny-a@1')).toBe(3);
      expect(db.countEmbeddings('tiny-b@1')).toBe(3);
      expect(db.getSetting(ACTIVE_MODEL_SETTING)).toBe('tiny-b');
    } finally {
      db.close();
    }
  });

  it('refuses an unknown model with a clear message and keeps the current one', async () => {
    const res = await fetch(`${url}/api/model/use`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'no-such-model' }),
    });
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toContain('no-such-model');
    expect((await (await fetch(`${url}/api/status`)).json()).model.id).toBe('tiny-b@1');
  });
});
