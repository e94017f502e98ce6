import { EventEmitter } from 'node:events';
import type { ServerToClientEvents } from './protocol.ts';

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
}
