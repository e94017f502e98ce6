import type { Bus } from '../bus.ts';
import type { Catalog } from '../catalog/index.ts';
import { errorMessage } from '../errors.ts';
import { heatmapPath } from '../inspect/heatmap.ts';
import type { Inspection } from '../inspect/inspector.ts';
import { defectList, noChips } from '../inspect/verdict.ts';
import type { Logger } from '../logger.ts';
import type { BoardInfo, InspectedPayload } from '../protocol.ts';
import type { SlotRecognition } from './types.ts';

/**
 * What the slot's owner does with an inspection: history keeps the counts and the defects (for a
 * verified one), and `inspected` goes out with the regions and the heatmap's URL.
 */
export function reportInspection(
  o: {
    catalog: Catalog;
    bus: Bus;
    logger: Pick<Logger, 'error'>;
    board: (id: number | null) => BoardInfo | null;
  },
  job: SlotRecognition,
  inspection: Inspection | null,
  error: string | null,
): InspectedPayload {
  if (inspection?.verified && job.recognitionId !== null) {
    try {
      o.catalog.saveInspection(job.recognitionId, {
        chipsExpected: inspection.counts.chips.expected,
        chipsFound: inspection.counts.chips.found,
        chipsHidden: inspection.counts.chips.hidden,
        defects: defectList(inspection.regions),
      });
    } catch (err) {
      o.logger.error(
        { err: errorMessage(err), recognitionId: job.recognitionId },
        'inspection of the board not saved to history',
      );
    }
  }
  const payload: InspectedPayload = {
    recognitionId: job.recognitionId,
    at: job.at,
    camera: job.camera,
    slot: job.slot,
    board: o.board(job.visionBoardId),
    verified: inspection?.verified ?? false,
    reason: inspection?.reason ?? null,
    regions: inspection?.regions ?? [],
    counts: inspection?.counts ?? { chips: noChips(null) },
    heatmapUrl: inspection?.heatmapId ? heatmapPath(inspection.heatmapId) : null,
    outline: inspection?.outline ?? null,
    ms: Math.round(inspection?.ms ?? 0),
    error,
  };
  o.bus.emit('inspected', payload);
  return payload;
}
