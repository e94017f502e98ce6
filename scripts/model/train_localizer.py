#!/usr/bin/python3
"""Trains the board localizer of benchsight-vit (localize.py) on make-dataset.ts shards.

Target: which cells of the 40x30 grid over a 320x240 frame lie inside the board's outline (the
scene generator's corners, hidden parts included: a hand over the board does not move the board).
Loss: binary cross-entropy per cell. Colour augmentation and random erasing: train_vit.colour_augment.
Every --checkpoint-every steps it prints, on held-out monitor views, the mask IoU and the errors of
the oriented box that box_from_mask() derives (centre in pixels, angle in degrees modulo 180, long
side relative).

  /usr/bin/python3 scripts/model/train_localizer.py --data '.tmp/ds2/shard[01]-pixels.npy' \
      --monitor .tmp/ds2/monitor-pixels.npy --out .tmp/localizer.pt --steps 600
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import localize  # noqa: E402
from train_vit import colour_augment, load_shards, to_input  # noqa: E402


def true_box(corners: torch.Tensor):
    """Centre, long-side angle (radians, modulo pi) and long side of each board from its corners."""
    centre = corners.mean(1)
    e1 = corners[:, 1] - corners[:, 0]
    e2 = corners[:, 2] - corners[:, 1]
    l1, l2 = e1.norm(dim=1), e2.norm(dim=1)
    e = torch.where((l1 >= l2)[:, None], e1, e2)
    return centre, torch.atan2(e[:, 1], e[:, 0]) % math.pi, torch.maximum(l1, l2)


@torch.no_grad()
def evaluate(model, pixels: torch.Tensor, corners: torch.Tensor) -> dict:
    model.eval()
    ious, centre_err, angle_err, long_err = [], [], [], []
    for s in range(0, len(corners), 100):
        idx = np.arange(s, min(s + 100, len(corners)))
        x = to_input(pixels[idx])
        logits = model(x)
        target = localize.board_mask_targets(corners[idx], x.shape[2], x.shape[3])
        pred = (torch.sigmoid(logits) > 0.5).float()
        inter = (pred * target).sum((1, 2, 3))
        union = ((pred + target) > 0).float().sum((1, 2, 3)).clamp(min=1)
        ious.append(inter / union)
        cx, cy, cos, sin, long, _ = localize.box_from_mask(logits, x.shape[3], x.shape[2])
        centre, angle, true_long = true_box(corners[idx])
        centre_err.append(torch.hypot(cx - centre[:, 0], cy - centre[:, 1]))
        d = (torch.atan2(sin, cos) % math.pi - angle).abs()
        angle_err.append(torch.minimum(d, math.pi - d) * 180 / math.pi)
        long_err.append((long / 1.12 / true_long - 1).abs())
    model.train()
    cat = lambda xs: torch.cat(xs)  # noqa: E731
    return {'iou': round(cat(ious).mean().item(), 4), 'centre_px_median': round(cat(centre_err).median().item(), 2),
            'angle_deg_median': round(cat(angle_err).median().item(), 2),
            'angle_deg_p90': round(cat(angle_err).quantile(0.9).item(), 2),
            'long_rel_err_median': round(cat(long_err).median().item(), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', required=True)
    ap.add_argument('--monitor', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--steps', type=int, default=600)
    ap.add_argument('--batch', type=int, default=48)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--width', type=int, default=32)
    ap.add_argument('--checkpoint-every', type=int, default=100)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    pixels, _, corners = load_shards(args.data, True)
    mon_pixels, _, mon_corners = load_shards(args.monitor, True)
    model = localize.Localizer(args.width)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    n = len(corners)
    print(json.dumps({'views': n, 'params': sum(p.numel() for p in model.parameters())}), flush=True)
    start = time.time()
    rng = np.random.default_rng(args.seed)
    for step in range(args.steps):
        lr = args.lr * min(1.0, (step + 1) / 30) * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        for g in opt.param_groups:
            g['lr'] = lr
        idx = np.sort(rng.choice(n, args.batch, replace=False))
        x = colour_augment(to_input(pixels[idx]), gen)
        target = localize.board_mask_targets(corners[idx], x.shape[2], x.shape[3])
        loss = F.binary_cross_entropy_with_logits(model(x), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 20 == 0:
            print(f'step {step} loss {loss.item():.4f} lr {lr:.2e} {time.time() - start:.0f}s', flush=True)
        if (step + 1) % args.checkpoint_every == 0 or step + 1 == args.steps:
            metrics = evaluate(model, mon_pixels, mon_corners)
            torch.save({'width': args.width, 'state_dict': model.state_dict(), 'step': step + 1, 'metrics': metrics,
                        'args': vars(args)}, args.out + '.tmp')
            os.replace(args.out + '.tmp', args.out)
            print(json.dumps({'checkpoint': step + 1, 'seconds': round(time.time() - start), **metrics}), flush=True)


if __name__ == '__main__':
    main()
