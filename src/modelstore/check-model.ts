import { BenchsightError } from '../errors.ts';
import { createEncoder } from '../vision/encoder.ts';
import type { LoadedManifest } from '../vision/manifest.ts';
import { type ModelEntry, verifyModel } from './registry.ts';

/**
 * Opens `file` with onnxruntime exactly as the encoder will (CPU) and checks it against the manifest:
 * input name, rank and size, the output the pooling reads, the embedding size, and one inference on a
 * blank input giving finite values. Throws a message saying what was expected and what was found.
 */
export async function checkModelFile(loaded: LoadedManifest, file: string): Promise<void> {
  const encoder = await createEncoder(
    { ...loaded, modelPath: file },
    { executionProviders: ['cpu'], intraOpThreads: 1 },
  );
  await encoder.stop();
}

/**
 * Before `model use` switches to an installed model: its bytes are still the ones verified at fetch
 * (manifest sha256, else the fetch record). The file itself is checked when its encoder starts.
 */
export async function assertUnchanged(entry: ModelEntry): Promise<void> {
  const v = await verifyModel(entry);
  if (v.status === 'mismatch') {
    throw new BenchsightError(
      'E_MODEL_VERIFY',
      `${entry.loaded.modelPath} has changed since it was installed: sha256 ${v.sha256}, the ${v.against} says ${v.expected}. ` +
        `Nothing was switched; run \`benchsight model fetch ${entry.name}\` to install it again`,
      { status: 409 },
    );
  }
}
