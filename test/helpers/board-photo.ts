import { boardTypeFromSeed } from '../../tools/synth/board.ts';
import { NO_NUISANCE } from '../../tools/synth/nuisance.ts';
import { renderBenchView } from '../../tools/synth/scene.ts';

/** A sharp 640x480 bench photo of a synthetic hashboard (seed 101): hundreds of ORB keypoints. */
export async function boardPhoto(): Promise<Buffer> {
  const { jpeg } = await renderBenchView(boardTypeFromSeed(101, 'hashboard'), 10, {
    width: 640,
    height: 480,
    nuisance: NO_NUISANCE,
    background: 'esd-mat',
    pose: { cx: 320, cy: 240, angleDeg: 0, shear: 0, squash: 1, pxPerMm: 1.75 },
    quality: 90,
  });
  return jpeg;
}
