import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Folders made by tempDir in this test file: test/helpers/cleanup.ts removes them after its last test. */
const made = new Set<string>();

/** A fresh folder under the system's temporary folder, removed once the test file is done. */
export function tempDir(prefix = 'bs-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes every folder tempDir made (what a test left running may still write there: forced). */
export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  made.clear();
}
