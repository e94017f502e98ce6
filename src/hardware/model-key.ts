/** Pure helpers over model names, shared by the daemon and the dashboard (no Node imports here). */

/** Loose form of a model name for lookups: case, spaces, dashes, a leading vendor and "(Scrypt)" ignored. */
export function modelKey(name: string): string {
  return name
    .toUpperCase()
    .replace(/\([^)]*\)/g, '')
    .replace(/^(BITMAIN\s+|ANTMINER\s+|MICROBT\s+|WHATSMINER\s+)+/, '')
    .replace(/[\s\-_]+/g, '');
}
