/** One message for the broker. */
export interface Outgoing {
  topic: string;
  payload: string;
  retain: boolean;
}

/**
 * What waits for the broker, in bounded memory: the latest payload of each retained topic (a newer
 * one replaces an older one not yet sent; all are sent again after a reconnect) and a queue of
 * events (when full, the oldest is dropped and counted). Retained topics go out before events.
 */
export class Outbox {
  readonly #limit: number;
  readonly #retained = new Map<string, string>();
  readonly #dirty = new Set<string>();
  #events: Outgoing[] = [];
  #head = 0;
  #dropped = 0;

  constructor(eventLimit: number) {
    this.#limit = eventLimit;
  }

  get queued(): number {
    return this.#events.length - this.#head;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** The payload of a retained topic; '' clears it on the broker (and it is forgotten once sent). */
  retain(topic: string, payload: string): void {
    if (this.#retained.get(topic) === payload && !this.#dirty.has(topic)) return;
    this.#retained.set(topic, payload);
    this.#dirty.add(topic);
  }

  event(topic: string, payload: string): void {
    if (this.queued >= this.#limit) {
      this.#head++;
      this.#dropped++;
    }
    this.#events.push({ topic, payload, retain: false });
    // compact now and then, so that a long-running queue does not keep every shifted slot
    if (this.#head > 1024 && this.#head * 2 > this.#events.length) {
      this.#events = this.#events.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Events that were handed to the broker but not acknowledged when the connection dropped. */
  requeue(events: readonly Outgoing[]): void {
    const waiting = this.#events.slice(this.#head);
    const all = [...events, ...waiting];
    const over = Math.max(0, all.length - this.#limit);
    this.#dropped += over;
    this.#events = all.slice(over);
    this.#head = 0;
  }

  /** After a (re)connection: every retained topic goes out again. */
  resendRetained(): void {
    for (const topic of this.#retained.keys()) this.#dirty.add(topic);
  }

  /** A retained payload the broker acknowledged; an acknowledged clear ('') is forgotten. */
  sent(message: Outgoing): void {
    if (message.retain && message.payload === '' && this.#retained.get(message.topic) === '') {
      if (!this.#dirty.has(message.topic)) this.#retained.delete(message.topic);
    }
  }

  /** The next message to send: retained topics first, then the oldest event. */
  next(): Outgoing | null {
    for (const topic of this.#dirty) {
      this.#dirty.delete(topic);
      return { topic, payload: this.#retained.get(topic) ?? '', retain: true };
    }
    if (this.queued === 0) return null;
    return this.#events[this.#head++]!;
  }
}
