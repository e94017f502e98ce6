import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const;

/**
 * The options of one of the repository's scripts (npm run eval, npm run bench, scripts/*.ts):
 * `-h`/`--help` prints `usage` and exits 0; an unknown option, a missing value or (unless
 * `positionals` says how many are allowed) an argument that is not an option prints what was wrong
 * above `usage` on stderr and exits 2, instead of a stack trace.
 */
export function scriptArgs<const O extends Options>(
  usage: string,
  options: O,
  opts: { positionals?: number } = {},
) {
  const maxPositionals = opts.positionals ?? 0;
  const parse = () =>
    parseArgs({
      options: { ...options, ...HELP_OPTION },
      strict: true,
      allowPositionals: maxPositionals > 0,
    });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (err) {
    usageError(err instanceof Error ? err.message : String(err), usage);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
    process.exit(0);
  }
  if (parsed.positionals.length > maxPositionals) {
    usageError(`Unexpected argument '${parsed.positionals[maxPositionals]}'`, usage);
  }
  return { ...parsed.values, positionals: parsed.positionals };
}

/** Prints `message` above the usage on stderr and exits 2. */
export function usageError(message: string, usage: string): never {
  process.stderr.write(`${message}\n\n${usage.endsWith('\n') ? usage : `${usage}\n`}`);
  process.exit(2);
}
