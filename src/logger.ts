import { pino } from 'pino';

/**
 * What the parts of benchsight log through: pino's calling convention (an object of fields, then a
 * message; or just a message). The daemon passes a pino logger; tests pass a silent stand-in.
 */
export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

/**
 * One logger for the daemon, JSON lines to stdout unless `destination` says otherwise (a terminal
 * gets readable lines); secrets in known places are redacted.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'benchsight' },
    redact: {
      paths: ['password', 'token', '*.password', '*.token', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
