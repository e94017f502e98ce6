/**
 * Where a point of a rectangle lands on a picture that shows it in perspective: the rectangle's
 * corners (top-left, top-right, bottom-right, bottom-left) are `quad` on the picture, and (u, v) are
 * fractions of the rectangle. The square-to-quadrilateral projective map (Heckbert, "Fundamentals of
 * Texture Mapping and Image Warping", 1989, section 2.2.3).
 */
export function onQuad(quad: readonly (readonly [number, number])[], u: number, v: number): [number, number] {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = quad as [
    readonly [number, number],
    readonly [number, number],
    readonly [number, number],
    readonly [number, number],
  ];
  const sx = x0 - x1 + x2 - x3;
  const sy = y0 - y1 + y2 - y3;
  let g = 0;
  let h = 0;
  if (sx !== 0 || sy !== 0) {
    const dx1 = x1 - x2;
    const dx2 = x3 - x2;
    const dy1 = y1 - y2;
    const dy2 = y3 - y2;
    const det = dx1 * dy2 - dx2 * dy1;
    g = (sx * dy2 - dx2 * sy) / det;
    h = (dx1 * sy - sx * dy1) / det;
  }
  const w = g * u + h * v + 1;
  return [
    ((x1 - x0 + g * x1) * u + (x3 - x0 + h * x3) * v + x0) / w,
    ((y1 - y0 + g * y1) * u + (y3 - y0 + h * y3) * v + y0) / w,
  ];
}
