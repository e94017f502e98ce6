import { EventEmitter } from 'node:events';
import { OUTBOUND_EVENTS, type OutboundEvent, type ServerToClientEvents } from './protocol.ts';

type Payload<K extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[K]>[0];

/** The daemon's internal event bus, typed by the same map the socket.io protocol uses. */
export class Bus {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(100);
  }

  emit<K extends keyof ServerToClientEvents>(event: K, payload: Payload<K>): void {
    this.#emitter.emit(event, payload);
  }

  on<K extends keyof ServerToClientEvents>(event: K, listener: (payload: Payload<K>) => void): () => void {
    this.#emitter.on(event, listener);
    return () => this.#emitter.off(event, listener);
  }

  /** Every event that goes out to MQTT and webhooks, tagged with its name. */
  onOutbound(listener: (event: OutboundEvent) => void): () => void {
    const offs = OUTBOUND_EVENTS.map((name) =>
      this.on(name, (payload) => listener({ event: name, ...payload } as OutboundEvent)),
    );
    return () => {
      for (const off of offs) off();
    };
  }
}
