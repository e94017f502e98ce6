import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BenchsightError } from '../../src/errors.ts';
import { fetchModel } from '../../src/modelstore/fetch.ts';
import { listModels, verifyModel } from '../../src/modelstore/registry.ts';
import { loadManifest } from '../../src/vision/manifest.ts';
import { tempDir } from '../helpers/daemon.ts';

const MODEL = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'tiny-vit.onnx'));
const SHA = createHash('sha256').update(MODEL).digest('hex');
const BASE = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'tiny-vit.json'), 'utf8'));

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
const servers: Server[] = [];

/** A local HTTP server standing in for the model host; counts requests and records Range headers. */
async function serve(handler: Handler): Promise<{ url: string; ranges: (string | undefined)[] }> {
  const ranges: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    ranges.push(req.headers.range);
    handler(req, res, ranges.length);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/model.onnx`, ranges };
}

/** Serves `body`, honouring `Range: bytes=N-`. */
function sendRange(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const m = /bytes=(\d+)-/.exec(req.headers.range ?? '');
  const start = m ? Number(m[1]) : 0;
  res.writeHead(m ? 206 : 200, { 'content-length': body.length - start, 'accept-ranges': 'bytes' });
  res.end(body.subarray(start));
}

function registry(source: Record<string, unknown>): { modelsDir: string; installDir: string } {
  const modelsDir = tempDir('bs-models-');
  writeFileSync(
    join(modelsDir, 'tiny.json'),
    JSON.stringify({ ...BASE, name: 'tiny', file: 'tiny.onnx', source }),
  );
  return { modelsDir, installDir: join(tempDir('bs-install-'), 'models') };
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('model fetch (local HTTP servers stand in for the model host)', () => {
  it('downloads, checks size and sha256, installs atomically and records the check', async () => {
    const { url } = await serve((req, res) => sendRange(req, res, MODEL));
    const { modelsDir, installDir } = registry({ url, bytes: MODEL.length, sha256: SHA });
    const loaded = loadManifest('tiny', modelsDir, installDir);
    const progress: number[] = [];
    const r = await fetchModel(loaded, { onProgress: (d) => progress.push(d) });
    expect(r).toMatchObject({ bytes: MODEL.length, sha256: SHA, recordedFirst: false });
    expect(readFileSync(r.path).equals(MODEL)).toBe(true);
    expect(progress.at(-1)).toBe(MODEL.length);
    expect(readdirSync(installDir).sort()).toEqual(['tiny.onnx', 'tiny.onnx.verified.json']);
    const entry = listModels(modelsDir, installDir).entries[0]!;
    expect(entry.installed).toBe(true);
    expect(await verifyModel(entry)).toMatchObject({ status: 'ok', against: 'manifest' });
  });

  it('resumes with a Range request after the server drops the connection mid-file', async () => {
    const { url, ranges } = await serve((req, res, n) => {
      if (n === 1) {
        res.writeHead(200, { 'content-length': MODEL.length });
        res.write(MODEL.subarray(0, 50_000), () => res.socket?.destroy());
        return;
      }
      sendRange(req, res, MODEL);
    });
    const { modelsDir, installDir } = registry({ url, bytes: MODEL.length, sha256: SHA });
    const retries: string[] = [];
    const r = await fetchModel(loadManifest('tiny', modelsDir, installDir), {
      backoffMs: 10,
      onRetry: (_n, reason) => retries.push(reason),
    });
    expect(retries).toHaveLength(1);
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
    expect(Number(/bytes=(\d+)-/.exec(ranges[1]!)![1])).toBeGreaterThan(0);
    expect(r.resumed).toBe(1);
    expect(readFileSync(r.path).equals(MODEL)).toBe(true);
  });

  it('refuses wrong bytes: nothing installed, no partial file left', async () => {
    const wrong = Buffer.from(MODEL);
    wrong[1000] = (wrong[1000]! + 1) % 256;
    const { url } = await serve((req, res) => sendRange(req, res, wrong));
    const { modelsDir, installDir } = registry({ url, bytes: MODEL.length, sha256: SHA });
    const err = await fetchModel(loadManifest('tiny', modelsDir, installDir)).catch((e) => e);
    expect(err).toBeInstanceOf(BenchsightError);
    expect(err.code).toBe('E_MODEL_VERIFY');
    expect(err.message).toContain('Nothing was installed');
    expect(readdirSync(installDir)).toEqual([]);
  });

  it('gives up on a stalled server after the retries, keeping the partial file for a later resume', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': MODEL.length });
      res.write(MODEL.subarray(0, 1000)); // then nothing
    });
    const { modelsDir, installDir } = registry({ url, bytes: MODEL.length, sha256: SHA });
    const err = await fetchModel(loadManifest('tiny', modelsDir, installDir), {
      stallTimeoutMs: 300,
      retries: 1,
      backoffMs: 10,
    }).catch((e) => e);
    expect(err.code).toBe('E_MODEL_FETCH');
    expect(err.message).toMatch(/failed after 2 attempts.*resume/);
    expect(existsSync(join(installDir, 'tiny.onnx'))).toBe(false);
    expect(existsSync(join(installDir, 'tiny.onnx.part'))).toBe(true);
  });

  it('fails at once on HTTP 404 with the status in the message', async () => {
    const { url, ranges } = await serve((_req, res) => {
      res.writeHead(404).end();
    });
    const { modelsDir, installDir } = registry({ url });
    const err = await fetchModel(loadManifest('tiny', modelsDir, installDir), { backoffMs: 10 }).catch(
      (e) => e,
    );
    expect(err.message).toContain('HTTP 404');
    expect(ranges).toHaveLength(1);
  });

  it('installs from a local file, records an unknown sha256 on first fetch, and verify then catches tampering', async () => {
    const { modelsDir, installDir } = registry({});
    const file = join(tempDir(), 'copy.onnx');
    copyFileSync(join(import.meta.dirname, '..', 'fixtures', 'tiny-vit.onnx'), file);
    const r = await fetchModel(loadManifest('tiny', modelsDir, installDir), { from: file });
    expect(r.recordedFirst).toBe(true);
    let entry = listModels(modelsDir, installDir).entries[0]!;
    expect(entry.record).toMatchObject({ sha256: SHA, bytes: MODEL.length, recordedFirst: true });
    expect(await verifyModel(entry)).toMatchObject({ status: 'ok', against: 'fetch record' });
    writeFileSync(r.path, Buffer.concat([MODEL, Buffer.from('x')]));
    entry = listModels(modelsDir, installDir).entries[0]!;
    expect(await verifyModel(entry)).toMatchObject({ status: 'mismatch', expected: SHA });
  });
});
