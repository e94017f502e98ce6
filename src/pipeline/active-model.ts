import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Catalog } from '../catalog/index.ts';
import { type Config, DEFAULT_MODEL } from '../config/schema.ts';
import type { MatchPolicy } from '../match/decide.ts';
import { createEncoder, type Encoder } from '../vision/encoder.ts';
import { type LoadedManifest, loadManifest, type ModelManifest } from '../vision/manifest.ts';
import { Recognizer } from './recognizer.ts';

const DEFAULT_POLICY = { threshold: 0.6, minMargin: 0.02 };

/** Config beats the model's measured operating point, which beats the built-in default. */
export function matchPolicy(config: Readonly<Config>, manifest: ModelManifest): MatchPolicy {
  return {
    threshold: config.match.threshold ?? manifest.operatingPoint?.threshold ?? DEFAULT_POLICY.threshold,
    minMargin: config.match.minMargin ?? manifest.operatingPoint?.minMargin ?? DEFAULT_POLICY.minMargin,
  };
}

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
  logger: Pick<Logger, 'warn' | 'info'>,
) {
  const loaded = loadManifest(name, config.model.dir, modelInstallDir(config));
  const encoder = await createEncoder(loaded, {
    executionProviders: [...config.model.executionProviders],
    intraOpThreads: config.model.intraOpThreads,
    logger,
  });
  return { loaded, encoder };
}

export function createRecognizer(
  config: Readonly<Config>,
  catalog: Catalog,
  loaded: LoadedManifest,
  encoder: Encoder,
) {
  return new Recognizer({
    encoder,
    manifest: loaded.manifest,
    catalog,
    policy: matchPolicy(config, loaded.manifest),
    topK: config.match.topK,
    maxImagePixels: config.data.maxImagePixels,
  });
}
