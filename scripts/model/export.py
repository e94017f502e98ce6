#!/usr/bin/env python3
"""Export a Hugging Face ViT image encoder to ONNX with benchsight's interface, plus its manifest.

For users with PyTorch and transformers (not installed on benchsight's CI machines: this script is
not run by the test suite). Output:

  OUT_DIR/NAME.onnx         float32, input pixel_values [batch, 3, H, W] (dynamic batch),
                            outputs last_hidden_state and pooler_output
  OUT_DIR/NAME-int8.onnx    dynamic int8 (onnxruntime's quantizer when installed, else
                            scripts/model/quantize_int8.py, the same MatMulInteger pattern)
  OUT_DIR/NAME-fp16.onnx    float16 weights for GPUs (--fp16)
  OUT_DIR/NAME.json         benchsight manifest (preprocessing read from the model's image processor)

Examples:
  python3 scripts/model/export.py facebook/dinov2-small --name dinov2-small --pooling pooler --out models/
  python3 scripts/model/export.py google/siglip-base-patch16-224 --name siglip-base --out models/
  python3 scripts/model/export.py openai/clip-vit-base-patch32 --name clip-vit-b32 --out models/ --fp16

Then: benchsight model verify NAME && benchsight model use NAME
"""
import argparse
import hashlib
import json
import os
import sys

RESAMPLE = {2: 'pil-bilinear', 3: 'pil-bicubic'}


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def load(model_id):
    import torch
    from transformers import AutoConfig, AutoImageProcessor, AutoModel

    config = AutoConfig.from_pretrained(model_id)
    model = AutoModel.from_pretrained(model_id)
    # CLIP / SigLIP checkpoints hold text and vision towers: keep the vision tower.
    if hasattr(model, 'vision_model'):
        vision = model.vision_model
    else:
        vision = model
    vision.eval()
    processor = AutoImageProcessor.from_pretrained(model_id)
    return torch, config, vision, processor



def export(args):
    torch, _config, vision, processor = load(args.model)

    class Encoder(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, pixel_values):
            out = self.inner(pixel_values=pixel_values)
            pooled = out.pooler_output if getattr(out, 'pooler_output', None) is not None else out.last_hidden_state[:, 0]
            return out.last_hidden_state, pooled

    size = processor.crop_size if getattr(processor, 'do_center_crop', False) else processor.size
    h = size.get('height', size.get('shortest_edge'))
    w = size.get('width', size.get('shortest_edge'))
    dummy = torch.randn(1, 3, h, w)
    os.makedirs(args.out, exist_ok=True)
    fp32 = os.path.join(args.out, f'{args.name}.onnx')
    torch.onnx.export(
        Encoder(vision), (dummy,), fp32, opset_version=17,
        input_names=['pixel_values'], output_names=['last_hidden_state', 'pooler_output'],
        dynamic_axes={'pixel_values': {0: 'batch'}, 'last_hidden_state': {0: 'batch'}, 'pooler_output': {0: 'batch'}},
    )
    with torch.no_grad():
        dim = Encoder(vision)(dummy)[1].shape[-1]

    int8 = os.path.join(args.out, f'{args.name}-int8.onnx')
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
        quantize_dynamic(fp32, int8, weight_type=QuantType.QUInt8)
    except ImportError:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import onnx
        from quantize_int8 import quantize
        model, n = quantize(onnx.load(fp32))
        onnx.save(model, int8)
        print(f'quantized {n} MatMuls with quantize_int8.py')

    if args.fp16:
        import onnx
        from onnxconverter_common import float16
        onnx.save(float16.convert_float_to_float16(onnx.load(fp32), keep_io_types=True),
                  os.path.join(args.out, f'{args.name}-fp16.onnx'))

    shortest = processor.size.get('shortest_edge')
    resize = ({'mode': 'shortestEdge', 'size': shortest} if shortest
              else {'mode': 'exact', 'width': processor.size['width'], 'height': processor.size['height']})
    pre = {
        'resize': resize,
        'resample': RESAMPLE.get(int(getattr(processor, 'resample', 3)), 'pil-bicubic'),
        'rescale': float(getattr(processor, 'rescale_factor', 1 / 255)),
        'mean': [float(x) for x in processor.image_mean],
        'std': [float(x) for x in processor.image_std],
    }
    if getattr(processor, 'do_center_crop', False):
        pre['crop'] = {'width': processor.crop_size['width'], 'height': processor.crop_size['height']}
    target = int8 if not args.keep_fp32 else fp32
    manifest = {
        'id': f'{args.name}@{"fp32" if args.keep_fp32 else "int8"}',
        'name': args.name,
        'description': f'{args.model} exported by scripts/model/export.py',
        'file': os.path.basename(target),
        'preprocess': pre,
        'pooling': args.pooling,
        'embeddingSize': int(dim),
        'license': args.license,
        'source': {'bytes': os.path.getsize(target), 'sha256': sha256(target)},
    }
    with open(os.path.join(args.out, f'{args.name}.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    print(json.dumps(manifest, indent=2))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('model', help='Hugging Face model id or local folder')
    p.add_argument('--name', required=True, help='benchsight model name (manifest file name)')
    p.add_argument('--out', default='models', help='output folder (default: models)')
    p.add_argument('--pooling', choices=['pooler', 'cls', 'mean'], default='pooler')
    p.add_argument('--license', default='see the model card')
    p.add_argument('--fp16', action='store_true', help='also write a float16 model for GPUs')
    p.add_argument('--keep-fp32', action='store_true', help='point the manifest at the float32 model')
    export(p.parse_args())


if __name__ == '__main__':
    main()
