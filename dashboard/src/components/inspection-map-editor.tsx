import { useEffect, useState } from 'preact/hooks';
import {
  type BoardJson,
  type ChipProposal,
  detectChips,
  getInspectionMap,
  type InspectionRegion,
  putInspectionMap,
  type RegionBox,
  whoAmI,
} from '../api.ts';
import { useT } from '../i18n/context.tsx';
import { ChipCountLine, ProposalLine } from './chip-count.tsx';
import { RegionAdd } from './region-add.tsx';
import { RegionPicture } from './region-picture.tsx';
import { useToast } from './toast.tsx';

const nextId = (regions: InspectionRegion[]) => regions.reduce((m, r) => Math.max(m, r.id), 0) + 1;

/** The proposed chips in place of the map's chips; the other regions kept, numbered after them. */
function withProposal(regions: InspectionRegion[], proposal: ChipProposal): InspectionRegion[] {
  let id = nextId(proposal.regions);
  const others = regions.filter((r) => r.kind !== 'chip').map((r) => ({ ...r, id: id++ }));
  return [...proposal.regions, ...others];
}

/**
 * A board type's inspection map on one of its references: mark one chip, let the daemon find the
 * others, review the proposal against the board's chip count, add or remove regions, save. Admins
 * edit; viewers see the stored map.
 */
export function InspectionMapEditor({ board }: { board: BoardJson }) {
  const t = useT();
  const toast = useToast();
  const [admin, setAdmin] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [referenceId, setReferenceId] = useState<number | null>(null);
  const [regions, setRegions] = useState<InspectionRegion[]>([]);
  const [drawn, setDrawn] = useState<RegionBox | null>(null);
  const [proposal, setProposal] = useState<ChipProposal | null>(null);
  const [busy, setBusy] = useState<'detect' | 'save' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    // both before anything is shown: an admin never sees the viewer's page flash by
    Promise.allSettled([whoAmI(), getInspectionMap(board.id)]).then(([me, map]) => {
      setAdmin(me.status === 'fulfilled' && me.value.role === 'admin');
      if (map.status === 'rejected') setError(map.reason);
      else if (map.value) {
        setReferenceId(map.value.referenceId);
        setRegions(map.value.regions);
      }
      setLoaded(true);
    });
  }, [board.id]);

  // a map's regions belong to their reference; an empty map follows the board's first picture
  const reference =
    board.references.find((r) => r.id === referenceId) ??
    (regions.length === 0 ? board.references[0] : null) ??
    null;
  if (!loaded) return <p class="muted">{t.t('common.loading')}</p>;
  if (board.references.length === 0) return <p class="muted">{t.t('inspectionMap.noReferences')}</p>;

  function change(next: InspectionRegion[]) {
    // regions are fractions of one picture: the map stays on the one they were drawn on
    setReferenceId(reference?.id ?? null);
    setRegions(next);
    setDirty(true);
  }

  async function findChips() {
    if (!drawn || !reference) return;
    setBusy('detect');
    setError(null);
    try {
      const found = await detectChips(board.id, reference.id, drawn);
      setProposal(found);
      change(withProposal(regions, found));
      setDrawn(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  function add(kind: InspectionRegion['kind'], label: string) {
    if (!drawn) return;
    change([...regions, { id: nextId(regions), kind, label, box: drawn }]);
    setDrawn(null);
  }

  async function save() {
    if (!reference) return;
    setBusy('save');
    setError(null);
    try {
      const saved = await putInspectionMap(board.id, reference.id, regions);
      setRegions(saved.regions);
      setDirty(false);
      toast(t.t('inspectionMap.saved', { count: saved.regions.length }));
    } catch (err) {
      // the daemon stored nothing: the regions stay as drawn, to be fixed and saved again
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  const editable = admin && busy === null;
  return (
    <div class="inspection-map" data-testid="inspection-map">
      {admin ? (
        <div class="inspection-map-head">
          <label class="field">
            <span>{t.t('inspectionMap.reference')}</span>
            <select
              value={reference?.id ?? ''}
              disabled={regions.length > 0}
              onChange={(e) => setReferenceId(Number(e.currentTarget.value))}
            >
              {board.references.map((r) => (
                <option key={r.id} value={r.id}>
                  {t.t('inspectionMap.referenceOption', { id: r.id, width: r.width, height: r.height })}
                </option>
              ))}
            </select>
          </label>
          <p class="muted">{t.t(drawn ? 'inspectionMap.hintDrawn' : 'inspectionMap.hint')}</p>
        </div>
      ) : (
        <p class="muted">{t.t(regions.length > 0 ? 'inspectionMap.viewerOnly' : 'inspectionMap.none')}</p>
      )}
      {reference && (admin || regions.length > 0) ? (
        <RegionPicture
          reference={reference}
          regions={regions}
          drawn={drawn}
          editable={editable}
          onDraw={setDrawn}
          onRemove={(id) => change(regions.filter((r) => r.id !== id))}
        />
      ) : null}
      {admin ? (
        <div class="actions inspection-map-tools">
          <button type="button" class="secondary" disabled={!drawn || busy !== null} onClick={findChips}>
            {t.t(busy === 'detect' ? 'inspectionMap.finding' : 'inspectionMap.findChips')}
          </button>
          <RegionAdd disabled={!drawn || busy !== null} onAdd={add} />
        </div>
      ) : null}
      {proposal ? <ProposalLine proposal={proposal} /> : null}
      {regions.length > 0 ? <ChipCountLine regions={regions} expected={board.chipCount} /> : null}
      {error ? (
        <p class="form-error" role="alert" data-testid="inspection-map-error">
          {t.error(error)}
        </p>
      ) : null}
      {admin ? (
        <div class="actions">
          <button
            type="button"
            class="secondary"
            disabled={regions.length === 0 || busy !== null}
            onClick={() => {
              change([]);
              setProposal(null);
            }}
          >
            {t.t('inspectionMap.clear')}
          </button>
          <button type="button" class="primary" disabled={!dirty || busy !== null} onClick={save}>
            {t.t(busy === 'save' ? 'common.saving' : 'inspectionMap.save')}
          </button>
        </div>
      ) : null}
    </div>
  );
}
