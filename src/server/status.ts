import type { StatusPayload } from '../protocol.ts';
import type { ServerContext } from './context.ts';

/** The status the API, socket.io and /metrics show: the pipeline's, with the broker and webhooks. */
export function daemonStatus(ctx: Pick<ServerContext, 'pipeline' | 'mqtt' | 'webhooks'>): StatusPayload {
  return {
    ...ctx.pipeline.status(),
    mqtt: ctx.mqtt?.status() ?? null,
    webhooks: ctx.webhooks?.status() ?? [],
  };
}
