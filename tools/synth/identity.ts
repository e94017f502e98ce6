import type { Rng } from './rng.ts';
import type { BoardIdentity, BoardKind, BoardType } from './types.ts';

/**
 * Model names and part numbers that look like a repair bench's catalogue. They are drawing choices,
 * not facts: chip grids and chip names are what gets rendered. Bitmain hashboard codes fall in the
 * part-number family the hardware reference gives for the model (BHB426xx for an S19j Pro...), or in
 * no family at all where the reference names none, so a rendered code never claims another model.
 */
interface Family {
  vendor: string;
  model: string;
  chipType: string | null;
  /** Prefix of the PCB code printed on the board. */
  codePrefix: string;
  /** Chips a hashboard of this family roughly carries (the grid is fitted to it). */
  nominalChips: number;
  /** Name printed in large silkscreen. */
  silk: string;
}

const HASHBOARDS: Family[] = [
  {
    vendor: 'Bitmain',
    model: 'S19j Pro',
    chipType: 'BM1362',
    codePrefix: 'BHB426',
    nominalChips: 126,
    silk: 'S19j Pro',
  },
  {
    vendor: 'Bitmain',
    model: 'S19',
    chipType: 'BM1398',
    codePrefix: 'BHB910',
    nominalChips: 76,
    silk: 'S19',
  },
  {
    vendor: 'Bitmain',
    model: 'S19 XP',
    chipType: 'BM1366',
    codePrefix: 'BHB428',
    nominalChips: 110,
    silk: 'S19 XP',
  },
  {
    vendor: 'Bitmain',
    model: 'S21',
    chipType: 'BM1368',
    codePrefix: 'BHB686',
    nominalChips: 108,
    silk: 'S21',
  },
  {
    vendor: 'Bitmain',
    model: 'S9',
    chipType: 'BM1387',
    codePrefix: 'BHB079',
    nominalChips: 63,
    silk: 'S9 HB',
  },
  {
    vendor: 'Bitmain',
    model: 'T17',
    chipType: 'BM1397',
    codePrefix: 'BHB917',
    nominalChips: 30,
    silk: 'T17',
  },
  { vendor: 'Bitmain', model: 'L7', chipType: 'BM1489', codePrefix: 'BHB281', nominalChips: 120, silk: 'L7' },
  {
    vendor: 'MicroBT',
    model: 'M30S++',
    chipType: 'KF1950',
    codePrefix: 'HB30S',
    nominalChips: 215,
    silk: 'M30S++ HB',
  },
  {
    vendor: 'MicroBT',
    model: 'M30S+',
    chipType: 'KF1950',
    codePrefix: 'HB30S',
    nominalChips: 156,
    silk: 'M30S+ HB',
  },
  {
    vendor: 'MicroBT',
    model: 'M30S',
    chipType: 'KF1951',
    codePrefix: 'HB30',
    nominalChips: 148,
    silk: 'M30S HB',
  },
  {
    vendor: 'MicroBT',
    model: 'M50',
    chipType: 'KF3210',
    codePrefix: 'HB50',
    nominalChips: 105,
    silk: 'M50 HB',
  },
  {
    vendor: 'MicroBT',
    model: 'M20S',
    chipType: 'KF1921',
    codePrefix: 'HB20',
    nominalChips: 66,
    silk: 'M20S HB',
  },
  {
    vendor: 'Canaan',
    model: 'AvalonMiner 1246',
    chipType: 'A3206',
    codePrefix: 'MM3v2',
    nominalChips: 120,
    silk: 'A1246',
  },
  {
    vendor: 'Canaan',
    model: 'AvalonMiner 1166 Pro',
    chipType: 'A3205',
    codePrefix: 'MM3v1',
    nominalChips: 114,
    silk: 'A1166Pro',
  },
  {
    vendor: 'Innosilicon',
    model: 'T3+',
    chipType: 'INNO-T3',
    codePrefix: 'T3HB',
    nominalChips: 66,
    silk: 'T3+ HB',
  },
  { vendor: 'Ebang', model: 'E12+', chipType: 'EB1212', codePrefix: 'E12HB', nominalChips: 88, silk: 'E12+' },
];

const CONTROL_BOARDS: Family[] = [
  {
    vendor: 'Bitmain',
    model: 'C52 CTRL',
    chipType: 'XC7Z010',
    codePrefix: 'C52',
    nominalChips: 1,
    silk: 'C52 CTRL',
  },
  {
    vendor: 'Bitmain',
    model: 'AML CTRL',
    chipType: 'A113D',
    codePrefix: 'AML',
    nominalChips: 1,
    silk: 'AML',
  },
  {
    vendor: 'Bitmain',
    model: 'BBB CTRL',
    chipType: 'AM3358',
    codePrefix: 'BBB',
    nominalChips: 1,
    silk: 'BBB CTRL',
  },
  {
    vendor: 'Bitmain',
    model: 'CV1835 CTRL',
    chipType: 'CV1835',
    codePrefix: 'CVCB',
    nominalChips: 1,
    silk: 'CV CTRL',
  },
  { vendor: 'MicroBT', model: 'CB6 V5', chipType: 'H6', codePrefix: 'CB6', nominalChips: 1, silk: 'CB6_V5' },
  {
    vendor: 'MicroBT',
    model: 'CB4 V10',
    chipType: 'H3',
    codePrefix: 'CB4',
    nominalChips: 1,
    silk: 'CB4_V10',
  },
  {
    vendor: 'Canaan',
    model: 'MM3 CTRL',
    chipType: 'K210',
    codePrefix: 'MMCB',
    nominalChips: 1,
    silk: 'AUC3',
  },
];

const PSUS: Family[] = [
  { vendor: 'Bitmain', model: 'APW12', chipType: null, codePrefix: 'APW12', nominalChips: 0, silk: 'APW12' },
  { vendor: 'Bitmain', model: 'APW9+', chipType: null, codePrefix: 'APW9', nominalChips: 0, silk: 'APW9+' },
  { vendor: 'Bitmain', model: 'APW3++', chipType: null, codePrefix: 'APW3', nominalChips: 0, silk: 'APW3++' },
  { vendor: 'Bitmain', model: 'APW7', chipType: null, codePrefix: 'APW7', nominalChips: 0, silk: 'APW7' },
  { vendor: 'MicroBT', model: 'P221B', chipType: null, codePrefix: 'P221', nominalChips: 0, silk: 'P221B' },
  { vendor: 'MicroBT', model: 'P222B', chipType: null, codePrefix: 'P222', nominalChips: 0, silk: 'P222B' },
  {
    vendor: 'Canaan',
    model: 'PSU 1246',
    chipType: null,
    codePrefix: 'AVPSU',
    nominalChips: 0,
    silk: 'AVALON PSU',
  },
];

export interface ChosenFamily {
  identity: BoardIdentity;
  silk: string;
  nominalChips: number;
}

const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

/** Random upper-case code, e.g. "K7QZ-2P". `pattern`: A letter, 9 digit, X either, anything else kept. */
export function randomCode(rng: Rng, pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === 'A') out += rng.pick(ALNUM.slice(0, 24).split(''));
    else if (ch === '9') out += String(rng.int(0, 9));
    else if (ch === 'X') out += rng.pick(ALNUM.split(''));
    else out += ch;
  }
  return out;
}

export function chooseFamily(rng: Rng, kind: BoardKind): ChosenFamily {
  const table = kind === 'hashboard' ? HASHBOARDS : kind === 'control-board' ? CONTROL_BOARDS : PSUS;
  const f = rng.pick(table);
  const boardCode =
    kind === 'psu'
      ? `${f.codePrefix}-${randomCode(rng, '99')}${rng.pick(['A', 'B', 'C'])}`
      : `${f.codePrefix}${randomCode(rng, '99')}${rng.bool(0.5) ? '' : `_V${rng.int(1, 9)}.${rng.int(0, 9)}`}`;
  return {
    identity: { vendor: f.vendor, model: f.model, chipType: f.chipType, boardCode },
    silk: f.silk,
    nominalChips: f.nominalChips,
  };
}

/** Catalogue metadata for a board type. */
export interface VendorModel {
  vendor: string;
  model: string;
  kind: BoardKind;
  /** ASIC type for hashboards, SoC for control boards, null for PSUs. */
  chipType: string | null;
  /** ASICs on a hashboard (rows x cols); 1 (the SoC) on a control board; 0 on a PSU. */
  chipCount: number;
  boardCode: string;
}

export function vendorModelFor(type: BoardType): VendorModel {
  const chipCount =
    type.kind === 'hashboard'
      ? type.chips
        ? type.chips.rows * type.chips.cols
        : 0
      : type.kind === 'psu'
        ? 0
        : 1;
  return {
    vendor: type.identity.vendor,
    model: type.identity.model,
    kind: type.kind,
    chipType: type.identity.chipType,
    chipCount,
    boardCode: type.identity.boardCode,
  };
}
