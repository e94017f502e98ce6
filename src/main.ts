import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Bus } from './bus.ts';
import { createFrameSource } from './capture/index.ts';
import type { FrameSource } from './capture/types.ts';
import { type Catalog, DataDirLock } from './catalog/index.ts';
import type { Config } from './config/schema.ts';
import { HardwareReference } from './hardware/reference.ts';
import { createLogger } from './logger.ts';
import { MqttPublisher } from './mqtt/publisher.ts';
import { bundledOcrModels } from './ocr/models.ts';
import { OcrReader } from './ocr/reader.ts';
import { BenchPipeline } from './pipeline/bench.ts';
import { announceCamera } from './pipeline/camera-events.ts';
import { CatalogEditor } from './pipeline/catalog-editor.ts';
import { Housekeeping } from './pipeline/housekeeping.ts';
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
  #source: FrameSource | null = null;
  #pipeline: BenchPipeline | null = null;
  #server: BenchServer | null = null;
  #editor: CatalogEditor | null = null;
  #models: ModelSwitcher | null = null;
  #housekeeping: Housekeeping | null = null;
  #ocr: OcrStep | null = null;
  #dataLock: DataDirLock | null = null;
  #mqtt: MqttPublisher | null = null;
  #webhooks: Webhooks | null = null;
  #cameraEvents: (() => void) | null = null;

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

  get pipeline(): BenchPipeline | null {
    return this.#pipeline;
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
      recognizer: () => this.#pipeline?.recognizer ?? recognizer,
      rescan: () => this.#pipeline?.rescan(),
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

    this.#source = createFrameSource(config.camera.source, config.camera.supervision, { logger });
    this.#housekeeping = new Housekeeping(config, catalog, logger);
    this.#housekeeping.start();
    this.#ocr = config.ocr.enabled ? await this.#createOcr(catalog) : null;
    const units = new UnitTracker({
      config,
      catalog,
      bus: this.bus,
      logger,
      board: (id) => (this.#pipeline?.recognizer ?? recognizer).board(id) ?? null,
    });
    this.#pipeline = new BenchPipeline({
      steps: this.#ocr ? [this.#ocr] : [],
      units,
      storage: this.#housekeeping,
      config,
      source: this.#source,
      recognizer,
      catalog,
      bus: this.bus,
      logger,
      syncCatalog: () => editor.sync(),
    });
    const pipeline = this.#pipeline;
    this.#cameraEvents = announceCamera(config.camera.id, this.#source, this.bus);
    // publishing to the shop's systems: fed from the bus, never in the frame loop's way
    this.#mqtt = config.mqtt
      ? new MqttPublisher({
          config: config.mqtt,
          bus: this.bus,
          logger,
          cameras: () => {
            const s = pipeline.status();
            return [{ id: s.camera.id, camera: s.camera, fps: s.fps, slots: pipeline.slotViews() }];
          },
        })
      : null;
    this.#webhooks = config.webhooks.length > 0 ? new Webhooks(config.webhooks, this.bus, logger) : null;
    this.#models = new ModelSwitcher(config, catalog, pipeline, logger);
    this.#server = new BenchServer({
      config,
      catalog,
      editor,
      get recognizer() {
        return pipeline.recognizer;
      },
      models: this.#models,
      ocr: this.#ocr,
      units,
      mqtt: this.#mqtt,
      webhooks: this.#webhooks,
      pipeline,
      bus: this.bus,
      logger,
    });
    await this.#server.start();
    editor.start();
    this.#mqtt?.start();
    this.#webhooks?.start();
    await this.#source.start();
    this.#pipeline.start();
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
    const source = config.camera.source;
    if (source.kind !== 'folder' || source.path !== join(demoDir, 'frames')) return;
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
    this.#housekeeping?.stop();
    await this.#server?.stop();
    await this.#models?.settle();
    await this.#source?.stop();
    // the pipeline stops the steps that follow a recognition (OCR) after its last frame
    await this.#pipeline?.stop();
    this.#cameraEvents?.();
    await this.#webhooks?.stop();
    await this.#mqtt?.stop();
    await this.#pipeline?.recognizer.encoder.stop();
    if (this.#encoder !== this.#pipeline?.recognizer.encoder) await this.#encoder?.stop();
    await this.#verifier?.stop();
    this.#verifier = null;
    this.#catalog?.close();
    this.#dataLock?.release();
    this.#dataLock = null;
    this.#server = null;
    this.#source = null;
    this.#pipeline = null;
    this.#ocr = null;
    this.#mqtt = null;
    this.#webhooks = null;
    this.#cameraEvents = null;
    this.#editor = null;
    this.#encoder = null;
    this.#catalog = null;
  }
}
