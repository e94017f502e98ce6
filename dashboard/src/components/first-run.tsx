import { useEffect, useState } from 'preact/hooks';
import { type BoardJson, listBoards } from '../api.ts';
import { useT } from '../i18n/context.tsx';
import { useLiveClient } from '../live/hooks.ts';

/**
 * Until the catalog knows the empty bench and at least one board, the Live page says what to do first:
 * without them every slot is "unknown" and recognition has nothing to go on.
 */
export function FirstRun() {
  const t = useT();
  const live = useLiveClient();
  const [boards, setBoards] = useState<BoardJson[] | null>(null);

  useEffect(() => {
    const load = () => listBoards().then(setBoards, () => setBoards(null));
    load();
    return live.on('catalog', load);
  }, [live]);

  if (!boards) return null;
  const enrolled = boards.filter((b) => b.references.length > 0);
  const bench = enrolled.some((b) => b.kind === 'empty-bench');
  const board = enrolled.some((b) => b.kind !== 'empty-bench');
  if (bench && board) return null;
  const strong = (chunks: preact.ComponentChildren) => <strong>{chunks}</strong>;
  return (
    <section class="panel first-run" data-testid="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">{t.t('firstRun.title')}</h2>
      <ol>
        <li data-done={bench} data-testid="first-run-bench">
          {t.rich('firstRun.bench', { b: strong, kind: t.t('kind.empty-bench') })}
          {bench ? <span class="done"> {t.t('firstRun.done')}</span> : null}
        </li>
        <li data-done={board} data-testid="first-run-boards">
          {t.rich('firstRun.boards', {
            b: strong,
            link: (chunks: preact.ComponentChildren) => <a href="#/enroll?new">{chunks}</a>,
          })}
          {board ? <span class="done"> {t.t('firstRun.done')}</span> : null}
        </li>
      </ol>
    </section>
  );
}
