/**
 * Text against vision: a board whose label pattern the OCR text matches confirms or corrects the
 * visual match. Pure functions.
 */

import type { TextVerdict } from '../protocol.ts';

export interface PatternBoard {
  id: number;
  pattern: RegExp;
}

export interface TextDecision {
  verdict: TextVerdict;
  /** The board the text names (confirmed or corrected), else null. */
  textBoardId: number | null;
  /** The board the recognition names after the text was read. */
  boardId: number | null;
}

/** A board's textPattern as a regular expression: case-insensitive (silkscreen "S19j" reads as "S19J"). */
export function compileTextPattern(source: string): RegExp {
  return new RegExp(source, 'i');
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
