import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { STAND_IN, standInModel } from '../../../tools/benchmarks/stand-in-model.ts';
import { seededRandom } from '../../../tools/benchmarks/stats.ts';

describe('accelerator stand-in model (benchmark)', () => {
  it('is an ONNX graph onnxruntime runs: patch embedding averaged over the patches, any batch', async () => {
    const dim = 16;
    const { onnx, weight, bias } = standInModel(dim);
    const session = await InferenceSession.create(onnx);
    try {
      expect(session.inputNames).toEqual(['pixel_values']);
      expect(session.outputNames).toEqual(['pooler_output']);
      const { size, patch } = STAND_IN;
      const rnd = seededRandom(3);
      const batch = 2;
      const input = Float32Array.from({ length: batch * 3 * size * size }, () => rnd() * 2 - 1);
      const out = await session.run({ pixel_values: new Tensor('float32', input, [batch, 3, size, size]) });
      const pooled = out.pooler_output!;
      expect(pooled.dims).toEqual([batch, dim]);
      // The same in plain arithmetic: conv 16x16 stride 16 + bias, mean over the 14 x 14 patches.
      const patches = size / patch;
      for (let b = 0; b < batch; b++) {
        for (let d = 0; d < dim; d++) {
          let sum = 0;
          for (let py = 0; py < patches; py++) {
            for (let px = 0; px < patches; px++) {
              let acc = bias[d]!;
              for (let c = 0; c < 3; c++) {
                for (let ky = 0; ky < patch; ky++) {
                  for (let kx = 0; kx < patch; kx++) {
                    const x = input[((b * 3 + c) * size + py * patch + ky) * size + px * patch + kx]!;
                    acc += x * weight[((d * 3 + c) * patch + ky) * patch + kx]!;
                  }
                }
              }
              sum += acc;
            }
          }
          expect((pooled.data as Float32Array)[b * dim + d]).toBeCloseTo(sum / patches ** 2, 4);
        }
      }
    } finally {
      await session.release();
    }
  });
});
