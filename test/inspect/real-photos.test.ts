import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.ts';
import { configSchema } from '../../src/config/schema.ts';
import { Inspector } from '../../src/inspect/inspector.ts';
import { createRecognizer, createVerification } from '../../src/pipeline/active-model.ts';
import { BoardVerification } from '../../src/pipeline/verification.ts';
import type { RegionBox } from '../../src/protocol.ts';
import { Verifier } from '../../src/verify/verifier.ts';
import { createEncoder, type Encoder } from '../../src/vision/encoder.ts';
import { loadManifest } from '../../src/vision/manifest.ts';
import { HOW_TO_GET, isCached, readCached } from '../../tools/eval/photos/fetch.ts';
import { loadPhotoManifest } from '../../tools/eval/photos/manifest.ts';
import { TINY_MODEL } from '../helpers/daemon.ts';

/**
 * Real pictures of boards with several identical ASIC chips from the development photo set
 * (tools/eval/photos/manifest.json), their chips counted by hand: the map built from one marked chip
 * (Inspector.detect, what POST /api/boards/:id/inspection-map/detect runs) must find that many.
 * The box is the chip marked, in fractions of the picture.
 */
interface Counted {
  board: string;
  chips: number;
  marked: RegionBox;
}

/** phil31/EKO-Miner states no licence: read from the eval's photo cache, never committed. */
const CACHED: Counted[] = [
  // KiCad render of the 10 x BM1370 ASIC board, turned ~15 degrees: two rows of 5 chips
  { board: 'eko-asic-10xbm1370-top', chips: 10, marked: { x: 0.204, y: 0.422, width: 0.046, height: 0.078 } },
  // the same board assembled, seen in perspective, without its heatsink: two rows of 5 chips
  {
    board: 'eko-assembled-no-heatsink',
    chips: 10,
    marked: { x: 0.329, y: 0.397, width: 0.05, height: 0.072 },
  },
];

const PHOTOS_DIR = join(process.cwd(), '.cache', 'eval-photos');
const manifest = loadPhotoManifest();

describe('inspection on real pictures: chips counted by hand found from one marked chip (real opencv.js, SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'benchsight-real-inspect-'));
  let encoder: Encoder;
  let catalog: Catalog;
  let verifier: Verifier;
  let inspector: Inspector;
  let recognizer: ReturnType<typeof createRecognizer>;

  beforeAll(async () => {
    const loaded = loadManifest(TINY_MODEL, '.');
    encoder = await createEncoder(loaded, { executionProviders: ['cpu'], intraOpThreads: 1 });
    catalog = Catalog.open(join(dir, 'catalog.db'));
    verifier = new Verifier();
    const config = configSchema.parse({});
    recognizer = createRecognizer(
      config,
      catalog,
      loaded,
      encoder,
      createVerification(config, catalog, verifier),
    );
    const verification = new BoardVerification({
      catalog,
      verifier,
      policy: { ...config.match.verify },
      maxImagePixels: config.data.maxImagePixels,
    });
    inspector = new Inspector({
      catalog,
      verifier,
      verification,
      maxImagePixels: config.data.maxImagePixels,
    });
  }, 120_000);

  afterAll(async () => {
    await verifier.stop();
    await encoder.stop();
    catalog.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Enrolls the picture as the board's reference and proposes its chips from the marked one. */
  async function detect(name: string, picture: Buffer, c: Pick<Counted, 'chips' | 'marked'>) {
    const boardId = catalog.createBoard({
      vendor: 'Real',
      model: name,
      kind: 'hashboard',
      chipCount: c.chips,
    }).id;
    recognizer.reload();
    const referenceId = recognizer.store(
      boardId,
      await recognizer.prepareReference(picture),
      'upload',
      null,
    ).id;
    return inspector.detect(boardId, referenceId, c.marked);
  }

  for (const c of CACHED) {
    const photo = manifest.photos.find((p) => p.board === c.board)!;
    const present = isCached(PHOTOS_DIR, photo);
    it.skipIf(!present)(
      `${c.board} (${photo.repo} ${photo.path}): ${c.chips} chips${present ? '' : ` — skipped: not in ${PHOTOS_DIR} (its licence forbids committing a copy); ${HOW_TO_GET}`}`,
      async () => {
        const p = await detect(c.board, readCached(PHOTOS_DIR, photo), c);
        expect(p.found).toBe(c.chips);
        expect(p.mismatch).toBe(false);
      },
      60_000,
    );
  }

  // Known miss, recorded: in this perspective render the yellow pad strips between the chips
  // correlate with the marked chip about as well as the nearest row of chips (0.66-0.73), so
  // template matching proposes 14 chips. The day detection counts it right, this test fails: make it `it`.
  it.fails('Ember One hashboard (256foundation/website, MIT, committed downscaled): 12 chips — known miss, 14 proposed', async () => {
    const picture = readFileSync(
      join(import.meta.dirname, '..', 'fixtures', 'inspect', 'ember-one-hashboard.jpg'),
    );
    const p = await detect('ember-one', picture, {
      chips: 12,
      marked: { x: 0.161, y: 0.672, width: 0.066, height: 0.066 },
    });
    expect(p.found).toBe(12);
  }, 60_000);
});
