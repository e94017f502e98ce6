import type { HardwareReference } from '../../src/hardware/reference.ts';
import type { VendorModel } from './identity.ts';

/** What the demo catalogue says about a board's chips: only what the shipped reference states. */
export interface DemoFacts {
  chipType: string | null;
  chipCount: number | null;
  voltageDomains: number | null;
}

/**
 * The facts of a demo board, from the hardware reference (src/hardware/reference-data.json): a model
 * it does not list, or a value it leaves empty, stays empty. The renderer's own chip names and grid
 * sizes are drawing choices, never shown as facts.
 */
export function demoFacts(
  vm: Pick<VendorModel, 'vendor' | 'model' | 'kind'>,
  reference: HardwareReference,
): DemoFacts {
  const none = { chipType: null, chipCount: null, voltageDomains: null };
  if (vm.kind !== 'hashboard') return none;
  const m = reference.findModel(vm.model);
  if (!m) return none;
  return { chipType: m.asicChip, chipCount: m.chipsPerBoard, voltageDomains: m.voltageDomains };
}

/** Marks a demo note as an example: its figures are illustrative, not vendor specifications. */
export const EXAMPLE_NOTE = 'Example note (illustrative settings, not vendor specifications):';

/**
 * Repair notes for the demo catalogue: generic bench practice worded the way a repair shop writes its
 * own hints, each marked as an example. Chip facts appear only where the reference states them.
 */
export function repairNotes(vm: Pick<VendorModel, 'kind'>, facts: DemoFacts): string {
  switch (vm.kind) {
    case 'hashboard': {
      const chain =
        facts.chipCount !== null && facts.chipType !== null
          ? `The chain should report ${facts.chipCount} ${facts.chipType} chips${facts.voltageDomains ? ` in ${facts.voltageDomains} voltage domains` : ''}; a short count`
          : 'A short chip count';
      return [
        EXAMPLE_NOTE,
        'check the 12 V input rail and the boost circuit before putting the board on the test fixture.',
        `${chain} points at the first missing chip: measure its core and IO rails, then the clock and RST lines from the previous chip.`,
        'Reflow cold joints under the heatsinks and re-apply thermal paste after any chip swap.',
      ].join(' ');
    }
    case 'control-board':
      return [
        EXAMPLE_NOTE,
        'no IP on the network: flash the SD recovery image and hold IP Report at power-up.',
        'Fan headers need the tach signal or the miner stops; test with a dummy fan.',
      ].join(' ');
    case 'psu':
      return [
        EXAMPLE_NOTE,
        'discharge the bulk capacitors before opening the case (wait, then measure).',
        'Check the fuse, the fan and the inrush NTC, then the output under a dummy load.',
      ].join(' ');
  }
}

export function tagsFor(vm: Pick<VendorModel, 'kind' | 'vendor'>, facts: DemoFacts): string[] {
  const tags = ['demo', vm.kind, vm.vendor.toLowerCase()];
  if (facts.chipType) tags.push(facts.chipType.toLowerCase());
  return tags;
}

/** File-name friendly form of a model name: "S19j Pro" -> "s19j-pro". */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/\+/g, 'p')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
