import type { Catalog } from '../catalog/index.ts';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { MatchPolicy } from '../match/decide.ts';
import type { Verifier } from '../verify/verifier.ts';
import type { Encoder } from '../vision/encoder.ts';
import type { LoadedManifest, ModelManifest } from '../vision/manifest.ts';
import { Recognizer } from './recognizer.ts';
import { BoardVerification } from './verification.ts';

const DEFAULT_POLICY = { threshold: 0.6, minMargin: 0.02 };

/** Config beats the model's measured operating point, which beats the built-in default. */
export function matchPolicy(config: Readonly<Config>, manifest: ModelManifest): MatchPolicy {
  return {
    threshold: config.match.threshold ?? manifest.operatingPoint?.threshold ?? DEFAULT_POLICY.threshold,
    minMargin: config.match.minMargin ?? manifest.operatingPoint?.minMargin ?? DEFAULT_POLICY.minMargin,
  };
}

/** The second stage of recognition (model-independent: every model's recognizer shares it); null when off. */
export function createVerification(
  config: Readonly<Config>,
  catalog: Catalog,
  verifier: Verifier | null,
  logger?: Pick<Logger, 'warn'>,
): BoardVerification | null {
  if (!config.match.verify.enabled || !verifier) return null;
  return new BoardVerification({
    catalog,
    verifier,
    policy: { ...config.match.verify },
    maxImagePixels: config.data.maxImagePixels,
    ...(logger ? { logger } : {}),
  });
}

export function createRecognizer(
  config: Readonly<Config>,
  catalog: Catalog,
  loaded: LoadedManifest,
  encoder: Encoder,
  verification: BoardVerification | null = null,
) {
  return new Recognizer({
    verification,
    encoder,
    manifest: loaded.manifest,
    catalog,
    policy: matchPolicy(config, loaded.manifest),
    confirm: {
      strongInliers: config.match.verify.strongInliers,
      minCosine: config.match.verify.minCosine ?? loaded.manifest.operatingPoint?.verifyCosine ?? null,
      minAgreement: config.match.verify.minAgreement,
      strongAgreement: config.match.verify.strongAgreement,
    },
    topK: config.match.topK,
    maxImagePixels: config.data.maxImagePixels,
  });
}
