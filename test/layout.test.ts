import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const STATIC = /(?:^|\n)\s*(?:(?:import|export)\s[^'"]*?from\s+|import\s+)'(\.{1,2}\/[^']+)'/g;
const DYNAMIC = /import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

function imports(file: string, pattern: RegExp): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(pattern)].map((m) => relative(ROOT, resolve(ROOT, dirname(file), m[1]!)));
}

/** Every file the daemon or the CLI loads when it starts: static imports, followed from the entry points. */
function loadedAtStart(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    todo.push(...imports(file, STATIC).filter((f) => /\.tsx?$/.test(f)));
  }
  return seen;
}

describe('layout: the product and its tools live apart', () => {
  it('the daemon and the CLI load nothing from tools/ when they start', () => {
    const loaded = [...loadedAtStart(['src/main.ts', 'src/cli/index.ts'])];
    expect(loaded.length).toBeGreaterThan(50);
    expect(loaded.filter((f) => f.startsWith('tools/'))).toEqual([]);
  });

  it('src/ imports tools/ only where the demo runs: one dynamic import of the scene generator', () => {
    const fromSrc = sources('src').flatMap((file) => [
      ...imports(file, STATIC).map((to) => ({ file, to, how: 'static' })),
      ...imports(file, DYNAMIC).map((to) => ({ file, to, how: 'dynamic' })),
    ]);
    expect(fromSrc.filter((i) => i.to.startsWith('tools/'))).toEqual([
      { file: 'src/main.ts', to: 'tools/synth/demo.ts', how: 'dynamic' },
    ]);
  });

  it('only src/catalog/central/ imports the PostgreSQL client (pg), as only src/catalog/ imports SQLite', () => {
    const PG = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'pg'|import\(\s*'pg'\s*\)/;
    const users = [...sources('src'), ...sources('scripts'), ...sources('tools')].filter((f) =>
      PG.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(users.length).toBeGreaterThan(0);
    expect(users.filter((f) => !f.startsWith('src/catalog/central/'))).toEqual([]);
  });
});
