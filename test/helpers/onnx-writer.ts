/**
 * A minimal ONNX (protobuf) writer for test models of one chain of operators: enough to build a file
 * onnxruntime loads and runs, shaped like an encoder but computing something chosen (NaN, a wrong
 * size). Field numbers are onnx.proto's.
 */

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

type Field = [number, number | bigint | string | Uint8Array | Field[]];

/** Encodes fields: numbers as varints, strings/bytes/nested messages length-delimited. */
function message(fields: Field[]): Uint8Array {
  const bytes: number[] = [];
  for (const [no, value] of fields) {
    if (typeof value === 'number' || typeof value === 'bigint') {
      bytes.push(...varint((no << 3) | 0), ...varint(value));
    } else {
      const body =
        typeof value === 'string'
          ? new TextEncoder().encode(value)
          : value instanceof Uint8Array
            ? value
            : message(value);
      bytes.push(...varint((no << 3) | 2), ...varint(body.length), ...body);
    }
  }
  return Uint8Array.from(bytes);
}

const FLOAT = 1;
const INT64 = 7;

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
}

export interface OnnxModelSpec {
  input: { name: string; shape: (number | string)[] };
  output: { name: string; shape: (number | string)[] };
  nodes: OnnxNode[];
  /** int64 constant tensors (for Reshape's shape), by name. */
  int64?: Record<string, number[]>;
}

function valueInfo(name: string, shape: (number | string)[]): Field[] {
  const dims: Field[] = shape.map((d) => [1, typeof d === 'number' ? [[1, d]] : [[2, d]]]);
  return [
    [1, name],
    [
      2,
      [
        [
          1,
          [
            [1, FLOAT],
            [2, dims],
          ],
        ],
      ],
    ],
  ];
}

/** The bytes of an ONNX model (opset 13) running `nodes` from `input` to `output`. */
export function onnxModel(spec: OnnxModelSpec): Uint8Array {
  const initializers: Field[] = Object.entries(spec.int64 ?? {}).map(([name, values]) => {
    const raw = new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer);
    return [
      5,
      [
        [1, values.length],
        [2, INT64],
        [8, name],
        [9, raw],
      ],
    ];
  });
  const graph: Field[] = [
    ...spec.nodes.map(
      (n, i): Field => [
        1,
        [
          ...n.inputs.map((s): Field => [1, s]),
          ...n.outputs.map((s): Field => [2, s]),
          [3, `n${i}`],
          [4, n.op],
        ],
      ],
    ),
    [2, 'test'],
    ...initializers,
    [11, valueInfo(spec.input.name, spec.input.shape)],
    [12, valueInfo(spec.output.name, spec.output.shape)],
  ];
  return message([
    [1, 8],
    [7, graph],
    [8, [[2, 13]]],
  ]);
}
