/**
 * Strength (0..1) of every nuisance a bench view can carry. 0 switches a nuisance off; 1 is the
 * strongest the generator produces. Each nuisance draws its random values from its own stream of
 * the view seed and only scales them by its strength, so changing one strength leaves the others'
 * effects unchanged: an evaluation can vary one nuisance at a time.
 */
export interface Nuisance {
  /** Board centre moved off the frame centre (within the room the frame leaves). */
  position: number;
  /** 1: any angle; 0.05: a few degrees. */
  rotation: number;
  /** Camera height: board size in the frame, up to x/÷1.4. */
  scale: number;
  /** Perspective-like shear and foreshortening. */
  skew: number;
  /** Exposure, a light gradient across the bench, vignetting. */
  lighting: number;
  /** Warm/cool white balance. */
  colorTemp: number;
  /** A specular glare spot. */
  glare: number;
  /** The board's drop shadow. */
  shadow: number;
  /** Defocus (gaussian) or motion blur. */
  blur: number;
  /** Sensor noise. */
  noise: number;
  /** JPEG quality loss below the requested quality. */
  jpeg: number;
  /** Hands, tools and cables over the board. */
  occlusion: number;
  /** Screws, nuts and small objects around (and under) the board. */
  clutter: number;
}

export type NuisanceName = keyof Nuisance;

export const NUISANCE_NAMES: readonly NuisanceName[] = [
  'position',
  'rotation',
  'scale',
  'skew',
  'lighting',
  'colorTemp',
  'glare',
  'shadow',
  'blur',
  'noise',
  'jpeg',
  'occlusion',
  'clutter',
];

/** Everything off: a centred, axis-aligned board under flat light. */
export const NO_NUISANCE: Readonly<Nuisance> = Object.freeze({
  position: 0,
  rotation: 0,
  scale: 0,
  skew: 0,
  lighting: 0,
  colorTemp: 0,
  glare: 0,
  shadow: 0,
  blur: 0,
  noise: 0,
  jpeg: 0,
  occlusion: 0,
  clutter: 0,
});

/** A realistic mix for training views: boards at any angle, moderate light and camera effects. */
export const DEFAULT_NUISANCE: Readonly<Nuisance> = Object.freeze({
  position: 1,
  rotation: 1,
  scale: 1,
  skew: 0.5,
  lighting: 0.6,
  colorTemp: 0.5,
  glare: 0.4,
  shadow: 0.7,
  blur: 0.3,
  noise: 0.4,
  jpeg: 0.3,
  occlusion: 0.3,
  clutter: 0.6,
});

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}

/** Defaults overridden by `partial`, every value clamped to 0..1. */
export function resolveNuisance(
  partial: Partial<Nuisance> = {},
  base: Readonly<Nuisance> = DEFAULT_NUISANCE,
): Nuisance {
  const out = { ...base };
  for (const name of NUISANCE_NAMES) {
    const v = partial[name];
    out[name] = clamp01(v ?? base[name]);
  }
  return out;
}

/** Every nuisance off except `name`. */
export function nuisanceOnly(name: NuisanceName, strength = 1): Nuisance {
  return { ...NO_NUISANCE, [name]: clamp01(strength) };
}
