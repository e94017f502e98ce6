import type { Catalog } from '../catalog/index.ts';
import type { Config } from '../config/schema.ts';
import { BenchsightError, errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { assertUnchanged } from '../modelstore/check-model.ts';
import { listModels } from '../modelstore/registry.ts';
import type { ModelInfo, ModelSwitch } from '../protocol.ts';
import { ACTIVE_MODEL_SETTING, modelInstallDir, openEncoder } from '../runtime.ts';
import { createRecognizer } from './active-model.ts';
import type { Benches } from './benches.ts';

/** What a switch changes: every camera's pipeline (Benches). */
export type ModelTarget = Pick<Benches, 'recognizer' | 'setRecognizer' | 'modelSwitch' | 'reportModelSwitch'>;

/**
 * Switches the daemon to another model without a pause in recognition: the catalog is re-embedded
 * with the new model while the old one keeps recognizing (embeddings are stored per model id, so
 * the two never mix), then the pipeline switches at once and the choice is saved.
 */
export class ModelSwitcher {
  readonly #config: Readonly<Config>;
  readonly #catalog: Catalog;
  readonly #pipeline: ModelTarget;
  readonly #logger: Logger;
  #running: Promise<void> | null = null;

  constructor(config: Readonly<Config>, catalog: Catalog, pipeline: ModelTarget, logger: Logger) {
    this.#config = config;
    this.#catalog = catalog;
    this.#pipeline = pipeline;
    this.#logger = logger;
  }

  list(): ModelInfo[] {
    const activeId = this.#pipeline.recognizer.modelId;
    return listModels(this.#config.model.dir, modelInstallDir(this.#config)).entries.map((e) => ({
      name: e.name,
      id: e.loaded.manifest.id,
      description: e.loaded.manifest.description,
      installed: e.installed,
      active: e.loaded.manifest.id === activeId,
      bytes: e.bytes,
      embeddingSize: e.loaded.manifest.embeddingSize,
      randomWeights: e.loaded.manifest.randomWeights,
      license: e.loaded.manifest.license ?? null,
      url: e.loaded.manifest.source?.url ?? null,
    }));
  }

  async use(name: string): Promise<{ target: string }> {
    if (this.#running) {
      throw new BenchsightError(
        'E_CONFLICT',
        `a switch to ${this.#pipeline.modelSwitch?.target} is in progress`,
        {
          status: 409,
        },
      );
    }
    if (this.#config.model.name && this.#config.model.name !== name) {
      throw new BenchsightError(
        'E_CONFLICT',
        `the config pins model.name to ${this.#config.model.name}; remove it from the config to switch with \`model use\``,
        { status: 409 },
      );
    }
    let opened: Awaited<ReturnType<typeof openEncoder>>;
    try {
      const entry = listModels(this.#config.model.dir, modelInstallDir(this.#config)).entries.find(
        (e) => e.name === name,
      );
      if (entry?.installed) await assertUnchanged(entry);
      opened = await openEncoder(this.#config, name, this.#logger);
    } catch (err) {
      if (err instanceof BenchsightError && err.code.startsWith('E_MODEL')) {
        throw new BenchsightError(err.code, err.message, { status: 409 });
      }
      throw err;
    }
    const target = opened.loaded.manifest.id;
    if (target === this.#pipeline.recognizer.modelId) {
      await opened.encoder.stop();
      this.#catalog.setSetting(ACTIVE_MODEL_SETTING, name);
      return { target };
    }
    const next = createRecognizer(
      this.#config,
      this.#catalog,
      opened.loaded,
      opened.encoder,
      this.#pipeline.recognizer.verification,
    );
    let progress: ModelSwitch = { target, done: 0, total: 0, error: null };
    const report = (change: Partial<ModelSwitch>) => {
      progress = { ...progress, ...change };
      this.#pipeline.reportModelSwitch(progress);
    };
    report({});
    this.#running = (async () => {
      try {
        await next.reindex((done, total) => report({ done, total }));
        const previous = this.#pipeline.recognizer;
        this.#pipeline.setRecognizer(next);
        this.#catalog.setSetting(ACTIVE_MODEL_SETTING, name);
        // references enrolled with the old model during the first pass
        await next.reindex();
        await previous.encoder.stop();
        this.#pipeline.reportModelSwitch(null);
        this.#logger.info({ model: target, references: next.index.size }, 'model switched');
      } catch (err) {
        report({ error: errorMessage(err) });
        await opened.encoder.stop().catch(() => undefined);
        this.#logger.error(
          { model: target, err: progress.error },
          'model switch failed; keeping the current model',
        );
      } finally {
        this.#running = null;
      }
    })();
    return { target };
  }

  /** Waits for a switch in progress (used at shutdown). */
  async settle(): Promise<void> {
    await this.#running;
  }
}
