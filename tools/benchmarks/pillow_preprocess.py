#!/usr/bin/python3
"""The benchmark's reference for preprocessing: Pillow's C resize (+ centre crop) of one RGB frame,
then numpy's rescale, normalisation and HWC -> CHW, as Hugging Face image processors do it. Prints
one JSON line: {"pillow": version, "numpy": version or null, "resizeMs": [...], "totalMs": [...]}.

Run by tools/benchmarks/preprocess.ts with Debian's interpreter (python3-pil, python3-numpy):
  /usr/bin/python3 pillow_preprocess.py FRAME.rgb SPEC_JSON
SPEC_JSON: {"width", "height", "resize": [w, h], "crop": [left, top, w, h] or null,
            "filter": "bicubic" | "bilinear", "rescale", "mean": [3], "std": [3], "runs"}
"""
import json
import sys
import time

import PIL
from PIL import Image

try:
    import numpy as np
except ImportError:  # the resize alone is still a reference
    np = None

FILTERS = {'bicubic': Image.BICUBIC, 'bilinear': Image.BILINEAR}


def main() -> None:
    frame_path, spec = sys.argv[1], json.loads(sys.argv[2])
    with open(frame_path, 'rb') as f:
        image = Image.frombytes('RGB', (spec['width'], spec['height']), f.read())
    size = tuple(spec['resize'])
    resample = FILTERS[spec['filter']]
    crop = spec['crop']
    box = None if crop is None else (crop[0], crop[1], crop[0] + crop[2], crop[1] + crop[3])
    if np is not None:
        scale = np.float32(spec['rescale'])
        mean = np.array(spec['mean'], dtype=np.float32)
        std = np.array(spec['std'], dtype=np.float32)
    resize_ms, total_ms = [], []
    for _ in range(spec['runs'] + 2):
        t0 = time.perf_counter()
        out = image.resize(size, resample)
        if box is not None:
            out = out.crop(box)
        out.load()
        t1 = time.perf_counter()
        if np is not None:
            pixels = np.asarray(out, dtype=np.float32) * scale
            np.ascontiguousarray(((pixels - mean) / std).transpose(2, 0, 1))
        t2 = time.perf_counter()
        resize_ms.append((t1 - t0) * 1000)
        total_ms.append((t2 - t0) * 1000)
    print(json.dumps({
        'pillow': PIL.__version__,
        'numpy': None if np is None else np.__version__,
        'resizeMs': resize_ms[2:],
        'totalMs': total_ms[2:],
    }))


if __name__ == '__main__':
    main()
