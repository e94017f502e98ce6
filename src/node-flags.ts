/**
 * The V8 flags the launchers give the daemon's node process (`npm start`, the systemd unit; the
 * benchmark's daemons too). V8 reads heap flags only when the process starts, so they are on the
 * command line: `node --initial-old-space-size=128 scripts/benchsight.mjs run`.
 *
 * `--initial-old-space-size=128`: V8 counts the bytes of ArrayBuffers allocated since its last full
 * collection against the old generation's limit. Every camera frame allocates a few (the decoded
 * 1280x720 RGB frame alone is 2.7 MB) while the JS heap holds ~31 MB, so with V8's own limit
 * (~54 MB, 24 MB of room) a full mark-compact started every 100-140 ms, whatever the heap held. A
 * 128 MB floor leaves the young generation's scavenges to free those buffers. Measured on the demo
 * bench, bundled encoder, gate off, 1280x720 at 120 fps, 2-core VM, 2026-12-03: 93 full collections
 * in 23 s and 106 fps without the flag; 9 and 118 fps (the source's rate) with it, for 12 % less CPU
 * per frame and the same RSS; 64 MB was not enough (95 collections, 111 fps), 256 MB no better than
 * 128. `npm run bench` prints the pipeline without it beside the pipeline with it.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = Object.freeze(['--initial-old-space-size=128']);

/** The DAEMON_NODE_FLAGS this process was started without (its `execArgv`). */
export function missingNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return DAEMON_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}
