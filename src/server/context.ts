import type { Logger } from 'pino';
import type { Bus } from '../bus.ts';
import type { Catalog } from '../catalog/index.ts';
import type { CentralLink } from '../central/link.ts';
import type { Config } from '../config/schema.ts';
import type { Inspector } from '../inspect/inspector.ts';
import type { Benches } from '../pipeline/benches.ts';
import type { CatalogEditor } from '../pipeline/catalog-editor.ts';
import type { OcrStep } from '../pipeline/ocr-step.ts';
import type { Recognizer } from '../pipeline/recognizer.ts';
import type { UnitTracker } from '../pipeline/units.ts';
import type { ModelInfo, MqttStatus, WebhookStatus } from '../protocol.ts';

/** Model management the daemon offers to the API. */
export interface ModelControl {
  list(): ModelInfo[];
  /** Starts re-embedding the catalog with `name`; recognition switches once it is complete. */
  use(name: string): Promise<{ target: string }>;
}

/** What the HTTP and socket.io layers are given by main.ts. */
export interface ServerContext {
  config: Readonly<Config>;
  catalog: Catalog;
  /** The active model's recognizer; read it per request, it changes when the model is switched. */
  readonly recognizer: Recognizer;
  models: ModelControl;
  /** The one way to change the catalog: write, index, rescan, `catalog` event. */
  editor: CatalogEditor;
  /** Every camera's pipeline; `benches.first` is the one-camera routes' camera. */
  benches: Benches;
  /** Reads board labels; null when ocr.enabled is false. */
  ocr?: OcrStep | null;
  /** Inspects verified boards against their maps, proposes chips; null when inspect.enabled is false. */
  inspector?: Inspector | null;
  /** Units (physical boards by serial): the one owner, for the API. */
  units: UnitTracker;
  /** The MQTT publisher and the webhooks, for the status; null when not configured. */
  mqtt?: { status(): MqttStatus } | null;
  webhooks?: { status(): WebhookStatus[] } | null;
  /** The link to the shop's central PostgreSQL; null when central is not configured. */
  central?: CentralLink | null;
  bus: Bus;
  logger: Logger;
}
