// Entry of every worker thread (encoder, OCR). Node 20 workers do not inherit tsx's loader, so when the
// worker module is TypeScript (running from source) register tsx here before importing it.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
