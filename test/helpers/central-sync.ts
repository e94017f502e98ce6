import type { CentralStore } from '../../src/catalog/central/store.ts';
import type { Catalog } from '../../src/catalog/index.ts';

/** Sends a box's whole outbox, as the daemon's link does; returns the batches sent. */
export async function send(box: Catalog, store: CentralStore, name: string): Promise<number> {
  let batches = 0;
  for (;;) {
    const { changes, lastSeq } = box.centralOutbox.next(100);
    if (lastSeq === 0) return batches;
    await store.push(name, changes);
    box.centralOutbox.ack(lastSeq);
    batches++;
  }
}

/** Pulls and applies every catalog change past the box's cursor, as the daemon's link does. */
export async function pull(box: Catalog, store: CentralStore): Promise<void> {
  for (;;) {
    const cursor = box.centralApplier.cursor();
    const changes = await store.pull(cursor, 100);
    if (changes.cursor === cursor) return;
    box.centralApplier.apply(changes);
  }
}
