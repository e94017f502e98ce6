import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP_OPTION = { help: { type: 'boolean', short: 'h', default: false } } as const;

/**
 * The options of one of the repository's scripts (npm run eval, npm run bench, scripts/*.ts):
 * `-h`/`--help` prints `usage` and exits 0; an unknown option or a missing value prints what was
 * wrong above `usage` on stderr and exits 2, instead of a stack trace.
 */
export function scriptArgs<const O extends Options>(usage: string, options: O) {
  const parse = () =>
    parseArgs({ options: { ...options, ...HELP_OPTION }, strict: true, allowPositionals: false });
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse());
  } catch (err) {
    usageError(err instanceof Error ? err.message : String(err), usage);
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
    process.exit(0);
  }
  return values;
}

/** Prints `message` above the usage on stderr and exits 2. */
export function usageError(message: string, usage: string): never {
  process.stderr.write(`${message}\n\n${usage.endsWith('\n') ? usage : `${usage}\n`}`);
  process.exit(2);
}
