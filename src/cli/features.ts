import type { Recognizer } from '../pipeline/recognizer.ts';
import { FEW_KEYPOINTS } from '../pipeline/verification.ts';

/** A reference just enrolled, named the way the user gave it (its file). */
export interface NewReference {
  id: number;
  label: string;
}

/**
 * Says how many local features verification found on each new reference (stdout), and warns on stderr
 * about those with too few: a blurred or featureless photo verifies its board poorly. Silent with
 * verification off. `all`: false prints only the warnings (an import, which reports per board).
 */
export function reportFeatures(
  recognizer: Recognizer,
  boardId: number,
  references: readonly NewReference[],
  all = true,
): void {
  const counts = recognizer.verification?.featureCounts(boardId);
  if (!counts) return;
  for (const r of references) {
    const c = counts.get(r.id);
    if (!c) continue;
    if (all) process.stdout.write(`  ${r.label}: ${c.keypoints} local features\n`);
    if (c.few) {
      process.stderr.write(
        `warning: ${r.label}: few local features (${c.keypoints}, under ${FEW_KEYPOINTS}): the photo is blurred or featureless, verification of this board will be weak; take a sharper photo with the whole board in view\n`,
      );
    }
  }
}
