import type {
  BoardInput,
  BoardJson,
  CaptureJson,
  ChipProposal,
  InspectionMapJson,
  InspectionRegion,
  RecognitionJson,
  RecognitionPage,
  ReferenceJson,
  RegionBox,
  UnitPage,
  UnitRecord,
} from '../../src/protocol.ts';

export type {
  BoardInput,
  BoardJson,
  CaptureJson,
  ChipProposal,
  InspectionMapJson,
  InspectionRegion,
  RecognitionJson,
  RecognitionPage,
  ReferenceJson,
  RegionBox,
  UnitPage,
  UnitRecord,
};

/**
 * An error the daemon explained, with its stable code: the dashboard shows its own words for the
 * codes it knows (Translator.error) and the daemon's English message for the others.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number | undefined;
  constructor(code: string, message: string, status?: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

async function errorFrom(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return new ApiError(body.error.code ?? 'E_HTTP', body.error.message, res.status);
  } catch {
    // not JSON: fall through to the status line
  }
  return new ApiError('E_HTTP', `the daemon answered ${res.status} ${res.statusText}`, res.status);
}

export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  let res: Response;
  try {
    res = await fetch(path, {
      ...rest,
      ...(json !== undefined
        ? { body: JSON.stringify(json), headers: { 'content-type': 'application/json' } }
        : {}),
    });
  } catch {
    throw new ApiError('E_OFFLINE', 'the daemon cannot be reached: is it running?');
  }
  if (!res.ok) throw await errorFrom(res);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export const listBoards = (search = '') =>
  api<{ boards: BoardJson[] }>(`/api/boards${search ? `?search=${encodeURIComponent(search)}` : ''}`).then(
    (r) => r.boards,
  );
export const createBoard = (input: BoardInput) =>
  api<BoardJson>('/api/boards', { method: 'POST', json: input });
export const updateBoard = (id: number, input: BoardInput) =>
  api<BoardJson>(`/api/boards/${id}`, { method: 'PATCH', json: input });
export const deleteBoard = (id: number) => api<void>(`/api/boards/${id}`, { method: 'DELETE' });
export const deleteReference = (id: number) => api<void>(`/api/references/${id}`, { method: 'DELETE' });
/** Holds the slot's current picture on the daemon for a while; enroll it with enrollCapture. */
export const captureSlot = (camera: string, slot: string) =>
  api<CaptureJson>('/api/captures', { method: 'POST', json: { camera, slot } });
/** Enrolls exactly the picture captured before (E_CAPTURE_EXPIRED once it is no longer kept). */
export const enrollCapture = (boardId: number, captureId: string) =>
  api<{ references: ReferenceJson[] }>(`/api/boards/${boardId}/references`, {
    method: 'POST',
    json: { fromCapture: captureId },
  });

/** Uploads one image as a reference; XMLHttpRequest because fetch reports no upload progress. */
export function uploadReference(
  boardId: number,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<ReferenceJson[]> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/boards/${boardId}/references`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError('E_OFFLINE', 'the daemon cannot be reached: is it running?'));
    xhr.onload = () => {
      const body = xhr.response as {
        references?: ReferenceJson[];
        error?: { code: string; message: string };
      };
      if (xhr.status === 201 && body?.references) resolve(body.references);
      else
        reject(
          new ApiError(
            body?.error?.code ?? 'E_HTTP',
            body?.error?.message ?? `upload failed (${xhr.status})`,
            xhr.status,
          ),
        );
    };
    const form = new FormData();
    form.append('image', file, file.name);
    xhr.send(form);
  });
}

/** A serial typed or scanned for a board (POST /api/units): finds or creates its unit. */
export const typeSerial = (serial: string, boardId: number | null, recognitionId: number | undefined) =>
  api<UnitRecord>('/api/units', {
    method: 'POST',
    json: { serial, boardId, ...(recognitionId !== undefined ? { recognitionId } : {}) },
  });
export const getUnit = (serial: string) => api<UnitRecord>(`/api/units/${encodeURIComponent(serial)}`);
export const editUnit = (
  serial: string,
  edit: { status?: string; note?: string; resolve?: { conflictId: number; answer: string } },
) => api<UnitRecord>(`/api/units/${encodeURIComponent(serial)}`, { method: 'PATCH', json: edit });
export const whoAmI = () => api<{ name: string | null; role: 'viewer' | 'admin' | null }>('/api/auth/me');

/** A board's inspection map; null when none is drawn yet (the daemon answers 404). */
export const getInspectionMap = (boardId: number) =>
  api<InspectionMapJson>(`/api/boards/${boardId}/inspection-map`).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  });
/** Replaces the board's map (admins); a 400 names the region the daemon refused, and nothing is stored. */
export const putInspectionMap = (boardId: number, referenceId: number, regions: InspectionRegion[]) =>
  api<InspectionMapJson>(`/api/boards/${boardId}/inspection-map`, {
    method: 'PUT',
    json: { referenceId, regions },
  });
/** The chips on the reference that look like the marked one, numbered in reading order (admins). */
export const detectChips = (boardId: number, referenceId: number, box: RegionBox) =>
  api<ChipProposal>(`/api/boards/${boardId}/inspection-map/detect`, {
    method: 'POST',
    json: { referenceId, box },
  });
