import { useEffect, useState } from 'preact/hooks';
import { type BoardJson, listBoards, type ReferenceJson, uploadReference } from '../api.ts';
import { boardName } from '../format.ts';
import { useT } from '../i18n/context.tsx';
import { useLiveClient } from '../live/hooks.ts';
import { ReferenceFeatures } from './reference-features.tsx';
import { useToast } from './toast.tsx';

interface Item {
  name: string;
  progress: number;
  state: 'waiting' | 'uploading' | 'done' | 'failed';
  message?: string;
  /** what verification found on the reference the file became */
  features?: ReferenceJson['features'];
}

/** Several reference images at once, one request each, with a progress bar per file and overall. */
export function UploadReferences({ boardId, onUploaded }: { boardId?: number; onUploaded?: () => void }) {
  const t = useT();
  const toast = useToast();
  const live = useLiveClient();
  const [boards, setBoards] = useState<BoardJson[]>([]);
  const [target, setTarget] = useState<number | null>(boardId ?? null);
  const [files, setFiles] = useState<File[]>([]);
  const [items, setItems] = useState<Item[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (boardId !== undefined) return undefined;
    const load = () => listBoards().then(setBoards, setError);
    load();
    return live.on('catalog', (c) => c.entity !== 'reference' && load());
  }, [boardId, live]);

  async function upload(e: Event) {
    e.preventDefault();
    setError(null);
    if (target === null) return setError(new Error(t.t('upload.chooseBoard')));
    if (files.length === 0) return setError(new Error(t.t('upload.chooseFiles')));
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
        const [reference] = await uploadReference(target, file, (p) => update(i, { progress: p }));
        update(i, { state: 'done', progress: 1, features: reference?.features ?? null });
        ok++;
      } catch (err) {
        update(i, { state: 'failed', message: t.error(err) });
      }
    }
    setBusy(false);
    toast(t.t('upload.result', { ok, total: files.length }), ok === files.length ? 'ok' : 'error');
    if (ok > 0) onUploaded?.();
  }

  const fileId = `upload-files-${boardId ?? 'any'}`;
  const added = items.filter((i) => i.state === 'done').length;
  const failed = items.filter((i) => i.state === 'failed').length;
  const done = added + failed;
  return (
    <form class="upload" onSubmit={upload} noValidate>
      {boardId === undefined ? (
        <div class="field">
          <label for="upload-board">{t.t('common.board')}</label>
          <select
            id="upload-board"
            value={target ?? ''}
            onChange={(e) => setTarget(e.currentTarget.value ? Number(e.currentTarget.value) : null)}
          >
            <option value="">{t.t('common.choose')}</option>
            {boards.map((b) => (
              <option key={b.id} value={b.id}>
                {boardName(b)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {/* The browser's own file button speaks the browser's language, not the page's: ours does. */}
      <div class="field file-field">
        <span id={`${fileId}-label`}>{t.t('upload.files')}</span>
        <input
          id={fileId}
          class="file-input"
          type="file"
          accept="image/jpeg,image/png,image/webp"
          multiple
          aria-labelledby={`${fileId}-label`}
          onChange={(e) => setFiles(Array.from(e.currentTarget.files ?? []))}
        />
        <span class="file-pick">
          <label for={fileId} class="button secondary">
            {t.t('upload.pick')}
          </label>
          <span class="muted" aria-live="polite">
            {t.t('upload.picked', { count: files.length })}
          </span>
        </span>
      </div>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t.t('upload.uploading', { current: done + 1, total: items.length }) : t.t('upload.submit')}
      </button>
      {error ? (
        <p class="form-error" role="alert">
          {t.error(error)}
        </p>
      ) : null}
      {items.length > 0 ? (
        <div class="upload-progress" data-testid="upload-progress">
          <label>
            {t.t('upload.done', { added, failed, total: items.length })}
            <progress max={items.length} value={done} />
          </label>
          <ul>
            {items.map((it) => (
              <li key={it.name} class={`upload-${it.state}`}>
                <span>{it.name}</span>
                <progress
                  max={1}
                  value={it.progress}
                  aria-label={t.t('upload.fileProgress', { name: it.name })}
                />
                <span>{it.state === 'failed' ? it.message : t.t('upload.state', { state: it.state })}</span>
                <ReferenceFeatures features={it.features ?? null} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </form>
  );
}
