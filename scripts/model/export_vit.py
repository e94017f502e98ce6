#!/usr/bin/python3
"""Exports a benchsight-vit checkpoint (train_vit.py) to ONNX, quantizes it to int8 and writes
the manifest next to it.

  /usr/bin/python3 scripts/model/export_vit.py --checkpoint .tmp/vit.pt --out models/benchsight-vit.onnx \
      --id benchsight-vit@1
  /usr/bin/python3 scripts/model/export_vit.py --random-seed 1 --like .tmp/vit.pt \
      --out models/benchsight-vit-random.onnx --id benchsight-vit-random@1   # same shape, random weights

The manifest's preprocessing comes from --base (the geometry make-dataset.ts rendered through), its
source.bytes and sha256 from the written file. `npm run eval -- --calibrate` later fills in the
operatingPoint measured on held-out validation boards.
"""
import argparse
import hashlib
import json
import os
import sys

import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import localize  # noqa: E402
import quantize_int8  # noqa: E402
import vit  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--checkpoint', help='train_vit.py checkpoint')
    ap.add_argument('--localizer', help='train_localizer.py checkpoint: a checkpoint trained on board crops '
                    '(train_vit.py --crop) is exported with it, frame in, board embedding out')
    ap.add_argument('--half-turns', action='store_true',
                    help='with --localizer: average the embeddings of the board canvas and of it turned half a turn')
    ap.add_argument('--scales', default='1',
                    help='with --localizer: comma-separated box scales whose canvases are averaged (default 1)')
    ap.add_argument('--random-seed', type=int, help='random weights (torch init from this seed) instead')
    ap.add_argument('--like', help='checkpoint whose shape the random model copies')
    ap.add_argument('--out', required=True, help='int8 ONNX file to write; the manifest goes beside it')
    ap.add_argument('--fp32-out', help='also keep the float32 ONNX here')
    ap.add_argument('--base', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), 'benchsight-vit.base.json'))
    ap.add_argument('--id', required=True)
    ap.add_argument('--name', help='manifest name (default: the file name)')
    ap.add_argument('--description', default='')
    args = ap.parse_args()

    torch.use_deterministic_algorithms(True)
    if args.checkpoint:
        ckpt = torch.load(args.checkpoint)
        model = vit.build(ckpt['config'])
        model.load_state_dict(ckpt['state_dict'])
        cfg = ckpt['config']
    elif args.random_seed is not None and args.like:
        cfg = torch.load(args.like)['config']
        torch.manual_seed(args.random_seed)
        model = vit.build(cfg)
    else:
        raise SystemExit('give --checkpoint, or --random-seed with --like')
    width, height = cfg['width'], cfg['height']
    if 'crop_width' in cfg:
        if not args.localizer:
            raise SystemExit('this checkpoint looks at board crops: give --localizer (train_localizer.py checkpoint)')
        model = vit.BoardEncoder(localize.load(args.localizer), model, cfg, half_turns=args.half_turns,
                                 scales=tuple(float(v) for v in args.scales.split(',')))
        width, height = cfg['frame_width'], cfg['frame_height']
    fp32 = vit.export_onnx(model, width, height)
    if args.fp32_out:
        onnx.save(fp32, args.fp32_out)
    q, count = quantize_int8.quantize(fp32)
    data = q.SerializeToString()
    with open(args.out, 'wb') as f:
        f.write(data)
    print(f'{args.out}: {len(data)} bytes, {count} MatMuls int8')

    with open(args.base) as f:
        manifest = json.load(f)
    base = os.path.basename(args.out)
    shape = (f"{cfg['layers']} layers, dim {cfg['dim']}, {cfg['heads']} heads, conv patch embedding to "
             f"{cfg['width'] // 20}x{cfg['height'] // 20} patches of {cfg['width']}x{cfg['height']}")
    if 'crop_width' in cfg:
        shape = (f"board localizer on the {width}x{height} frame, then the board's oriented box sampled into "
                 f"{cfg['width']}x{cfg['height']}, ViT with " + shape)
    manifest.update({
        'id': args.id,
        'name': args.name or os.path.splitext(base)[0],
        'description': args.description or (
            f'Random-weight benchsight-vit ({shape}, torch seed {args.random_seed}), int8. Recognizes nothing.'
            if args.random_seed is not None else f'benchsight-vit ({shape}), int8.'),
        'file': base,
        'embeddingSize': cfg['embed'],
        'randomWeights': args.random_seed is not None,
        'source': {'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest()},
    })
    path = os.path.splitext(args.out)[0] + '.json'
    with open(path, 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    print(f'{path}: manifest {args.id}')


if __name__ == '__main__':
    main()
