import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BenchsightError } from '../../src/errors.ts';
import { fetchModel } from '../../src/modelstore/fetch.ts';
import { listModels, verifyModel } from '../../src/modelstore/registry.ts';
import { loadManifest } from '../../src/vision/manifest.ts';
import { tempDir } from '../helpers/daemon.ts';
import { onnxModel } from '../helpers/onnx-writer.ts';

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

  describe('the file is opened with onnxruntime and run once before it is installed', () => {
    /** Installs the good model, then fetches `bad` over it: refused, and the install is untouched. */
    async function refusedOverInstall(bad: Buffer | Uint8Array): Promise<BenchsightError> {
      const { modelsDir, installDir } = registry({});
      const good = join(tempDir(), 'good.onnx');
      copyFileSync(join(import.meta.dirname, '..', 'fixtures', 'tiny-vit.onnx'), good);
      const installed = await fetchModel(loadManifest('tiny', modelsDir, installDir), { from: good });
      const record = readFileSync(`${installed.path}.verified.json`, 'utf8');
      const file = join(tempDir(), 'bad.onnx');
      writeFileSync(file, bad);
      const err = await fetchModel(loadManifest('tiny', modelsDir, installDir), { from: file }).catch(
        (e) => e,
      );
      expect(err).toBeInstanceOf(BenchsightError);
      expect(err.code).toBe('E_MODEL_VERIFY');
      expect(err.message).toContain(`${file} is not a tiny model`);
      expect(err.message).toContain('Nothing was installed');
      expect(readFileSync(installed.path).equals(MODEL)).toBe(true);
      expect(readFileSync(`${installed.path}.verified.json`, 'utf8')).toBe(record);
      expect(readdirSync(installDir).sort()).toEqual(['tiny.onnx', 'tiny.onnx.verified.json']);
      return err;
    }

    it('refuses 1 MB of random bytes for a manifest without a sha256, saying what it expected', async () => {
      const err = await refusedOverInstall(randomBytes(1_000_000));
      expect(err.message).toContain('could not be loaded by onnxruntime');
      expect(err.message).toContain(
        'expected an ONNX model with input "pixel_values" float32 [batch, 3, 32, 32] and output "last_hidden_state" float32 [batch, tokens, 32]',
      );
    });

    it('refuses a truncated download', async () => {
      const err = await refusedOverInstall(MODEL.subarray(0, MODEL.length >> 1));
      expect(err.message).toContain('could not be loaded by onnxruntime');
    });

    it('refuses an HTML error page', async () => {
      const err = await refusedOverInstall(Buffer.from('<!doctype html><title>502 Bad Gateway</title>'));
      expect(err.message).toContain('could not be loaded by onnxruntime');
    });

    it('refuses another model: input size and embedding size, expected against found', async () => {
      const other = readFileSync(join(import.meta.dirname, '..', '..', 'models', 'benchsight-tiny.onnx'));
      const err = await refusedOverInstall(other);
      expect(err.message).toContain(
        'input "pixel_values": expected float32 [batch, 3, 32, 32] (the manifest\'s preprocess size), found float32 [batch, 3, 112, 112]',
      );
    });

    it('refuses a model without the output the pooling reads', async () => {
      const err = await refusedOverInstall(
        onnxModel({
          input: { name: 'pixel_values', shape: ['batch', 3, 32, 32] },
          output: { name: 'features', shape: ['batch', 96, 32] },
          nodes: [{ op: 'Reshape', inputs: ['pixel_values', 'shape'], outputs: ['features'] }],
          int64: { shape: [-1, 96, 32] },
        }),
      );
      expect(err.message).toContain('missing output "last_hidden_state" (the model has: features)');
    });

    it("refuses a model whose embedding size is not the manifest's", async () => {
      const err = await refusedOverInstall(
        onnxModel({
          input: { name: 'pixel_values', shape: ['batch', 3, 32, 32] },
          output: { name: 'last_hidden_state', shape: ['batch', 48, 64] },
          nodes: [{ op: 'Reshape', inputs: ['pixel_values', 'shape'], outputs: ['last_hidden_state'] }],
          int64: { shape: [-1, 48, 64] },
        }),
      );
      expect(err.message).toContain('expected dim 32 (manifest embeddingSize), got [1, 48, 64]');
    });

    it('refuses a model that gives NaN on a blank input', async () => {
      const err = await refusedOverInstall(
        onnxModel({
          input: { name: 'pixel_values', shape: ['batch', 3, 32, 32] },
          output: { name: 'last_hidden_state', shape: ['batch', 96, 32] },
          nodes: [
            { op: 'Div', inputs: ['pixel_values', 'pixel_values'], outputs: ['ratio'] },
            { op: 'Reshape', inputs: ['ratio', 'shape'], outputs: ['last_hidden_state'] },
          ],
          int64: { shape: [-1, 96, 32] },
        }),
      );
      expect(err.message).toContain('expected finite values from a blank input, found NaN');
    });
  });

  it('a manifest naming a file at a fixed revision must pin its size and sha256', () => {
    const url = `https://huggingface.co/org/model/resolve/${'a'.repeat(40)}/onnx/model.onnx`;
    const { modelsDir, installDir } = registry({ url });
    expect(() => loadManifest('tiny', modelsDir, installDir)).toThrow(
      expect.objectContaining({
        code: 'E_MODEL_MANIFEST',
        message: expect.stringMatching(/pin its size and sha256/),
      }),
    );
    const pinned = registry({ url, bytes: MODEL.length, sha256: SHA });
    expect(loadManifest('tiny', pinned.modelsDir, pinned.installDir).manifest.source?.sha256).toBe(SHA);
    const branch = registry({ url: 'https://huggingface.co/org/model/resolve/main/onnx/model.onnx' });
    expect(loadManifest('tiny', branch.modelsDir, branch.installDir).manifest.source?.sha256).toBeUndefined();
  });
});
