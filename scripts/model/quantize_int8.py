#!/usr/bin/python3
"""Dynamic int8 quantization of an ONNX model's constant-weight MatMuls, with the onnx package only.

onnxruntime's Python quantizer is not available here, so this writes the same pattern its dynamic
quantization emits: every MatMul whose B input is a float initializer [K, N] becomes

    DynamicQuantizeLinear(A) -> MatMulInteger(A_q, B_q, A_zero_point, B_zero_point)
      -> Cast(float) -> Mul(A_scale * B_scale)

with B stored as int8, symmetric (zero point 0), one scale per output column. onnxruntime fuses it
into its DynamicQuantizeMatMul kernel. Other nodes (the convolutional patch embedding, the Gemm of
the 2-D head, attention MatMuls between activations) stay float32.

  /usr/bin/python3 scripts/model/quantize_int8.py IN.onnx OUT.onnx
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def quantize(model: onnx.ModelProto) -> tuple[onnx.ModelProto, int]:
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    consumers: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            consumers[name] = consumers.get(name, 0) + 1
    nodes = []
    dropped: set[str] = set()
    new_inits = []
    count = 0
    for node in graph.node:
        b = node.input[1] if node.op_type == 'MatMul' and len(node.input) == 2 else None
        w = numpy_helper.to_array(inits[b]) if b in inits else None
        if w is None or w.ndim != 2 or w.dtype != np.float32:
            nodes.append(node)
            continue
        count += 1
        base = node.name or f'matmul_{count}'
        scale = np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0
        wq = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        names = {k: f'{base}_{k}' for k in ('Bq', 'Bzp', 'Bscale', 'Aq', 'Ascale', 'Azp', 'Y32', 'Yf', 'scale')}
        new_inits += [
            numpy_helper.from_array(wq, names['Bq']),
            numpy_helper.from_array(np.zeros(w.shape[1], dtype=np.int8), names['Bzp']),
            numpy_helper.from_array(scale.astype(np.float32), names['Bscale']),
        ]
        nodes += [
            helper.make_node('DynamicQuantizeLinear', [node.input[0]], [names['Aq'], names['Ascale'], names['Azp']],
                             name=f'{base}_quant'),
            helper.make_node('MatMulInteger', [names['Aq'], names['Bq'], names['Azp'], names['Bzp']], [names['Y32']],
                             name=f'{base}_int'),
            helper.make_node('Cast', [names['Y32']], [names['Yf']], to=TensorProto.FLOAT, name=f'{base}_cast'),
            helper.make_node('Mul', [names['Ascale'], names['Bscale']], [names['scale']], name=f'{base}_scale'),
            helper.make_node('Mul', [names['Yf'], names['scale']], [node.output[0]], name=f'{base}_out'),
        ]
        consumers[b] -= 1
        if consumers[b] == 0:
            dropped.add(b)
    kept = [i for i in graph.initializer if i.name not in dropped]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + new_inits)
    kept_info = [v for v in graph.value_info if v.name not in dropped]
    del graph.value_info[:]
    graph.value_info.extend(kept_info)
    onnx.checker.check_model(model)
    return model, count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('input')
    ap.add_argument('output')
    args = ap.parse_args()
    model, count = quantize(onnx.load(args.input))
    onnx.save(model, args.output)
    print(f'{args.output}: {count} MatMuls quantized to int8')


if __name__ == '__main__':
    main()
