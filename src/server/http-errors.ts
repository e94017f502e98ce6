import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError, type z } from 'zod';
import { BenchsightError, type ErrorCode } from '../errors.ts';

/** Parses request input with a zod schema; every problem is listed with its field path (HTTP 400). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`);
  throw new BenchsightError('E_BAD_REQUEST', `invalid ${what}: ${problems.join('; ')}`, { status: 400 });
}

/** The code of an error raised by fastify or a plugin, from its HTTP status. */
function codeFor(status: number, fastifyCode: string | undefined): ErrorCode {
  if (fastifyCode === 'FST_REQ_FILE_TOO_LARGE') return 'E_IMAGE_TOO_LARGE';
  if (status === 401) return 'E_AUTH';
  if (status === 403) return 'E_FORBIDDEN';
  if (status === 404) return 'E_NOT_FOUND';
  return 'E_BAD_REQUEST';
}

/** One JSON shape for every error: { error: { code, message } }. Internal details stay in the log. */
export function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof BenchsightError) {
    if (err.status >= 500) request.log.error({ err }, err.message);
    void reply.status(err.status).send({ error: { code: err.code, message: err.message } });
    return;
  }
  if (err instanceof ZodError) {
    void reply.status(400).send({ error: { code: 'E_BAD_REQUEST', message: err.message } });
    return;
  }
  const fe = err as FastifyError;
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 ? fe.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err }, 'request failed');
    void reply
      .status(status)
      .send({ error: { code: 'E_INTERNAL', message: 'internal error; see the daemon log' } });
    return;
  }
  void reply.status(status).send({ error: { code: codeFor(status, fe.code), message: fe.message } });
}

export function notFound(what: string): BenchsightError {
  return new BenchsightError('E_NOT_FOUND', `${what} not found`, { status: 404 });
}
