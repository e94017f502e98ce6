import type { LineCounter, Document as YamlDocument } from 'yaml';
import type { z } from 'zod';

/**
 * Config problems the way a user fixes them: a slot by its name (`slots[right]`), the line of the
 * file, a fraction explained when a percentage was written, and the key probably meant.
 */

type Path = readonly PropertyKey[];

export interface YamlSource {
  doc: YamlDocument;
  lines: LineCounter;
}

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** `slots[right].rect.x` for `slots.1.rect.x`: list items with a name (or an id) are named by it. */
export function pathWords(root: unknown, path: Path): string {
  let out = '';
  path.forEach((key, i) => {
    if (typeof key === 'number') {
      const item = valueAt(root, [...path.slice(0, i), key]);
      const named = item && typeof item === 'object' ? (item as { name?: unknown; id?: unknown }) : undefined;
      // slots by their name, cameras by their id
      const name = named?.name ?? named?.id;
      out += typeof name === 'string' && name !== '' ? `[${name}]` : `[${key}]`;
    } else out += `${out ? '.' : ''}${String(key)}`;
  });
  return out || '(top level)';
}

/** The line of the file where the value at `path` is written (or the nearest enclosing one). */
function lineOf(source: YamlSource | undefined, path: Path, key?: string): number | undefined {
  if (!source) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const node = source.doc.getIn(path.slice(0, n) as unknown[], true) as
      | { range?: [number, number, number]; items?: { key?: { value?: unknown; range?: number[] } }[] }
      | undefined;
    if (n === path.length && key !== undefined && node?.items) {
      const pair = node.items.find((p) => p.key?.value === key);
      if (pair?.key?.range?.[0] !== undefined) return source.lines.linePos(pair.key.range[0]).line;
    }
    const offset = node?.range?.[0];
    if (offset !== undefined) return source.lines.linePos(offset).line;
  }
  return undefined;
}

type Def = {
  type: string;
  innerType?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  options?: Schema[];
  in?: Schema;
};
type Schema = { _zod: { def: Def } };

/** The keys a schema allows at `path` (objects in unions included). */
function keysAt(schema: Schema, path: Path): string[] {
  const found = new Set<string>();
  const walk = (s: Schema | undefined, rest: Path): void => {
    const def = s?._zod.def;
    if (!def) return;
    if (def.innerType || def.in) {
      walk(def.innerType ?? def.in, rest);
      return;
    }
    if (def.options) {
      for (const o of def.options) walk(o, rest);
      return;
    }
    if (def.type === 'array') {
      walk(def.element, rest.slice(1));
      return;
    }
    if (def.type !== 'object' || !def.shape) return;
    if (rest.length === 0) for (const k of Object.keys(def.shape)) found.add(k);
    else walk(def.shape[String(rest[0])], rest.slice(1));
  };
  walk(schema, path);
  return [...found];
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length]!;
}

/** The allowed key closest to a misspelt one, when it is close enough to be what was meant. */
export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const k of allowed) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestScore) [best, bestScore] = [k, d];
  }
  return best !== undefined && bestScore <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/** One line per zod issue: where (named path, file line), what, and the likely fix. */
export function describeConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  schema: unknown,
  source?: YamlSource,
): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    const at = (key?: string) => {
      const line = lineOf(source, issue.path, key);
      return `${pathWords(raw, issue.path)}${line !== undefined ? ` (line ${line})` : ''}`;
    };
    if (issue.code === 'unrecognized_keys') {
      const allowed = keysAt(schema as Schema, issue.path);
      for (const key of issue.keys) {
        const meant = closestKey(key, allowed);
        const where = issue.path.length ? `${pathWords(raw, issue.path)}.${key}` : key;
        const line = lineOf(source, issue.path, key);
        out.push(
          `${where}${line !== undefined ? ` (line ${line})` : ''}: unknown key "${key}"` +
            (meant ? `; did you mean \`${meant}\`?` : `; the keys here are ${allowed.join(', ')}`),
        );
      }
      continue;
    }
    let message = issue.message;
    const value = valueAt(raw, issue.path);
    if (
      issue.code === 'too_big' &&
      Number(issue.maximum) === 1 &&
      typeof value === 'number' &&
      value <= 100
    ) {
      message = `${value} is more than 1: this is a fraction (0 to 1), not a percentage; for ${value}% write ${value / 100}`;
    }
    out.push(`${at()}: ${message}`);
  }
  return out;
}
