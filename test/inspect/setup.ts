import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../../src/catalog/index.ts';
import { configSchema, WHOLE_FRAME } from '../../src/config/schema.ts';
import { Inspector } from '../../src/inspect/inspector.ts';
import { createRecognizer, createVerification } from '../../src/pipeline/active-model.ts';
import type { InspectionRegion } from '../../src/protocol.ts';
import { Verifier } from '../../src/verify/verifier.ts';
import { createEncoder, type Encoder } from '../../src/vision/encoder.ts';
import { loadManifest } from '../../src/vision/manifest.ts';
import { decodeImage } from '../../src/vision/preprocess.ts';
import {
  goldenReference,
  INSPECTION_NUISANCE,
  markedChip,
  markedParts,
} from '../../tools/eval/inspection-set.ts';
import { viewSeed } from '../../tools/eval/views.ts';
import { renderBenchView } from '../../tools/synth/scene.ts';
import type { BoardType } from '../../tools/synth/types.ts';
import { TINY_MODEL } from '../helpers/daemon.ts';

/** What the inspection tests work with: a SQLite catalog, the tiny ViT, OpenCV's feature worker, an Inspector. */
export interface InspectionBench {
  catalog: Catalog;
  verifier: Verifier;
  encoder: Encoder;
  recognizer: ReturnType<typeof createRecognizer>;
  inspector: Inspector;
  /** Enrolls `jpeg` (its `region`, fractions of it; whole when omitted) as a reference of the board. */
  enroll(
    boardId: number,
    jpeg: Buffer,
    region?: { x: number; y: number; width: number; height: number },
  ): Promise<number>;
  close(): Promise<void>;
}

/** A catalog in a fresh temporary folder with the default config's verification and inspection. */
export async function openInspectionBench(name: string): Promise<InspectionBench> {
  const dir = mkdtempSync(join(tmpdir(), `benchsight-${name}-`));
  const loaded = loadManifest(TINY_MODEL, '.');
  const encoder = await createEncoder(loaded, { executionProviders: ['cpu'], intraOpThreads: 1 });
  const catalog = Catalog.open(join(dir, 'catalog.db'));
  const verifier = new Verifier();
  const config = configSchema.parse({});
  const recognizer = createRecognizer(
    config,
    catalog,
    loaded,
    encoder,
    createVerification(config, catalog, verifier),
  );
  const inspector = new Inspector({
    catalog,
    verifier,
    maxImagePixels: config.data.maxImagePixels,
  });
  return {
    catalog,
    verifier,
    encoder,
    recognizer,
    inspector,
    async enroll(boardId, jpeg, region) {
      recognizer.reload();
      return recognizer.store(boardId, await recognizer.prepareReference(jpeg, region), 'upload', null).id;
    },
    async close() {
      await verifier.stop();
      await encoder.stop();
      catalog.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A synthetic hashboard type of the eval's inspection rows enrolled from its golden reference. */
export async function enrollGolden(
  bench: InspectionBench,
  t: BoardType,
  model: string,
  chipCount: number | null = t.chips!.rows * t.chips!.cols,
): Promise<{ boardId: number; referenceId: number }> {
  const golden = await goldenReference(t);
  const boardId = bench.catalog.createBoard({ vendor: 'Synth', model, kind: 'hashboard', chipCount }).id;
  return { boardId, referenceId: await bench.enroll(boardId, golden.jpeg, golden.region) };
}

/**
 * Its inspection map as the eval builds it: the middle chip marked, the rest found by
 * Inspector.detect (every chip expected), with the type's connectors and capacitors when `parts`.
 */
export async function saveMap(
  bench: InspectionBench,
  t: BoardType,
  board: { boardId: number; referenceId: number },
  parts = false,
): Promise<InspectionRegion[]> {
  const chips = t.chips!.rows * t.chips!.cols;
  const proposal = await bench.inspector.detect(
    board.boardId,
    board.referenceId,
    markedChip(t, Math.floor(chips / 2)),
  );
  if (proposal.found !== chips) throw new Error(`detection found ${proposal.found} chips of ${chips}`);
  const marked = parts ? markedParts(t).map((p, i) => ({ id: proposal.regions.length + i + 1, ...p })) : [];
  return bench.catalog.putInspectionMap(board.boardId, {
    referenceId: board.referenceId,
    regions: [...proposal.regions, ...marked],
  }).regions;
}

/**
 * A fresh bench with the board type enrolled from its golden reference and its map saved as the eval
 * builds it (connectors and capacitors too when `parts`): what a describe's beforeAll opens.
 */
export async function openMappedBoard(name: string, t: BoardType, parts = false) {
  const bench = await openInspectionBench(name);
  const board = await enrollGolden(bench, t, name);
  const regions = await saveMap(bench, t, board, parts);
  return { bench, boardId: board.boardId, regions };
}

/**
 * The eval's `view`-th good view of a board type (its seed's light, pose and nuisances; `type` may be
 * the same type with a defect, drawn alike), or its `view`-th defective view with `purpose`
 * 'inspection-defect', inspected whole as `boardId`; fails unless it verifies.
 * Returns the inspection and the renderer's truth of what lies over the board.
 */
export async function inspectEvalView(
  bench: InspectionBench,
  boardId: number,
  type: BoardType,
  view = 0,
  purpose: 'inspection-good' | 'inspection-defect' = 'inspection-good',
) {
  const { jpeg, meta } = await renderBenchView(type, viewSeed(type.seed, purpose, view), {
    width: 1280,
    height: 720,
    nuisance: INSPECTION_NUISANCE,
  });
  const inspection = await bench.inspector.inspect(await decodeImage(jpeg), WHOLE_FRAME, boardId);
  if (!inspection.verified)
    throw new Error(`view ${view} of board type ${type.seed} not verified: ${inspection.reason}`);
  return { inspection, occluders: meta.occluders };
}
