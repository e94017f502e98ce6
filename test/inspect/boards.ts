import type { ChipProposal } from '../../src/protocol.ts';
import { cropJpeg, decodeImage } from '../../src/vision/preprocess.ts';
import { boardTypeFromSeed } from '../../tools/synth/board.ts';
import { NO_NUISANCE, type Nuisance } from '../../tools/synth/nuisance.ts';
import { chipRects } from '../../tools/synth/render-chips.ts';
import { renderBenchView } from '../../tools/synth/scene.ts';
import type { BoardType, ChipDefects } from '../../tools/synth/types.ts';

/** A synthetic hashboard with bare chips (no heatsink over them), optionally with chip defects. */
export function bareHashboard(seed: number, defects?: ChipDefects): BoardType {
  const t = boardTypeFromSeed(seed, 'hashboard');
  const chips = t.chips!;
  // without the stickers the generator lays over some chips: every chip can be seen and counted
  return { ...t, overlay: [], chips: { ...chips, heatsink: null, ...(defects ? { defects } : {}) } };
}

export const chipCount = (t: BoardType) => t.chips!.rows * t.chips!.cols;

export interface Shot {
  jpeg: Buffer;
  width: number;
  height: number;
  /** The board's bounding box in the frame, pixels. */
  bbox: { x: number; y: number; width: number; height: number };
  /** The board's corners in the frame, pixels (top-left, top-right, bottom-right, bottom-left). */
  corners: Array<[number, number]>;
  /** Hands, tools and cables over the scene: their boxes in the frame, pixels. */
  occluders: Array<{ kind: string; x: number; y: number; width: number; height: number }>;
}

/** An overhead bench view of the board; pose fields override the straight, centred one. */
export async function shoot(
  t: BoardType,
  seed: number,
  o: {
    width: number;
    height: number;
    pxPerMm: number;
    pose?: Record<string, number>;
    nuisance?: Partial<Nuisance>;
  },
): Promise<Shot> {
  const { jpeg, meta } = await renderBenchView(t, seed, {
    width: o.width,
    height: o.height,
    nuisance: { ...NO_NUISANCE, ...o.nuisance },
    background: 'esd-mat',
    pose: {
      cx: o.width / 2,
      cy: o.height / 2,
      angleDeg: 0,
      shear: 0,
      squash: 1,
      pxPerMm: o.pxPerMm,
      ...o.pose,
    },
    quality: 92,
  });
  return {
    jpeg,
    width: o.width,
    height: o.height,
    bbox: meta.board!.bbox,
    corners: meta.board!.corners,
    occluders: meta.occluders.map((p) => ({ kind: p.kind, ...p.bbox })),
  };
}

/** Chip `i`'s box (row-major) in fractions of the board, for a straight view cropped to the board. */
export function chipBox(t: BoardType, i: number) {
  const c = chipRects(t.chips!)[i]!;
  return { x: c.x / t.width, y: c.y / t.height, width: c.w / t.width, height: c.h / t.height };
}

/** The multipart upload of one picture, with optional fields. */
export function upload(jpeg: Buffer, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('image', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'board.jpg');
  return form;
}

/**
 * Creates the board on a running daemon and enrolls its golden reference (the straight shot, cropped);
 * `headers` authenticate the calls on a daemon with auth (a bearer token).
 */
export async function enrollGolden(
  url: string,
  t: BoardType,
  headers: Record<string, string> = {},
): Promise<{ boardId: number; referenceId: number }> {
  const created = await fetch(`${url}/api/boards`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      vendor: 'Test',
      model: `S-${t.seed}`,
      kind: 'hashboard',
      chipCount: chipCount(t),
    }),
  });
  const boardId = ((await created.json()) as { id: number }).id;
  const ref = await shoot(t, 1, { width: 1400, height: 560, pxPerMm: 3.8 });
  const b = ref.bbox;
  const crop = await cropJpeg(
    await decodeImage(ref.jpeg),
    { x: b.x / ref.width, y: b.y / ref.height, width: b.width / ref.width, height: b.height / ref.height },
    { maxSide: 1280, quality: 92 },
  );
  const enrolled = await fetch(`${url}/api/boards/${boardId}/references`, {
    method: 'POST',
    headers,
    body: upload(crop.jpeg),
  });
  const referenceId = ((await enrolled.json()) as { references: { id: number }[] }).references[0]!.id;
  return { boardId, referenceId };
}

/** Enrolls the golden board on a running daemon and maps its chips from one marked chip (chip 41) through the API; the board's id. */
export async function mapGolden(url: string, good: BoardType): Promise<number> {
  const { boardId, referenceId } = await enrollGolden(url, good);
  const detected = await fetch(`${url}/api/boards/${boardId}/inspection-map/detect`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ referenceId, box: chipBox(good, 40) }),
  });
  const proposal = (await detected.json()) as ChipProposal;
  const saved = await fetch(`${url}/api/boards/${boardId}/inspection-map`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ referenceId, regions: proposal.regions }),
  });
  if (!saved.ok) throw new Error(`map not saved: ${saved.status} ${await saved.text()}`);
  return boardId;
}
