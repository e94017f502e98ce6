import type { Pooling } from './pooling.ts';

/** What a model file must offer to serve as the encoder a manifest describes. */
export interface ModelExpectation {
  inputName: string;
  /** [height, width] of the input image. */
  inputSize: [number, number];
  outputName: string;
  pooling: Pooling;
  dim: number;
}

/** onnxruntime's description of one input or output (InferenceSession.inputMetadata). */
export type ValueMetadata =
  | { name: string; isTensor: true; type: string; shape: readonly (number | string)[] }
  | { name: string; isTensor: false };

const dims = (shape: readonly (number | string)[]) => `[${shape.join(', ')}]`;

/** The input and output the manifest asks for, in words: "input pixel_values float32 [batch, 3, 224, 224]...". */
export function describeExpectation(e: ModelExpectation): string {
  const [h, w] = e.inputSize;
  const out = e.pooling === 'pooler' ? `[batch, ${e.dim}]` : `[batch, tokens, ${e.dim}]`;
  return `input "${e.inputName}" float32 [batch, 3, ${h}, ${w}] and output "${e.outputName}" float32 ${out}`;
}

/**
 * Compares a model's declared inputs and outputs with what the manifest needs: names, the input's
 * type, rank and size, the output's type. Symbolic dimensions (a dynamic batch) and undeclared shapes
 * match anything; the output's rank and embedding size are checked on the blank-input run, which has
 * real dimensions. Returns one line per problem, each saying what was expected and what was found.
 */
export function signatureProblems(
  inputs: readonly ValueMetadata[],
  outputs: readonly ValueMetadata[],
  e: ModelExpectation,
): string[] {
  const problems: string[] = [];
  const names = (list: readonly ValueMetadata[]) => list.map((m) => m.name).join(', ') || 'nothing';
  const input = inputs.find((m) => m.name === e.inputName);
  const output = outputs.find((m) => m.name === e.outputName);
  if (!input) problems.push(`missing input "${e.inputName}" (the model has: ${names(inputs)})`);
  if (!output) problems.push(`missing output "${e.outputName}" (the model has: ${names(outputs)})`);
  if (input) {
    const [h, w] = e.inputSize;
    const want = [null, 3, h, w];
    const fits =
      input.isTensor &&
      input.type === 'float32' &&
      (input.shape.length === 0 ||
        (input.shape.length === 4 &&
          want.every((d, i) => d === null || typeof input.shape[i] !== 'number' || input.shape[i] === d)));
    if (!fits) {
      const found = input.isTensor ? `${input.type} ${dims(input.shape)}` : 'a non-tensor value';
      problems.push(
        `input "${e.inputName}": expected float32 [batch, 3, ${h}, ${w}] (the manifest's preprocess size), found ${found}`,
      );
    }
  }
  if (output && !(output.isTensor && output.type === 'float32')) {
    const found = output.isTensor ? `${output.type} ${dims(output.shape)}` : 'a non-tensor value';
    problems.push(`output "${e.outputName}": expected float32 values, found ${found}`);
  }
  return problems;
}

/** Index of the first NaN or infinite value, or -1. */
export function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}
