import type { Logger } from 'pino';
import type { Bus } from '../bus.ts';
import type { Catalog } from '../catalog/index.ts';
import type { Config } from '../config/schema.ts';
import type { BenchPipeline } from '../pipeline/bench.ts';
import type { Recognizer } from '../pipeline/recognizer.ts';

/** What the HTTP and socket.io layers are given by main.ts. */
export interface ServerContext {
  config: Readonly<Config>;
  catalog: Catalog;
  recognizer: Recognizer;
  pipeline: BenchPipeline;
  bus: Bus;
  logger: Logger;
}
