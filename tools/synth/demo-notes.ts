import type { VendorModel } from './identity.ts';
import type { Rng } from './rng.ts';

/**
 * Repair notes for the demo catalogue. Generic bench practice, worded the way a repair shop writes
 * its own hints; the figures are illustrative test settings, not vendor specifications.
 */
export function repairNotes(rng: Rng, vm: VendorModel): string {
  switch (vm.kind) {
    case 'hashboard':
      return [
        `Check the 12 V input rail and the boost circuit before putting the board on the test fixture.`,
        `The chain should report ${vm.chipCount} ${vm.chipType ?? 'ASIC'} chips; a short count points at the first missing chip: measure its core and 1.8 V IO rails, then the clock and RST lines from the previous chip.`,
        `Fixture: ${rng.pick(['14.2', '14.5', '13.8', '15.0'])} V, ${rng.pick([425, 500, 525, 575])} MHz, ${rng.int(2, 5)} min burn-in; reflow cold joints under the heatsinks, re-apply thermal paste after any chip swap.`,
      ].join(' ');
    case 'control-board':
      return [
        `No IP on the network: flash the SD recovery image and hold IP Report at power-up.`,
        `Check the 3.3 V and 1.8 V rails next to the ${vm.chipType ?? 'SoC'} and the 25 MHz crystal.`,
        `Fan headers need the tach signal or the miner stops after ${rng.int(30, 90)} s; test with a dummy fan.`,
      ].join(' ');
    case 'psu':
      return [
        `Discharge the bulk capacitors before opening the case (wait 5 min, then measure).`,
        `Check the fuse, the fan and the inrush NTC; the output must hold ${rng.pick(['12.0', '12.5', '14.2'])} V under a ${rng.pick([1000, 1500, 2000])} W dummy load for ${rng.int(5, 15)} min.`,
      ].join(' ');
  }
}

export function tagsFor(vm: VendorModel): string[] {
  const tags = ['demo', vm.kind, vm.vendor.toLowerCase()];
  if (vm.chipType) tags.push(vm.chipType.toLowerCase());
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
