import { type Logger, pino } from 'pino';

/** One JSON logger for the daemon; secrets in known places are redacted. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'benchsight' },
    redact: {
      paths: ['password', 'token', '*.password', '*.token', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
