import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Bus } from './bus.ts';
import { createFrameSource } from './capture/index.ts';
import { type Catalog, DataDirLock } from './catalog/index.ts';
import { CentralLink } from './central/link.ts';
import type { Config } from './config/schema.ts';
import { HardwareReference } from './hardware/reference.ts';
import { Inspector } from './inspect/inspector.ts';
import { createLogger } from './logger.ts';
import { MqttPublisher } from './mqtt/publisher.ts';
import { bundledOcrModels } from './ocr/models.ts';
import { OcrReader } from './ocr/reader.ts';
import { BenchPipeline } from './pipeline/bench.ts';
import { type Bench, Benches } from './pipeline/benches.ts';
import { SlotCaptures } from './pipeline/captures.ts';
import { CatalogEditor } from './pipeline/catalog-editor.ts';
import { EncodeBatcher } from './pipeline/encode-batcher.ts';
import { Housekeeping } from './pipeline/housekeeping.ts';
import { InspectStep } from './pipeline/inspect-step.ts';
import { ModelSwitcher } from './pipeline/model-switch.ts';
import { OcrStep } from './pipeline/ocr-step.ts';
import { UnitTracker } from './pipeline/units.ts';
import { openModelAndCatalog } from './runtime.ts';
import type { RouteAccess } from './server/access.ts';
import { BenchServer } from './server/app.ts';
import { SystemdNotifier } from './systemd.ts';
import type { Verifier } from './verify/verifier.ts';
import type { Encoder } from './vision/encoder.ts';
import { Webhooks } from './webhooks/index.ts';

export interface DaemonOptions {
  logger?: Logger;
  /** The demo bench: import <dataDir>/demo/catalog into a new catalog when the demo frames are the source. */
  seedDemo?: boolean;
}

/**
 * The composition root: builds every part, wires them, starts them in order and stops them in
 * reverse. Nothing is created at import time.
 */
export class Daemon {
  readonly config: Readonly<Config>;
  readonly logger: Logger;
  readonly bus = new Bus();
  readonly #opts: DaemonOptions;
  readonly #notifier = new SystemdNotifier();
  #encoder: Encoder | null = null;
  #verifier: Verifier | null = null;
  #catalog: Catalog | null = null;
  #benches: Benches | null = null;
  #server: BenchServer | null = null;
  #editor: CatalogEditor | null = null;
  #models: ModelSwitcher | null = null;
  #housekeeping: Housekeeping | null = null;
  #ocr: OcrStep | null = null;
  #dataLock: DataDirLock | null = null;
  #mqtt: MqttPublisher | null = null;
  #webhooks: Webhooks | null = null;
  #central: CentralLink | null = null;

  constructor(config: Readonly<Config>, opts: DaemonOptions = {}) {
    this.config = config;
    this.#opts = opts;
    this.logger = opts.logger ?? createLogger(config.log.level);
  }

  get port(): number {
    return this.#server?.port ?? 0;
  }

  /** The HTTP routes with the access each declares (empty until started). */
  get routes(): readonly RouteAccess[] {
    return this.#server?.routes ?? [];
  }

  /** The first camera's pipeline (the one-camera form). */
  get pipeline(): BenchPipeline | null {
    return this.#benches?.first ?? null;
  }

  /** Every camera's pipeline. */
  get benches(): Benches | null {
    return this.#benches;
  }

  get catalog(): Catalog | null {
    return this.#catalog;
  }

  /** The one way to change the catalog while the daemon runs (see CatalogEditor). */
  get editor(): CatalogEditor | null {
    return this.#editor;
  }

  async start(): Promise<void> {
    const { config, logger } = this;
    // one daemon per data directory; `catalog restore` waits for it to stop
    this.#dataLock = DataDirLock.acquire(config.data.dir, 'the benchsight daemon');
    const { loaded, encoder, catalog, recognizer, verifier } = await openModelAndCatalog(config, logger);
    this.#encoder = encoder;
    this.#verifier = verifier;
    this.#catalog = catalog;
    if (loaded.manifest.randomWeights) {
      logger.warn(
        { model: loaded.manifest.id },
        'the active model has RANDOM weights: recognition quality is meaningless beyond exact or near-exact repeats of enrolled images; install a trained encoder (see README, "Encoders")',
      );
    }
    recognizer.reload();
    // Before the pipeline exists the editor changes the start-up recognizer; afterwards the active one.
    const editor = new CatalogEditor({
      catalog,
      recognizer: () => this.#benches?.recognizer ?? recognizer,
      rescan: () => this.#benches?.rescan(),
      bus: this.bus,
      logger,
    });
    this.#editor = editor;
    if (this.#opts.seedDemo) await this.#seedDemo(catalog, editor);
    const missing = await recognizer.reindex((done, total) => {
      if (total > 0 && (done === total || done % 50 === 0))
        logger.info({ done, total }, 'embedding references');
    });
    if (missing) logger.info({ references: missing, model: recognizer.modelId }, 'references embedded');

    this.#housekeeping = new Housekeeping(config, catalog, logger);
    this.#housekeeping.start();
    this.#ocr = config.ocr.enabled ? await this.#createOcr(catalog) : null;
    const inspector =
      config.inspect.enabled && verifier
        ? new Inspector({
            catalog,
            verifier,
            maxImagePixels: config.data.maxImagePixels,
          })
        : null;
    const inspectStep = inspector ? new InspectStep({ inspector, catalog, logger }) : null;
    const steps = [...(this.#ocr ? [this.#ocr] : []), ...(inspectStep ? [inspectStep] : [])];
    const units = new UnitTracker({
      config,
      catalog,
      bus: this.bus,
      logger,
      board: (id) => (this.#benches?.recognizer ?? recognizer).board(id) ?? null,
    });
    // one encoder for every camera: slots of different cameras due together go as one batch
    const batcher = new EncodeBatcher();
    const captures = new SlotCaptures();
    const housekeeping = this.#housekeeping;
    const list: Bench[] = config.cameras.map((camera) => {
      const cameraLogger = config.cameras.length > 1 ? logger.child({ camera: camera.id }) : logger;
      const source = createFrameSource(camera.source, camera.supervision, { logger: cameraLogger });
      const pipeline = new BenchPipeline({
        steps,
        units,
        storage: housekeeping,
        config,
        camera,
        source,
        batcher,
        captures,
        recognizer,
        catalog,
        bus: this.bus,
        logger: cameraLogger,
        syncCatalog: () => editor.sync(),
      });
      return { camera, source, pipeline };
    });
    const benches = new Benches(list, this.bus);
    this.#benches = benches;
    // publishing to the shop's systems: fed from the bus, never in the frame loop's way
    this.#mqtt = config.mqtt
      ? new MqttPublisher({
          config: config.mqtt,
          bus: this.bus,
          logger,
          cameras: () => benches.list.map((b) => b.pipeline.bench()),
        })
      : null;
    this.#webhooks = config.webhooks.length > 0 ? new Webhooks(config.webhooks, this.bus, logger) : null;
    this.#models = new ModelSwitcher(config, catalog, benches, logger);
    // the shop's central PostgreSQL: fed from SQLite's outbox, never in the frame loop's way
    this.#central = config.central
      ? new CentralLink({
          config: config.central,
          catalog,
          logger,
          bus: this.bus,
          pulled: () => editor.pulled(),
        })
      : null;
    this.#server = new BenchServer({
      config,
      catalog,
      inspector,
      editor,
      get recognizer() {
        return benches.recognizer;
      },
      models: this.#models,
      ocr: this.#ocr,
      units,
      mqtt: this.#mqtt,
      webhooks: this.#webhooks,
      benches,
      central: this.#central,
      bus: this.bus,
      logger,
    });
    await this.#server.start();
    editor.start();
    this.#central?.start();
    this.#mqtt?.start();
    this.#webhooks?.start();
    await benches.start();
    logger.info(
      {
        url: `http://${config.server.host}:${this.port}`,
        model: recognizer.modelId,
        references: recognizer.index.size,
      },
      'benchsight is running',
    );
    this.#notifier.ready(`serving on port ${this.port}`);
  }

  /** OCR of board labels; its worker starts with the first slot to read. */
  async #createOcr(catalog: Catalog): Promise<OcrStep> {
    const { config, logger } = this;
    const files = await bundledOcrModels();
    return new OcrStep({
      config: config.ocr,
      catalog,
      hardware: HardwareReference.load(),
      logger,
      openReader: async () => {
        const reader = await OcrReader.open({
          files,
          threads: config.ocr.threads,
          minConfidence: config.ocr.minConfidence,
          detect: { minSide: config.ocr.detectMinSide },
        });
        logger.info({ threads: config.ocr.threads }, 'OCR ready (PP-OCRv4 detection and recognition)');
        return reader;
      },
    });
  }

  /**
   * The demo bench (`npm start`): its frames are generated on first use, and its catalog is imported
   * into the catalog the demo itself started: one that never held a board (ids are never reused, so a
   * catalog whose boards were all removed is not one) and has no history. A data folder that began as
   * a copy of the demo's, with a real camera, gets nothing. The scene generator is a tool, loaded only
   * here, only for the demo.
   */
  async #seedDemo(catalog: Catalog, editor: CatalogEditor): Promise<void> {
    const { config, logger } = this;
    const demoDir = join(config.data.dir, 'demo');
    const source = config.cameras[0]?.source;
    if (config.cameras.length !== 1 || source?.kind !== 'folder' || source.path !== join(demoDir, 'frames'))
      return;
    const { makeDemo } = await import('../tools/synth/demo.ts');
    const summary = await makeDemo(demoDir);
    logger.info({ dir: demoDir, frames: summary.frames }, 'demo bench ready');
    const demoCatalog = join(demoDir, 'catalog');
    if (!existsSync(demoCatalog)) return;
    if (catalog.lastBoardId() > 0 || catalog.queryRecognitions({ limit: 0, offset: 0 }).total > 0) {
      if (catalog.lastBoardId() > 0 && catalog.listBoards().length === 0) {
        logger.info(
          { catalog: demoCatalog },
          `demo catalog not imported: this catalog held boards before; to have the demo boards again: benchsight catalog import ${demoCatalog}`,
        );
      }
      return;
    }
    const r = await editor.importFolder(demoCatalog);
    logger.info({ boards: r.boards, references: r.references }, 'demo catalog imported');
  }

  /** Orderly stop in reverse order of start; safe to call twice. */
  async stop(): Promise<void> {
    this.#notifier.stopping();
    this.#editor?.stop();
    await this.#central?.stop();
    this.#housekeeping?.stop();
    await this.#server?.stop();
    await this.#models?.settle();
    // every camera's source, then its pipeline; each pipeline stops the steps that follow a
    // recognition (OCR) after its last frame
    await this.#benches?.stop();
    await this.#webhooks?.stop();
    await this.#mqtt?.stop();
    await this.#benches?.recognizer.encoder.stop();
    if (this.#encoder !== this.#benches?.recognizer.encoder) await this.#encoder?.stop();
    await this.#verifier?.stop();
    this.#verifier = null;
    this.#catalog?.close();
    this.#dataLock?.release();
    this.#dataLock = null;
    this.#server = null;
    this.#benches = null;
    this.#ocr = null;
    this.#mqtt = null;
    this.#webhooks = null;
    this.#central = null;
    this.#editor = null;
    this.#encoder = null;
    this.#catalog = null;
  }
}
