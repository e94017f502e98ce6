import type { Bus } from '../bus.ts';
import type { WebhookConfig } from '../config/integrations.ts';
import type { Logger } from '../logger.ts';
import type { WebhookStatus } from '../protocol.ts';
import { Webhook } from './hook.ts';

/** The configured webhooks, fed from the bus; each delivers on its own, so a slow one delays no other. */
export class Webhooks {
  readonly #hooks: Webhook[];
  readonly #bus: Bus;
  #off: (() => void) | null = null;

  constructor(configs: readonly Readonly<WebhookConfig>[], bus: Bus, logger: Logger) {
    this.#hooks = configs.map((c) => new Webhook(c, logger));
    this.#bus = bus;
  }

  start(): void {
    this.#off = this.#bus.onOutbound((event) => {
      for (const hook of this.#hooks) hook.send(event);
    });
  }

  async stop(): Promise<void> {
    this.#off?.();
    this.#off = null;
    await Promise.all(this.#hooks.map((h) => h.stop()));
  }

  status(): WebhookStatus[] {
    return this.#hooks.map((h) => h.status());
  }
}
