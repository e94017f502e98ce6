import type { Catalog } from '../catalog/index.ts';
import type { Config } from '../config/schema.ts';
import type { MatchPolicy } from '../match/decide.ts';
import type { Encoder } from '../vision/encoder.ts';
import type { LoadedManifest, ModelManifest } from '../vision/manifest.ts';
import { Recognizer } from './recognizer.ts';

const DEFAULT_POLICY = { threshold: 0.6, minMargin: 0.02 };

/** Config beats the model's measured operating point, which beats the built-in default. */
export function matchPolicy(config: Readonly<Config>, manifest: ModelManifest): MatchPolicy {
  return {
    threshold: config.match.threshold ?? manifest.operatingPoint?.threshold ?? DEFAULT_POLICY.threshold,
    minMargin: config.match.minMargin ?? manifest.operatingPoint?.minMargin ?? DEFAULT_POLICY.minMargin,
  };
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
