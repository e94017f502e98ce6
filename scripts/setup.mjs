#!/usr/bin/env node
// Checks (and where possible installs) what `npm start` / `npm test` need before they run, so a
// missing system package stops at once with the exact line to fix it instead of a wall of failures.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv.includes('--test') ? 'test' : 'runtime';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`benchsight needs Node.js >= 20.19 (this is ${process.versions.node}).`);
  process.exit(1);
}

for (const mod of ['onnxruntime-node', 'sharp', 'better-sqlite3', 'socket.io', 'fastify']) {
  if (!existsSync(join(root, 'node_modules', mod))) {
    console.error(`node_modules/${mod} is missing: run \`npm install\` in ${root} first.`);
    process.exit(1);
  }
}

// Debian package -> the binary it provides. Tests drive real ffmpeg, fswebcam, chromium, a real
// MQTT broker (mosquitto; its TLS test makes certificates with openssl) and a real PostgreSQL (the
// central tests run their own cluster with initdb / pg_ctl, which Debian keeps off the PATH).
const needed =
  mode === 'test'
    ? {
        ffmpeg: 'ffmpeg',
        fswebcam: 'fswebcam',
        chromium: 'chromium',
        mosquitto: 'mosquitto',
        openssl: 'openssl',
        systemd: 'systemd-analyze',
        python3: 'python3',
        postgresql: '/usr/lib/postgresql/*/bin/initdb',
      }
    : {};
// mosquitto lives in /usr/sbin, which is not on a normal user's PATH; a path (a glob) is looked for as is
const has = (bin) =>
  spawnSync(
    'sh',
    [
      '-c',
      bin.includes('/')
        ? `for f in ${bin}; do test -x "$f" && exit 0; done; exit 1`
        : `command -v ${bin} || test -x /usr/sbin/${bin}`,
    ],
    { stdio: 'ignore' },
  ).status === 0;
const missing = Object.entries(needed)
  .filter(([, bin]) => !has(bin))
  .map(([pkg]) => pkg);

if (missing.length > 0) {
  const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && has('apt-get')) {
    console.error(`installing Debian packages: ${missing.join(', ')}`);
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
      execFileSync('sh', ['-c', line], { stdio: 'inherit', env });
    } catch {
      console.error(`could not install them; run as root:\n  apt-get update && ${line}`);
      process.exit(1);
    }
  } else {
    console.error(
      `missing Debian packages: ${missing.join(', ')}. Install them with:\n  sudo apt-get update && sudo ${line}`,
    );
    process.exit(1);
  }
}
