import type { StatusPayload } from '../protocol.ts';
import type { ServerContext } from './context.ts';

/** The status the API, socket.io and /metrics show: every camera's, with the broker, webhooks and central link. */
export function daemonStatus(
  ctx: Pick<ServerContext, 'benches' | 'mqtt' | 'webhooks' | 'central'>,
): StatusPayload {
  return {
    ...ctx.benches.status(),
    mqtt: ctx.mqtt?.status() ?? null,
    webhooks: ctx.webhooks?.status() ?? [],
    central: ctx.central?.status() ?? null,
  };
}
