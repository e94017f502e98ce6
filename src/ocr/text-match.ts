import { RE2JS } from 're2js';
import { BenchsightError, errorMessage } from '../errors.ts';
import { BOARD_LIMITS, type TextVerdict } from '../protocol.ts';

/**
 * Text against vision: a board whose label pattern the OCR text matches confirms or corrects the
 * visual match. Pure functions.
 */

/** Largest compiled pattern (RE2 instructions): matching costs text length x this, at worst. */
const TEXT_PATTERN_MAX_PROGRAM = 1000;

/** A compiled textPattern: tells whether it occurs in a text. */
export interface TextPattern {
  test(text: string): boolean;
}

export interface PatternBoard {
  id: number;
  pattern: TextPattern;
}

export interface TextDecision {
  verdict: TextVerdict;
  /** The board the text names (confirmed or corrected), else null. */
  textBoardId: number | null;
  /** The board the recognition names after the text was read. */
  boardId: number | null;
}

/**
 * A board's textPattern, case-insensitive (silkscreen "S19j" reads as "S19J"), compiled with RE2
 * (re2js): matching takes time linear in the text whatever the pattern, so no pattern can hold
 * the daemon (a backtracking engine spent over 20 s on ^(.|.)*#$ against a 46-character label).
 * RE2 syntax is JavaScript's without lookarounds and backreferences. Throws E_BAD_REQUEST (400)
 * saying why a pattern cannot be used.
 */
export function compileTextPattern(source: string): TextPattern {
  const refuse = (why: string) =>
    new BenchsightError('E_BAD_REQUEST', `textPattern ${JSON.stringify(source.slice(0, 60))} ${why}`, {
      status: 400,
    });
  if (source.length > BOARD_LIMITS.textPattern) {
    throw refuse(`is ${source.length} characters long; at most ${BOARD_LIMITS.textPattern}`);
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  } catch (err) {
    throw refuse(
      `is not a usable pattern (${errorMessage(err)}); use regular-expression syntax without lookarounds or backreferences, e.g. "S19J?[- ]?PRO"`,
    );
  }
  if (compiled.programSize() > TEXT_PATTERN_MAX_PROGRAM) {
    throw refuse(
      `is too complex (${compiled.programSize()} steps, at most ${TEXT_PATTERN_MAX_PROGRAM}); use smaller {n} repeats`,
    );
  }
  return { test: (text) => compiled.test(text) };
}

/** Why `source` cannot be a textPattern, or null when it can (for validators). */
export function textPatternProblem(source: string): string | null {
  try {
    compileTextPattern(source);
    return null;
  } catch (err) {
    return errorMessage(err);
  }
}

/** Boards whose pattern matches a line, or all lines joined (a model string split over two boxes). */
export function boardsMatching(lines: readonly string[], boards: readonly PatternBoard[]): number[] {
  const texts = [...lines, lines.join(' '), lines.join('')];
  return boards.filter((b) => texts.some((t) => b.pattern.test(t))).map((b) => b.id);
}

export function decideByText(
  lines: readonly string[],
  boards: readonly PatternBoard[],
  visionBoardId: number | null,
): TextDecision {
  const matching = boardsMatching(lines, boards);
  if (visionBoardId !== null && matching.includes(visionBoardId)) {
    return { verdict: 'confirmed', textBoardId: visionBoardId, boardId: visionBoardId };
  }
  if (matching.length === 1) {
    return { verdict: 'corrected', textBoardId: matching[0]!, boardId: matching[0]! };
  }
  return { verdict: matching.length > 1 ? 'ambiguous' : 'none', textBoardId: null, boardId: visionBoardId };
}
