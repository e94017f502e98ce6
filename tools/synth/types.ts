/**
 * Plain-data description of a synthetic board type. Units are millimetres, origin at the board's
 * top-left corner, x along the board's length. A `BoardType` is fully determined by its seed and is
 * JSON-serialisable, so it can be logged, compared and stored.
 */

export type BoardKind = 'hashboard' | 'control-board' | 'psu';

export interface BoardIdentity {
  vendor: string;
  /** Marketing model the board belongs to, e.g. "S19j Pro". */
  model: string;
  /** ASIC for hashboards, SoC for control boards, null for PSUs. */
  chipType: string | null;
  /** PCB or part code printed on the board, e.g. "BHB42601". */
  boardCode: string;
}

export type HeatsinkColor = 'aluminium' | 'black' | 'gold';
export type FinPattern = 'straight' | 'pin' | 'none';

export interface Heatsink {
  /** per-chip: one block per chip; per-row: one bar per chip row; plate: one plate over the grid. */
  layout: 'per-chip' | 'per-row' | 'plate';
  color: HeatsinkColor;
  fins: FinPattern;
  /** Direction fins run in: 'x' along the board's length. */
  finAxis: 'x' | 'y';
  /** Fin (or pin) pitch, mm. */
  finPitch: number;
  /** How far the heatsink extends past the chip on each side, mm. */
  overhang: number;
}

export interface ChipGrid {
  x: number;
  y: number;
  rows: number;
  cols: number;
  /** Chip package side, mm. */
  chipSize: number;
  pitchX: number;
  pitchY: number;
  /** Extra gap after every `groupEvery` columns (voltage domains). */
  groupEvery: number;
  groupGap: number;
  packageColor: string;
  lidColor: string;
  heatsink: Heatsink | null;
  /** Defects with their truth (inspection): chips by row-major index, 0 first. */
  defects?: ChipDefects;
}

/**
 * Chips removed to bare pads, burnt, or lifted (tilted off its pads), and chips whose own heatsink
 * is missing (per-chip heatsinks: the bare chip shows), by row-major index.
 */
export interface ChipDefects {
  missing?: number[];
  burnt?: number[];
  lifted?: number[];
  noHeatsink?: number[];
}

export interface Hole {
  x: number;
  y: number;
  r: number;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type ConnectorKind =
  | 'pin-header'
  | 'box-header'
  | 'edge-fingers'
  | 'busbar'
  | 'screw-terminal'
  | 'fan-header'
  | 'pcie'
  | 'ac-inlet'
  | 'rj45'
  | 'usb'
  | 'sd-slot'
  | 'power-jack';

export interface Connector extends Rect {
  t: 'connector';
  kind: ConnectorKind;
  /** Pin columns x rows for headers; slot count for terminals. */
  pins: number;
  pinRows: number;
  color: string;
}

export interface Capacitor {
  t: 'capacitor';
  x: number;
  y: number;
  r: number;
  sleeve: string;
}

/** Where a part was removed: its tinned pads and silkscreen outline on the bare board. */
export interface Footprint extends Rect {
  t: 'footprint';
  /** round: a capacitor's circle outline; rect: a connector's box. */
  outline: 'round' | 'rect';
  /** Pads, packed as [x, y, w, h] quadruples. */
  pads: number[];
  silk: string;
}

export interface Ic extends Rect {
  t: 'ic';
  /** inductor: rounded black block; soc/ram/ldo/flash: packages; crystal: metal can. */
  role: 'inductor' | 'soc' | 'ram' | 'flash' | 'ldo' | 'crystal' | 'button';
  color: string;
  label: string | null;
}

export interface Led {
  t: 'led';
  x: number;
  y: number;
  color: string;
}

export interface SilkText {
  t: 'text';
  x: number;
  y: number;
  /** Cap height, mm. */
  size: number;
  text: string;
  rotate: 0 | 90 | 180 | 270;
  font: 'sans' | 'mono';
  bold: boolean;
  color: string;
}

export interface Sticker extends Rect {
  t: 'sticker';
  paper: string;
  ink: string;
  lines: string[];
  /** Bar widths in modules, alternating bar / space. Empty: no barcode. */
  barcode: number[];
  /** Adds a 2-D code square of this many modules (0: none). */
  matrix: number;
  /** Seed for the 2-D code's pattern. */
  matrixSeed: number;
}

/** Small surface-mount parts, packed as [x, y, w, h] quadruples to keep the type compact. */
export interface SmdField {
  t: 'smd';
  color: string;
  boxes: number[];
}

export interface Trace {
  t: 'trace';
  width: number;
  color: string;
  /** Flat list of x, y pairs. */
  points: number[];
}

export interface FanGrille {
  t: 'fan-grille';
  x: number;
  y: number;
  r: number;
  rings: number;
  spokes: number;
  blades: number;
  /** Grille metal colour. */
  color: string;
}

export interface VentSlots extends Rect {
  t: 'vents';
  /** slots: rounded slots; holes: round perforation. */
  style: 'slots' | 'holes';
  pitch: number;
  /** Slot length for 'slots', hole diameter for 'holes'. */
  size: number;
  axis: 'x' | 'y';
}

export interface Screw {
  t: 'screw';
  x: number;
  y: number;
  r: number;
  head: 'phillips' | 'torx' | 'hex';
  color: string;
}

/** A flat plate on a metal box (rating plate) or a moulded panel. */
export interface Panel extends Rect {
  t: 'panel';
  color: string;
  radius: number;
  /** Darker or lighter edge, 0 for none. */
  bevel: number;
}

export type Part =
  | Connector
  | Capacitor
  | Footprint
  | Ic
  | Led
  | SilkText
  | Sticker
  | SmdField
  | Trace
  | FanGrille
  | VentSlots
  | Screw
  | Panel;

export interface BoardSurface {
  material: 'pcb' | 'metal';
  color: string;
  /** Metal only: brushed grain direction and strength (0..1). */
  grain: number;
}

export interface BoardType {
  seed: number;
  kind: BoardKind;
  identity: BoardIdentity;
  width: number;
  height: number;
  cornerRadius: number;
  surface: BoardSurface;
  holes: Hole[];
  chips: ChipGrid | null;
  /** Painted in order, after the surface and before the chip grid's heatsinks. */
  parts: Part[];
  /** Painted after the chip grid (stickers on heatsinks, labels on top). */
  overlay: Part[];
}
