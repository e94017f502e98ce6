import { createRequire } from 'node:module';
import { cpus, freemem, loadavg, totalmem } from 'node:os';

/** What the numbers were measured on, for the table header. */
export function machineLine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? 'unknown CPU';
  const require = createRequire(import.meta.url);
  const ort = (require('onnxruntime-node/package.json') as { version: string }).version;
  return (
    `${model}, ${cpu.length} logical cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM ` +
    `(${(freemem() / 2 ** 30).toFixed(1)} free), ${process.platform}-${process.arch}, ` +
    `Node ${process.versions.node}, onnxruntime-node ${ort}, no GPU used`
  );
}

/** The 1, 5 and 15 minute load averages: above the core count, other work shares the CPUs. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}
