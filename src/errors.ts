/**
 * Every error benchsight raises on purpose carries a stable code and a message that says what was
 * expected and how to fix it. HTTP handlers map `status` to the response code.
 */
export type ErrorCode =
  | 'E_CONFIG'
  | 'E_CAMERA_OPEN'
  | 'E_CAMERA_LOST'
  | 'E_MODEL_MISSING'
  | 'E_MODEL_MANIFEST'
  | 'E_MODEL_RUN'
  | 'E_MODEL_VERIFY'
  | 'E_MODEL_FETCH'
  | 'E_IMAGE_INVALID'
  | 'E_IMAGE_TOO_LARGE'
  | 'E_CAPTURE_EXPIRED'
  | 'E_DB_NEWER'
  | 'E_DB_MIGRATION'
  | 'E_DB_CORRUPT'
  | 'E_DB_FOREIGN'
  | 'E_DB_WRITE'
  | 'E_NOT_FOUND'
  | 'E_CONFLICT'
  | 'E_BAD_REQUEST'
  | 'E_DEPENDENCY'
  | 'E_AUTH'
  | 'E_FORBIDDEN'
  | 'E_LOCKED'
  | 'E_ROUTE_ACCESS'
  | 'E_CENTRAL_AUTH'
  | 'E_CENTRAL_UNREACHABLE'
  | 'E_CENTRAL_SCHEMA'
  | 'E_CENTRAL_BOX';

export class BenchsightError extends Error {
  readonly code: ErrorCode;
  /** HTTP status when the error reaches the API. */
  readonly status: number;

  constructor(code: ErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BenchsightError';
    this.code = code;
    this.status = options.status ?? 500;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
