import type { StatusPayload } from '../protocol.ts';
import type { ServerContext } from './context.ts';

/** The status the API, socket.io and /metrics show: every camera's, with the broker and webhooks. */
export function daemonStatus(ctx: Pick<ServerContext, 'benches' | 'mqtt' | 'webhooks'>): StatusPayload {
  return {
    ...ctx.benches.status(),
    mqtt: ctx.mqtt?.status() ?? null,
    webhooks: ctx.webhooks?.status() ?? [],
  };
}
