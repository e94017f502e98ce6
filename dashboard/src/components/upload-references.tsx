import { useEffect, useState } from 'preact/hooks';
import { type BoardJson, errorText, listBoards, uploadReference } from '../api.ts';
import { boardName } from '../format.ts';
import { useLiveClient } from '../live/hooks.ts';
import { useToast } from './toast.tsx';

interface Item {
  name: string;
  progress: number;
  state: 'waiting' | 'uploading' | 'done' | 'failed';
  message?: string;
}

/** Several reference images at once, one request each, with a progress bar per file and overall. */
export function UploadReferences({ boardId, onUploaded }: { boardId?: number; onUploaded?: () => void }) {
  const toast = useToast();
  const live = useLiveClient();
  const [boards, setBoards] = useState<BoardJson[]>([]);
  const [target, setTarget] = useState<number | null>(boardId ?? null);
  const [files, setFiles] = useState<File[]>([]);
  const [items, setItems] = useState<Item[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (boardId !== undefined) return undefined;
    const load = () => listBoards().then(setBoards, (e) => setError(errorText(e)));
    load();
    return live.on('catalog', (c) => c.entity !== 'reference' && load());
  }, [boardId, live]);

  async function upload(e: Event) {
    e.preventDefault();
    setError(null);
    if (target === null) return setError('Choose the board these pictures show.');
    if (files.length === 0) return setError('Choose one or more image files.');
    setBusy(true);
    const list: Item[] = files.map((f) => ({ name: f.name, progress: 0, state: 'waiting' }));
    const update = (i: number, patch: Partial<Item>) => {
      list[i] = { ...list[i]!, ...patch };
      setItems([...list]);
    };
    setItems([...list]);
    let ok = 0;
    for (const [i, file] of files.entries()) {
      update(i, { state: 'uploading' });
      try {
        await uploadReference(target, file, (p) => update(i, { progress: p }));
        update(i, { state: 'done', progress: 1 });
        ok++;
      } catch (err) {
        update(i, { state: 'failed', message: errorText(err) });
      }
    }
    setBusy(false);
    toast(`${ok} of ${files.length} pictures added as references.`, ok === files.length ? 'ok' : 'error');
    if (ok > 0) onUploaded?.();
  }

  const done = items.filter((i) => i.state === 'done' || i.state === 'failed').length;
  return (
    <form class="upload" onSubmit={upload} noValidate>
      {boardId === undefined ? (
        <div class="field">
          <label for="upload-board">Board</label>
          <select
            id="upload-board"
            value={target ?? ''}
            onChange={(e) => setTarget(e.currentTarget.value ? Number(e.currentTarget.value) : null)}
          >
            <option value="">Choose…</option>
            {boards.map((b) => (
              <option key={b.id} value={b.id}>
                {boardName(b)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div class="field">
        <label for={`upload-files-${boardId ?? 'any'}`}>Images (JPEG, PNG or WebP; several at once)</label>
        <input
          id={`upload-files-${boardId ?? 'any'}`}
          type="file"
          accept="image/jpeg,image/png,image/webp"
          multiple
          onChange={(e) => setFiles(Array.from(e.currentTarget.files ?? []))}
        />
      </div>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? `Uploading ${done + 1} of ${items.length}…` : 'Upload'}
      </button>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {items.length > 0 ? (
        <div class="upload-progress" data-testid="upload-progress">
          <label>
            {done} of {items.length} done
            <progress max={items.length} value={done} />
          </label>
          <ul>
            {items.map((it) => (
              <li key={it.name} class={`upload-${it.state}`}>
                <span>{it.name}</span>
                <progress max={1} value={it.progress} aria-label={`${it.name} upload`} />
                <span>{it.state === 'failed' ? it.message : it.state}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </form>
  );
}
