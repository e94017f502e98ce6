import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bus } from '../../src/bus.ts';
import { Catalog } from '../../src/catalog/index.ts';
import { configSchema } from '../../src/config/schema.ts';
import { createRecognizer } from '../../src/pipeline/active-model.ts';
import { CatalogEditor } from '../../src/pipeline/catalog-editor.ts';
import type { Recognizer } from '../../src/pipeline/recognizer.ts';
import type { CatalogChangedPayload } from '../../src/protocol.ts';
import { createEncoder, type Encoder } from '../../src/vision/encoder.ts';
import { loadManifest } from '../../src/vision/manifest.ts';
import { useTempDir } from '../catalog/helpers.ts';
import { pattern, TINY_MODEL } from '../helpers/daemon.ts';

describe('CatalogEditor: every change is written, indexed, rescanned and announced (real tiny ViT, SQLite)', () => {
  const tmp = useTempDir();
  let encoder: Encoder;
  let catalog: Catalog;
  let recognizer: Recognizer;
  let bus: Bus;
  let events: CatalogChangedPayload[];
  let rescans: number;
  let editor: CatalogEditor;

  beforeEach(async () => {
    const loaded = loadManifest(TINY_MODEL, '.');
    encoder = await createEncoder(loaded, { executionProviders: ['cpu'], intraOpThreads: 1 });
    catalog = tmp.open();
    recognizer = createRecognizer(configSchema.parse({}), catalog, loaded, encoder);
    bus = new Bus();
    events = [];
    rescans = 0;
    bus.on('catalog', (p) => events.push(p));
    editor = new CatalogEditor({
      catalog,
      recognizer: () => recognizer,
      rescan: () => rescans++,
      bus,
      pollMs: 20,
    });
  });

  afterEach(async () => {
    editor.stop();
    await encoder.stop();
  });

  it('boards: create, edit (the edit rescans too) and delete reach the live index', () => {
    const board = editor.createBoard({ vendor: 'Bitmain', model: 'S19j Pro', kind: 'hashboard' });
    expect(recognizer.board(board.id)?.model).toBe('S19j Pro');
    editor.updateBoard(board.id, { model: 'S19j Pro+' });
    expect(recognizer.board(board.id)?.model).toBe('S19j Pro+');
    expect(editor.deleteBoard(board.id)).toBe(true);
    expect(editor.deleteBoard(board.id)).toBe(false);
    expect(recognizer.board(board.id)).toBeUndefined();
    expect(events.map((e) => [e.entity, e.action])).toEqual([
      ['board', 'created'],
      ['board', 'updated'],
      ['board', 'deleted'],
    ]);
    expect(rescans).toBe(3);
  });

  it('references: enrolled images are in the index at once; a bad image among them stores none (issue 19)', async () => {
    const board = editor.createBoard({ vendor: 'Canaan', model: 'A1246', kind: 'hashboard' });
    events.length = 0;
    const good = { bytes: await pattern(1), source: 'upload' as const, detail: 'a.jpg' };
    const bad = { bytes: Buffer.from('not an image'), source: 'upload' as const, detail: 'b.jpg' };
    await expect(editor.enroll(board.id, [good, bad])).rejects.toMatchObject({
      code: 'E_IMAGE_INVALID',
      message: expect.stringMatching(/^b\.jpg: .*nothing was stored$/),
    });
    expect(recognizer.index.size).toBe(0);
    expect(catalog.listReferences(board.id)).toEqual([]);
    expect(events).toEqual([]);
    await editor.enroll(board.id, [good]);
    expect(recognizer.index.size).toBe(1);
    expect(events).toEqual([
      { entity: 'reference', action: 'created', id: expect.any(Number), boardId: board.id },
    ]);
    const [reference] = catalog.listReferences(board.id);
    expect(editor.deleteReference(reference!.id)?.id).toBe(reference!.id);
    expect(recognizer.index.size).toBe(0);
    expect(events.at(-1)).toEqual({
      entity: 'reference',
      action: 'deleted',
      id: reference!.id,
      boardId: board.id,
    });
  });

  it('a board added with its images (the CLI) is one transaction: a bad image leaves nothing', async () => {
    const input = { vendor: 'MicroBT', model: 'M30S hashboard', kind: 'hashboard' as const };
    const bad = { bytes: Buffer.from('garbage'), source: 'upload' as const, detail: 'x.jpg' };
    await expect(editor.addBoard(input, [bad])).rejects.toMatchObject({ code: 'E_IMAGE_INVALID' });
    expect(catalog.listBoards()).toEqual([]);
    const good = { bytes: await pattern(2), source: 'upload' as const, detail: 'y.jpg' };
    const { board, references } = await editor.addBoard(input, [good]);
    expect(references).toHaveLength(1);
    expect(recognizer.index.size).toBe(1);
    expect(events.map((e) => e.entity)).toEqual(['board', 'reference']);
    expect(recognizer.board(board.id)?.model).toBe('M30S hashboard');
  });

  it('changes another process commits (the CLI) are loaded and announced by the poll', async () => {
    editor.start();
    const announced = new Promise<CatalogChangedPayload>((resolve) =>
      bus.on('catalog', (p) => p.entity === 'catalog' && resolve(p)),
    );
    const other = Catalog.open(catalog.path);
    const board = other.createBoard({ vendor: 'Bitmain', model: 'APW12', kind: 'psu' });
    other.close();
    expect(await announced).toEqual({ entity: 'catalog', action: 'reloaded' });
    expect(recognizer.board(board.id)?.model).toBe('APW12');
    expect(rescans).toBe(1);
  });
});
