import type { Daemon } from '../main.ts';
import type { RecognizedPayload } from '../protocol.ts';

/**
 * What `benchsight run` prints on a terminal: a banner once it serves, one readable line per
 * recognition, and log lines as text. Without a terminal (systemd, a pipe) the logs stay JSON.
 */

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
/** Fields every log line has, which a person does not need to see. */
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service']);

const clock = (ms: number) => new Date(ms).toTimeString().slice(0, 8);
const percent = (v: number) => `${Math.round(v * 100)}%`;

function fieldText(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** One pino JSON line as text: `12:00:01 WARN message  key=value ...`. */
export function readableLogLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = LEVELS[Number(o.level)] ?? String(o.level);
  const fields = Object.entries(o)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${fieldText(v)}`)
    .join(' ');
  const time = typeof o.time === 'number' ? clock(o.time) : '';
  return `${time} ${level.padEnd(5)} ${String(o.msg ?? '')}${fields ? `  ${fields}` : ''}\n`;
}

/** A pino destination that writes readable lines to `out`. */
export function readableLogStream(out: NodeJS.WritableStream): { write(line: string): void } {
  return { write: (line) => void out.write(readableLogLine(line)) };
}

/** One recognition, the way a technician reads it across the bench. */
export function recognitionLine(r: RecognizedPayload): string {
  const where = `${r.camera}/${r.slot}`.padEnd(16);
  const what = r.board
    ? `${r.board.vendor} ${r.board.model}  ${percent(r.score)} match`
    : `unknown board${r.candidates[0] ? ` (closest ${r.candidates[0].vendor} ${r.candidates[0].model}, ${percent(r.score)})` : ''}`;
  return `${clock(r.at)} ${where} ${what}\n`;
}

/** The banner: where the dashboard is, the model, the catalog and the camera. */
export function banner(daemon: Daemon, databasePath: string): string {
  const { config } = daemon;
  const status = daemon.pipeline?.status();
  const boards = daemon.catalog?.listBoards().length ?? 0;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const cameras = config.cameras.map((camera) => {
    const source = camera.source;
    const input =
      source.kind === 'folder' ? source.path : source.kind === 'stream' ? source.input : source.device;
    const slots = camera.slots.length > 0 ? camera.slots.map((s) => s.name).join(', ') : 'the whole frame';
    return `  camera   ${camera.id}: ${source.kind} ${input}  (slots: ${slots})`;
  });
  const model = status
    ? `${status.model.name}${status.model.randomWeights ? ' (RANDOM weights: a placeholder)' : ''}, ${status.model.providers.join('+')}`
    : '';
  return [
    '',
    `  benchsight is running: http://${host}:${daemon.port}`,
    `  model    ${model}`,
    `  catalog  ${boards} board${boards === 1 ? '' : 's'}, ${status?.model.references ?? 0} references  (${databasePath})`,
    ...cameras,
    '  Ctrl-C stops it. Each recognition is printed below.',
    '',
    '',
  ].join('\n');
}

/** Prints the banner now and a line per recognition until the returned function is called. */
export function reportOnTerminal(
  daemon: Daemon,
  databasePath: string,
  out: NodeJS.WritableStream,
): () => void {
  out.write(banner(daemon, databasePath));
  return daemon.bus.on('recognized', (r) => void out.write(recognitionLine(r)));
}
