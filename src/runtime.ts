import { join } from 'node:path';
import { Catalog } from './catalog/index.ts';
import { type Config, DEFAULT_MODEL } from './config/schema.ts';
import type { Logger } from './logger.ts';
import { createRecognizer, createVerification } from './pipeline/active-model.ts';
import { Verifier } from './verify/verifier.ts';
import { createEncoder, type EncoderOptions } from './vision/encoder.ts';
import { loadManifest } from './vision/manifest.ts';

/**
 * Where benchsight keeps its files, and how the daemon and every command open the catalog and the
 * active model. The daemon (main.ts) and the CLI both start from here.
 */

/** The catalog and history database, in the data folder. */
export const DATABASE_FILE = 'benchsight.db';

/** Setting that `benchsight model use` writes: the model the daemon runs when config names none. */
export const ACTIVE_MODEL_SETTING = 'activeModel';

/** Where `benchsight model fetch` installs downloaded models. */
export function modelInstallDir(config: Readonly<Config>): string {
  return join(config.data.dir, 'models');
}

/** config model.name, else the model chosen with `model use`, else the bundled default. */
export function activeModelName(config: Readonly<Config>, catalog: Catalog): string {
  return config.model.name ?? catalog.getSetting(ACTIVE_MODEL_SETTING) ?? DEFAULT_MODEL;
}

/** Loads a model's manifest and starts its encoder with the configured providers. */
export async function openEncoder(
  config: Readonly<Config>,
  name: string,
  logger: NonNullable<EncoderOptions['logger']>,
) {
  const loaded = loadManifest(name, config.model.dir, modelInstallDir(config));
  const encoder = await createEncoder(loaded, {
    executionProviders: [...config.model.executionProviders],
    intraOpThreads: config.model.intraOpThreads,
    logger,
  });
  return { loaded, encoder };
}

/** Opens the catalog (with the configured size quota) and the active model the way every command does. */
export async function openModelAndCatalog(config: Readonly<Config>, logger: Logger, modelName?: string) {
  const catalog = Catalog.open(join(config.data.dir, DATABASE_FILE), {
    ...(config.data.maxDatabaseMB ? { maxBytes: config.data.maxDatabaseMB * 1024 * 1024 } : {}),
  });
  try {
    const { loaded, encoder } = await openEncoder(
      config,
      modelName ?? activeModelName(config, catalog),
      logger,
    );
    // the feature worker starts on first use; idle, it does not keep a command from exiting
    const verifier = config.match.verify.enabled || config.inspect.enabled ? new Verifier() : null;
    const verification = createVerification(config, catalog, verifier, logger);
    return {
      loaded,
      encoder,
      catalog,
      verifier,
      recognizer: createRecognizer(config, catalog, loaded, encoder, verification),
    };
  } catch (err) {
    catalog.close();
    throw err;
  }
}
