/**
 * "SN: HKYTZ2BBCJDJ0A2C3", "S/N HKYT...", "Serial No. ...": the serial is the capture group. Matched
 * case-insensitively; the serial is stored in capitals.
 */
export const DEFAULT_SERIAL_PATTERN = String.raw`(?:S\s*/?\s*N|SERIAL(?:\s*NO\.?)?)\s*[:#.]?\s*([A-Z0-9]{8,24})`;

/** A serial pattern as a regular expression (case-insensitive); config validation has checked it compiles. */
export function compileSerialPattern(source: string): RegExp {
  return new RegExp(source, 'i');
}

/** Whether `source` compiles as a regular expression (config validation). */
export function isSerialPattern(source: string): boolean {
  try {
    compileSerialPattern(source);
    return true;
  } catch {
    return false;
  }
}

/**
 * The serial number in the lines read: the first line the pattern matches, else all lines joined
 * (a serial split over two boxes). The first capture group if the pattern has one, else the match;
 * spaces dropped, in capitals.
 */
export function extractSerial(lines: readonly string[], pattern: RegExp): string | null {
  for (const text of [...lines, lines.join(' ')]) {
    const m = pattern.exec(text);
    if (m) {
      const serial = (m[1] ?? m[0]).replace(/\s+/g, '').toUpperCase();
      if (serial !== '') return serial;
    }
  }
  return null;
}
