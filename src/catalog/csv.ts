/** One CSV record and the line it starts on (1-based). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

/**
 * RFC 4180 CSV: comma-separated, fields may be quoted, a quote inside a quoted field is doubled, quoted
 * fields may hold commas and line breaks. LF or CRLF line ends; a UTF-8 BOM and blank lines are ignored.
 */
export function parseCsv(text: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let afterQuote = false;
  let line = 1;
  let recordLine = 1;

  const endField = (): void => {
    fields.push(field);
    field = '';
    quoted = false;
    afterQuote = false;
  };
  const endRecord = (): void => {
    const blank = fields.length === 0 && field === '' && !quoted;
    endField();
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
  };

  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (inQuotes) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        inQuotes = false;
        afterQuote = true;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === ',') {
      endField();
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (c === '"' && field === '' && !quoted) {
      inQuotes = true;
      quoted = true;
    } else {
      if (afterQuote) {
        problems.push({ line, message: 'text after the closing quote of a field; quote the whole field' });
        afterQuote = false;
      } else if (c === '"') {
        problems.push({
          line,
          message: 'a quote inside an unquoted field; quote the whole field and double the quote ("")',
        });
      }
      field += c;
    }
  }
  if (inQuotes) {
    problems.push({ line: recordLine, message: 'a quoted field is never closed (missing ")' });
  }
  if (fields.length > 0 || field !== '' || quoted) endRecord();
  return { records, problems };
}
