import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Reference } from '../../catalog/types.ts';
import { boardPatchSchema, boardSchema } from '../../catalog/validate.ts';
import { BenchsightError } from '../../errors.ts';
import type { EnrollImage } from '../../pipeline/catalog-editor.ts';
import type { BoardJson, ReferenceFeatureCount, ReferenceJson } from '../../protocol.ts';
import { access } from '../access.ts';
import type { ServerContext } from '../context.ts';
import { notFound, parseInput } from '../http-errors.ts';
import { boardsQuery, idParam, liveReferenceBody, MAX_UPLOAD_FILES } from '../schemas.ts';

function referenceJson(r: Reference, features: ReferenceFeatureCount | null): ReferenceJson {
  return {
    ...r,
    imageUrl: `/api/references/${r.id}/image.jpg`,
    thumbnailUrl: `/api/references/${r.id}/thumbnail.jpg`,
    features,
  };
}

/**
 * Every image of a multipart upload, read before anything is stored: the catalog's owner stores an
 * upload all or nothing, and one file too many or too large stops it here, with nothing stored.
 */
async function readUploads(req: FastifyRequest): Promise<EnrollImage[]> {
  const images: EnrollImage[] = [];
  try {
    for await (const part of req.files()) {
      images.push({ bytes: await part.toBuffer(), source: 'upload', detail: part.filename || null });
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new BenchsightError(
        'E_IMAGE_TOO_LARGE',
        'an image is larger than server.maxUploadBytes; nothing was stored',
        { status: 413 },
      );
    }
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw new BenchsightError(
        'E_BAD_REQUEST',
        `at most ${MAX_UPLOAD_FILES} images per upload; nothing was stored: send them in several uploads`,
        { status: 413 },
      );
    }
    throw err;
  }
  if (images.length === 0) {
    throw new BenchsightError('E_BAD_REQUEST', 'no image file in the upload (multipart field of type file)', {
      status: 400,
    });
  }
  return images;
}

export function boardRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // Reads go to the catalog; every change goes through the catalog's owner (index, rescan, event).
  const { catalog, benches, editor } = ctx;

  /** References of one board, with the features verification found on each (null: verification off). */
  const referencesJson = (boardId: number, references: readonly Reference[]): ReferenceJson[] => {
    const counts = ctx.recognizer.verification?.featureCounts(boardId);
    return references.map((r) => referenceJson(r, counts?.get(r.id) ?? null));
  };

  const boardJson = (id: number): BoardJson => {
    const board = catalog.getBoard(id);
    if (!board) throw notFound(`board ${id}`);
    return { ...board, references: referencesJson(id, catalog.listReferences(id)) };
  };

  app.get('/api/boards', access('viewer'), async (req) => {
    const q = parseInput(boardsQuery, req.query, 'query');
    return {
      boards: catalog.listBoards(q.search ? { search: q.search } : undefined).map(
        (b): BoardJson => ({
          ...b,
          references: referencesJson(b.id, catalog.listReferences(b.id)),
        }),
      ),
    };
  });

  app.get('/api/boards/:id', access('viewer'), async (req) =>
    boardJson(parseInput(idParam, req.params, 'path').id),
  );

  app.post('/api/boards', access('admin'), async (req, reply) => {
    const board = editor.createBoard(parseInput(boardSchema, req.body, 'board'));
    return reply.status(201).send(boardJson(board.id));
  });

  app.patch('/api/boards/:id', access('admin'), async (req) => {
    const { id } = parseInput(idParam, req.params, 'path');
    editor.updateBoard(id, parseInput(boardPatchSchema, req.body, 'board'));
    return boardJson(id);
  });

  app.delete('/api/boards/:id', access('admin'), async (req, reply) => {
    const { id } = parseInput(idParam, req.params, 'path');
    if (!editor.deleteBoard(id)) throw notFound(`board ${id}`);
    return reply.status(204).send();
  });

  app.post('/api/boards/:id/references', access('admin'), async (req, reply) => {
    const { id } = parseInput(idParam, req.params, 'path');
    if (!catalog.getBoard(id)) throw notFound(`board ${id}`);
    const images: EnrollImage[] = [];
    if (req.isMultipart()) {
      images.push(...(await readUploads(req)));
    } else {
      const body = parseInput(liveReferenceBody, req.body, 'body');
      const capture =
        'fromCapture' in body
          ? benches.first.capture(body.fromCapture)
          : benches.get(body.camera).captureSlot(body.fromSlot);
      images.push({ bytes: capture.frame.jpeg, source: 'live', detail: capture.slot, region: capture.rect });
    }
    const created = await editor.enroll(id, images);
    return reply.status(201).send({ references: referencesJson(id, created) });
  });

  app.delete('/api/references/:id', access('admin'), async (req, reply) => {
    const { id } = parseInput(idParam, req.params, 'path');
    if (!editor.deleteReference(id)) throw notFound(`reference ${id}`);
    return reply.status(204).send();
  });

  for (const variant of ['image', 'thumbnail'] as const) {
    app.get(`/api/references/:id/${variant}.jpg`, access('viewer'), async (req, reply) => {
      const { id } = parseInput(idParam, req.params, 'path');
      const bytes = variant === 'image' ? catalog.getReferenceImage(id) : catalog.getReferenceThumbnail(id);
      if (!bytes) throw notFound(`reference ${id}`);
      return reply.type('image/jpeg').header('cache-control', 'private, max-age=3600').send(bytes);
    });
  }
}
