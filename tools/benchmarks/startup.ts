import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';
import type { ServerToClientEvents, SlotView } from '../../src/protocol.ts';
import type { LoadedManifest } from '../../src/vision/manifest.ts';
import { inputSize } from '../../src/vision/manifest.ts';
import { pooledOutput } from '../../src/vision/pooling.ts';
import { REPO_ROOT } from './fixtures.ts';

export interface Startup {
  /** Process start to "benchsight is running" (HTTP up, camera started). */
  readyMs: number;
  /** Process start to the first frame through the encoder and the matcher (the first decision). */
  firstDecisionMs: number;
  /** Process start to the first board recognized (the demo puts one down a few frames in). */
  firstBoardMs: number;
}

/**
 * `benchsight run` on the demo, as `npm start` runs it, in a fresh process on `dataDir`: times to
 * ready, to the first decision and to the first recognized board, read from the daemon's clock
 * (slot views carry the time of their last change) on the same machine.
 */
export async function measureStartup(dataDir: string, timeoutMs = 120_000): Promise<Startup> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BENCHSIGHT_DATA_DIR: dataDir,
    BENCHSIGHT_PORT: '0',
    BENCHSIGHT_LOG_LEVEL: 'info',
  };
  delete env.BENCHSIGHT_CONFIG;
  delete env.BENCHSIGHT_MODEL;
  const t0 = Date.now();
  const child = spawn(process.execPath, [`${REPO_ROOT}scripts/benchsight.mjs`, 'run'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const ready = await new Promise<{ url: string; at: number }>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string; time?: number };
          if (entry.msg === 'benchsight is running' && entry.url) {
            resolve({ url: entry.url, at: entry.time ?? Date.now() });
          }
        } catch {
          // not a log line
        }
      });
      child.once('exit', (code) =>
        reject(new Error(`benchsight run exited (code ${code}) before it was ready`)),
      );
    });
    const seen = await new Promise<{ decision: number; board: number }>((resolve, reject) => {
      const socket = io(ready.url, { transports: ['websocket'], forceNew: true, reconnection: false });
      let decision = Number.NaN;
      const look = (view: SlotView) => {
        if (view.state !== 'pending' && Number.isNaN(decision)) decision = view.since;
        if (view.state === 'recognized') {
          socket.close();
          resolve({ decision, board: view.since });
        }
      };
      socket.on('snapshot', (s: Parameters<ServerToClientEvents['snapshot']>[0]) => s.slots.forEach(look));
      socket.on('slot', look);
      socket.once('connect_error', reject);
      child.once('exit', () => reject(new Error('benchsight run exited before recognizing a board')));
    });
    return { readyMs: ready.at - t0, firstDecisionMs: seen.decision - t0, firstBoardMs: seen.board - t0 };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

/**
 * The reference: a bare Node process that loads onnxruntime-node, creates the session and runs one
 * inference; ms from spawn to its result.
 */
export async function measureBareStartup(loaded: LoadedManifest): Promise<number> {
  const [h, w] = inputSize(loaded.manifest);
  const script = `
    const ort = await import('onnxruntime-node');
    const s = await ort.InferenceSession.create(${JSON.stringify(loaded.modelPath)}, { graphOptimizationLevel: 'all' });
    await s.run({ ${JSON.stringify(loaded.manifest.inputName)}: new ort.Tensor('float32', new Float32Array(${3 * h * w}), [1, 3, ${h}, ${w}]) }, [${JSON.stringify(pooledOutput(loaded.manifest))}]);
    process.stdout.write(String(Date.now()));
    process.exit(0);`;
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bare onnxruntime start exited with code ${code}`);
  return Number(out) - t0;
}
