import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The real-photo development set: photographs and renders of circuit boards published in public
 * repositories, each pinned by repository, commit, path, size and sha256 with the licence read from
 * the repository. The pictures themselves stay out of this repository (see fetch.ts).
 */
export const photoSchema = z
  .object({
    /** The board the picture shows (unique in the manifest). */
    board: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/),
    /** Enrolled from this picture, or a board never enrolled (its views are the unknown queries). */
    role: z.enum(['enrolled', 'unknown']),
    kind: z.enum(['photo', 'render', 'graphic']),
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
    commit: z.string().regex(/^[0-9a-f]{40}$/),
    path: z.string().min(1),
    bytes: z.number().int().positive(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    licence: z.string().min(1),
    /** The enrolled board this one looks like (a sibling, another revision, a render of a related board). */
    lookalikeOf: z.string().optional(),
  })
  .strict();

export type Photo = z.infer<typeof photoSchema>;

export const photoManifestSchema = z
  .object({ photos: z.array(photoSchema).min(1) })
  .strict()
  .superRefine((m, ctx) => {
    const enrolled = new Set(m.photos.filter((p) => p.role === 'enrolled').map((p) => p.board));
    const seen = new Set<string>();
    for (const [i, p] of m.photos.entries()) {
      if (seen.has(p.board))
        ctx.addIssue({ code: 'custom', path: ['photos', i, 'board'], message: 'duplicate board' });
      seen.add(p.board);
      if (p.lookalikeOf && !enrolled.has(p.lookalikeOf)) {
        ctx.addIssue({
          code: 'custom',
          path: ['photos', i, 'lookalikeOf'],
          message: 'names no enrolled board',
        });
      }
    }
  });

export type PhotoManifest = z.infer<typeof photoManifestSchema>;

export const DEFAULT_MANIFEST = join(dirname(fileURLToPath(import.meta.url)), 'manifest.json');

export function loadPhotoManifest(path = DEFAULT_MANIFEST): PhotoManifest {
  return photoManifestSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** The cached file of a picture: named by its content, so a changed pin never reads a stale file. */
export function cachedName(p: Photo): string {
  return `${p.sha256}${extname(p.path).toLowerCase()}`;
}
