import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { BenchsightError } from '../errors.ts';

/** A download URL at a commit (Hugging Face `/resolve/<40 hex>/`), not at a moving branch like `main`. */
const FIXED_REVISION = /\/resolve\/[0-9a-f]{40}\//;

/**
 * What a model needs to be fed and how its output becomes an embedding. Preprocessing code reads
 * these values; it holds no constants of its own.
 */
export const manifestSchema = z
  .object({
    /** Stable id stored with every embedding, e.g. "benchsight-tiny@1". Change it when weights change. */
    id: z.string().min(1),
    name: z.string().min(1),
    description: z.string().default(''),
    /** ONNX file, relative to the manifest. */
    file: z.string().min(1),
    inputName: z.string().default('pixel_values'),
    preprocess: z
      .object({
        /**
         * shortestEdge: scale so the shorter side is `size`; exact: scale to width x height;
         * letterbox: scale to fit inside width x height keeping the aspect ratio, centred, the rest
         * of the input filled with the mean (0 after normalisation), so a 16:9 camera and a 4:3 one
         * show a board with the same proportions.
         */
        resize: z.discriminatedUnion('mode', [
          z.object({ mode: z.literal('shortestEdge'), size: z.number().int().positive() }).strict(),
          z
            .object({
              mode: z.literal('exact'),
              width: z.number().int().positive(),
              height: z.number().int().positive(),
            })
            .strict(),
          z
            .object({
              mode: z.literal('letterbox'),
              width: z.number().int().positive(),
              height: z.number().int().positive(),
            })
            .strict(),
        ]),
        /**
         * pil-* reproduce Pillow's resampling exactly (what Python reference pipelines use);
         * pil-simd-* reproduce Pillow-SIMD's, which torchvision's uint8 antialiased resize (Hugging
         * Face "fast" image processors) shares; sharp-* and nearest use sharp's kernels.
         */
        resample: z.enum([
          'pil-bicubic',
          'pil-bilinear',
          'pil-simd-bicubic',
          'pil-simd-bilinear',
          'nearest',
          'sharp-cubic',
          'sharp-lanczos3',
        ]),
        /**
         * true (default): a JPEG frame at least 7.5 times larger than the model's resize (a 4K
         * camera for a 224 px model) is decoded at a reduced scale (libvips shrink-on-load, see
         * src/vision/reduced-decode.ts), then resampled as above: a fraction of the decoding, an
         * embedding within cosine 0.999 of the full decode's (npm run bench measures it). false:
         * always decode at full size, for tensors bit-identical to the reference pipeline's.
         */
        reducedDecode: z.boolean().default(true),
        /** Centre crop after the resize; omitted: no crop. */
        crop: z
          .object({ width: z.number().int().positive(), height: z.number().int().positive() })
          .strict()
          .optional(),
        rescale: z
          .number()
          .positive()
          .default(1 / 255),
        mean: z.tuple([z.number(), z.number(), z.number()]),
        std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
      })
      .strict(),
    /** cls: token 0 of last_hidden_state; pooler: pooler_output; mean: mean of the patch tokens. */
    pooling: z.enum(['cls', 'pooler', 'mean']),
    outputs: z
      .object({
        lastHiddenState: z.string().default('last_hidden_state'),
        pooler: z.string().default('pooler_output'),
      })
      .strict()
      .prefault({}),
    embeddingSize: z.number().int().positive(),
    /**
     * Match threshold and margin measured for this model on held-out boards; used unless the config
     * sets match.threshold / match.minMargin.
     */
    operatingPoint: z
      .object({
        threshold: z.number().min(-1).max(1),
        minMargin: z.number().min(0).max(2),
        /**
         * With geometric verification: the cosine a board verified with fewer than
         * match.verify.strongInliers inliers needs (see README, "Verification study").
         */
        verifyCosine: z.number().min(-1).max(1).optional(),
      })
      .strict()
      .optional(),
    /** Random weights: recognition quality is meaningless; the daemon says so at start. */
    randomWeights: z.boolean().default(false),
    license: z.string().optional(),
    source: z
      .object({
        url: z.string().url().optional(),
        bytes: z.number().int().positive().optional(),
        sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .optional(),
      })
      .strict()
      .refine(
        (s) => !s.url || !FIXED_REVISION.test(s.url) || (s.bytes !== undefined && s.sha256 !== undefined),
        {
          message:
            'a URL at a fixed revision names one file forever: pin its size and sha256 (source.bytes, source.sha256)',
        },
      )
      .optional(),
  })
  .strict();

export type ModelManifest = z.infer<typeof manifestSchema>;

export interface LoadedManifest {
  manifest: ModelManifest;
  /** Absolute path of the manifest file. */
  manifestPath: string;
  /** Absolute path of the ONNX file. */
  modelPath: string;
}

/** Input tensor side lengths the manifest produces: [height, width]. */
export function inputSize(manifest: ModelManifest): [number, number] {
  const p = manifest.preprocess;
  if (p.crop) {
    if (p.resize.mode === 'letterbox') {
      throw new BenchsightError(
        'E_MODEL_MANIFEST',
        `manifest ${manifest.id}: a letterbox resize already has the input's size; remove the crop`,
      );
    }
    const smallest =
      p.resize.mode === 'exact' ? [p.resize.width, p.resize.height] : [p.resize.size, p.resize.size];
    if (p.crop.width > smallest[0]! || p.crop.height > smallest[1]!) {
      throw new BenchsightError(
        'E_MODEL_MANIFEST',
        `manifest ${manifest.id}: the ${p.crop.width}x${p.crop.height} crop can be larger than the resized image; ` +
          'make the resize at least as large as the crop',
      );
    }
    return [p.crop.height, p.crop.width];
  }
  if (p.resize.mode !== 'shortestEdge') return [p.resize.height, p.resize.width];
  throw new BenchsightError(
    'E_MODEL_MANIFEST',
    `manifest ${manifest.id}: a shortestEdge resize needs a crop so that every input has the same size`,
  );
}

/**
 * Resolves a model name or path: "benchsight-tiny" -> <modelsDir>/benchsight-tiny.json, or a path to
 * a manifest JSON file. The ONNX file is looked for next to the manifest, then in `installDir`
 * (where `benchsight model fetch` puts downloaded models).
 */
export function loadManifest(nameOrPath: string, modelsDir: string, installDir?: string): LoadedManifest {
  const looksLikePath = nameOrPath.endsWith('.json') || nameOrPath.includes('/');
  const manifestPath = looksLikePath
    ? resolve(nameOrPath)
    : resolve(isAbsolute(modelsDir) ? modelsDir : resolve(modelsDir), `${nameOrPath}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    throw new BenchsightError(
      'E_MODEL_MISSING',
      `model manifest ${manifestPath} could not be read (${(err as Error).message}). ` +
        `Set model.name to a manifest in ${modelsDir}/ or a path to one; \`benchsight model list\` shows what is installed.`,
      { cause: err },
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new BenchsightError(
      'E_MODEL_MANIFEST',
      `model manifest ${manifestPath} is invalid:\n${lines.join('\n')}`,
    );
  }
  const manifest = parsed.data;
  inputSize(manifest);
  const beside = resolve(dirname(manifestPath), manifest.file);
  const installed = installDir ? resolve(installDir, manifest.file) : null;
  const modelPath = existsSync(beside) || !installed ? beside : installed;
  return { manifest, manifestPath, modelPath };
}
