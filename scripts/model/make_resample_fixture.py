#!/usr/bin/python3
"""Writes test/fixtures/pil-resample.json: small RGB images and what Pillow's Image.resize makes of
them (bicubic and bilinear), so the TypeScript resampler can be checked byte for byte.

Run with Debian's interpreter (python3-pil, python3-numpy):
  /usr/bin/python3 scripts/model/make_resample_fixture.py --out test/fixtures/pil-resample.json
"""
import argparse
import base64
import json

import numpy as np
import PIL
from PIL import Image

# (input width, input height, output width, output height): down, up, mixed, one axis only, none.
SIZES = [
    (7, 5, 3, 9),
    (16, 12, 5, 4),
    (9, 9, 20, 13),
    (40, 30, 43, 32),
    (64, 48, 17, 64),
    (10, 6, 10, 3),
    (10, 6, 4, 6),
    (8, 8, 8, 8),
    (1, 1, 3, 2),
    (50, 3, 7, 1),
]
FILTERS = {'bicubic': Image.BICUBIC, 'bilinear': Image.BILINEAR}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    cases = []
    for i, (w, h, ow, oh) in enumerate(SIZES):
        # Alternate smooth noise and hard 0/255 noise: the second makes bicubic overshoot and clip.
        if i % 2:
            pixels = (rng.integers(0, 2, (h, w, 3)) * 255).astype(np.uint8)
        else:
            pixels = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        image = Image.fromarray(pixels, 'RGB')
        for name, flt in FILTERS.items():
            out = np.asarray(image.resize((ow, oh), flt), dtype=np.uint8)
            cases.append(
                {
                    'filter': name,
                    'width': w,
                    'height': h,
                    'outWidth': ow,
                    'outHeight': oh,
                    'input': base64.b64encode(pixels.tobytes()).decode(),
                    'expected': base64.b64encode(out.tobytes()).decode(),
                }
            )
    with open(args.out, 'w') as f:
        json.dump({'generator': f'scripts/model/make_resample_fixture.py (Pillow {PIL.__version__})', 'cases': cases}, f)
        f.write('\n')
    print(f'{args.out}: {len(cases)} cases, Pillow {PIL.__version__}')


if __name__ == '__main__':
    main()
