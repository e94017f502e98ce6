#!/usr/bin/python3
"""Trains the benchsight-vit encoder on synthetic bench views (make-dataset.ts output).

Objective: supervised contrastive loss (SupCon, temperature --temperature) over batches of
--types-per-batch board types x all their views, every other view of the batch a negative, on
L2-normalised `pooler_output` embeddings. Pixel augmentation in torch keeps the whole frame (no
crops): a 180-degree turn, per-channel gain, brightness/contrast, sensor noise and random erasing.
With --data-later, more shards join the training set at a fixed step (so a run can start
while the rest of the dataset is still rendering and stay reproducible). Every --checkpoint-every steps (and at the end) it writes the checkpoint and prints the
leave-one-out nearest-view accuracy on held-out monitor types.

Deterministic for a given seed and dataset on one machine (torch 1.13 CPU, 2 threads).
Debian's interpreter: /usr/bin/python3 scripts/model/train_vit.py ...
"""
import argparse
import glob
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
import vit  # noqa: E402


def load_shards(pattern: str, with_corners: bool = False):
    pixels, labels, corners = [], [], []
    for path in sorted(glob.glob(pattern)):
        pixels.append(np.load(path))
        labels.append(np.load(path.replace('-pixels.npy', '-labels.npy')))
        if with_corners:
            corners.append(np.load(path.replace('-pixels.npy', '-corners.npy')))
    if not pixels:
        raise SystemExit(f'no dataset files match {pattern}')
    out = (torch.from_numpy(np.concatenate(pixels)), torch.from_numpy(np.concatenate(labels)).long())
    return (*out, torch.from_numpy(np.concatenate(corners))) if with_corners else out


def board_boxes(pixels: torch.Tensor, corners: torch.Tensor, localizer=None) -> torch.Tensor:
    """[N, 6] oriented boxes (localize.box_from_mask) of uint8 frames: from the localizer's mask when
    given (what the exported model will see), else from the true board outline's mask."""
    out = []
    with torch.no_grad():
        for i in range(0, len(pixels), 200):
            frames = to_input(pixels[i:i + 200])
            h, w = frames.shape[2], frames.shape[3]
            if localizer is not None:
                logits = localizer(frames)
            else:
                logits = (localize.board_mask_targets(corners[i:i + 200], h, w) * 2 - 1) * 10
            out.append(torch.stack(localize.box_from_mask(logits, w, h), dim=1))
    return torch.cat(out)


def board_crops(frames: torch.Tensor, boxes: torch.Tensor, cfg: dict, gen: torch.Generator | None) -> torch.Tensor:
    """The canonical board crops the ViT sees (localize.py); with `gen`, the boxes jittered (centre,
    sides, angle) and turned by half a turn at random, as the localizer's errors and the board's two
    ends make them."""
    cx, cy, cos, sin, long, short = boxes.unbind(1)
    if gen is not None:
        n = len(cx)
        rnd = lambda scale: torch.randn(n, generator=gen) * scale  # noqa: E731
        cx = cx + rnd(0.03) * long
        cy = cy + rnd(0.03) * long
        long = long * torch.exp(rnd(0.05))
        short = short * torch.exp(rnd(0.05))
        a = torch.atan2(sin, cos) + rnd(math.radians(3))
        a = a + math.pi * (torch.rand(n, generator=gen) < 0.5).float()
        cos, sin = torch.cos(a), torch.sin(a)
    with torch.no_grad():
        return localize.crop(frames, (cx, cy, cos, sin, long, short), cfg['crop_width'], cfg['crop_height'])


def to_input(u8: torch.Tensor) -> torch.Tensor:
    """N x H x W x 3 uint8 -> N x 3 x H x W, (v / 255 - 0.5) / 0.5 as the manifest says."""
    return (u8.permute(0, 3, 1, 2).float() / 255.0 - 0.5) / 0.5


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """A half turn at random, then colour_augment()."""
    turn = torch.rand(x.shape[0], generator=gen) < 0.5
    return colour_augment(torch.where(turn[:, None, None, None], x.flip(2, 3), x), gen)


def colour_augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Per-channel gain, contrast, brightness, sensor noise and random erasing (geometry unchanged)."""
    n = x.shape[0]
    gain = 1 + (torch.rand(n, 3, 1, 1, generator=gen) - 0.5) * 0.2
    contrast = 1 + (torch.rand(n, 1, 1, 1, generator=gen) - 0.5) * 0.4
    bright = (torch.rand(n, 1, 1, 1, generator=gen) - 0.5) * 0.3
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    x = (x - mean) * contrast + mean
    x = (x + 1) * gain - 1 + bright
    x = x + torch.randn(x.shape, generator=gen) * (torch.rand(n, 1, 1, 1, generator=gen) * 0.06)
    # Random erasing: a grey-ish block over part of some views (hands and tools do the same).
    h, w = x.shape[2], x.shape[3]
    for i in torch.nonzero(torch.rand(n, generator=gen) < 0.25).flatten().tolist():
        eh = int(torch.randint(h // 8, h // 3, (1,), generator=gen))
        ew = int(torch.randint(w // 8, w // 3, (1,), generator=gen))
        y0 = int(torch.randint(0, h - eh, (1,), generator=gen))
        x0 = int(torch.randint(0, w - ew, (1,), generator=gen))
        x[i, :, y0:y0 + eh, x0:x0 + ew] = torch.rand(3, 1, 1, generator=gen) * 2 - 1
    return x.clamp(-1, 1)


def supcon(z: torch.Tensor, labels: torch.Tensor, temperature: float) -> torch.Tensor:
    z = F.normalize(z, dim=1)
    sim = z @ z.t() / temperature
    eye = torch.eye(len(z), dtype=torch.bool)
    sim = sim.masked_fill(eye, -1e9)
    pos = (labels[:, None] == labels[None, :]) & ~eye
    log_prob = sim - torch.logsumexp(sim, dim=1, keepdim=True)
    return -((log_prob * pos).sum(1) / pos.sum(1).clamp(min=1)).mean()


@torch.no_grad()
def monitor(model, pixels: torch.Tensor, labels: torch.Tensor) -> dict:
    model.eval()
    prep = to_input if pixels.dtype == torch.uint8 else (lambda x: x)
    z = torch.cat([F.normalize(model(prep(pixels[i:i + 100]))[1], dim=1) for i in range(0, len(pixels), 100)])
    model.train()
    sim = z @ z.t()
    sim.fill_diagonal_(-2)
    same = labels[:, None] == labels[None, :]
    top1 = (labels[sim.argmax(1)] == labels).float().mean().item()
    eye = torch.eye(len(z), dtype=torch.bool)
    pos = sim[same & ~eye].mean().item()
    neg_max = sim.masked_fill(same, -2).max(1).values.mean().item()
    return {'top1': round(top1, 4), 'pos_cos': round(pos, 3), 'hardest_neg_cos': round(neg_max, 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', required=True, help='glob of *-pixels.npy training shards')
    ap.add_argument('--data-later', help='glob of more shards, added at --data-later-step (waits for them)')
    ap.add_argument('--data-later-count', type=int, default=0, help='how many --data-later shards to wait for')
    ap.add_argument('--data-later-step', type=int, default=0)
    ap.add_argument('--monitor', required=True, help='*-pixels.npy of held-out monitor types')
    ap.add_argument('--out', required=True, help='checkpoint file (.pt)')
    ap.add_argument('--init', help='start from this checkpoint\'s weights (a second schedule)')
    ap.add_argument('--init-partial', action='store_true',
                    help='with --init: take only the weights whose names and shapes match (another input size)')
    ap.add_argument('--crop', help='WxH: look at the canonical board crop of this size (localize.py); '
                    'the shards need their -corners.npy')
    ap.add_argument('--localizer', help='train_localizer.py checkpoint whose boxes the crops use (default: '
                    'boxes from the true board outlines)')
    ap.add_argument('--steps', type=int, default=1200)
    ap.add_argument('--types-per-batch', type=int, default=64)
    ap.add_argument('--views-per-type', type=int, default=4)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--weight-decay', type=float, default=0.05)
    ap.add_argument('--warmup', type=int, default=60)
    ap.add_argument('--temperature', type=float, default=0.1)
    ap.add_argument('--checkpoint-every', type=int, default=100)
    ap.add_argument('--stop-after', type=int, help='end after this step\'s checkpoint (the schedule still spans --steps)')
    ap.add_argument('--dim', type=int, default=128)
    ap.add_argument('--layers', type=int, default=4)
    ap.add_argument('--heads', type=int, default=4)
    ap.add_argument('--mlp-ratio', type=float, default=3.0)
    ap.add_argument('--stem', type=int, default=64)
    ap.add_argument('--embed', type=int, default=128)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    crop = bool(args.crop)
    corners = mon_corners = None
    if crop:
        pixels, labels, corners = load_shards(args.data, True)
        mon_pixels, mon_labels, mon_corners = load_shards(args.monitor, True)
    else:
        pixels, labels = load_shards(args.data)
        mon_pixels, mon_labels = load_shards(args.monitor)
    height, width = pixels.shape[1], pixels.shape[2]
    cfg = {'dim': args.dim, 'layers': args.layers, 'heads': args.heads, 'mlp_ratio': args.mlp_ratio,
           'width': width, 'height': height, 'stem': args.stem, 'embed': args.embed}
    localizer = boxes = None
    if crop:
        cw, ch = (int(v) for v in args.crop.split('x'))
        cfg.update({'width': cw, 'height': ch, 'crop_width': cw, 'crop_height': ch,
                    'frame_width': width, 'frame_height': height})
        if args.localizer:
            localizer = localize.load(args.localizer)
        mon_boxes = board_boxes(mon_pixels, mon_corners, localizer)
        mon_pixels = torch.cat([board_crops(to_input(mon_pixels[i:i + 100]), mon_boxes[i:i + 100], cfg, None)
                                for i in range(0, len(mon_pixels), 100)])
        t0 = time.time()
        boxes = board_boxes(pixels, corners, localizer)
        print(json.dumps({'boxes': len(boxes), 'seconds': round(time.time() - t0)}), flush=True)
    model = vit.build(cfg)
    if args.init:
        init = torch.load(args.init)
        if args.init_partial:
            own = model.state_dict()
            taken = {k: v for k, v in init['state_dict'].items() if k in own and own[k].shape == v.shape}
            model.load_state_dict(taken, strict=False)
            print(json.dumps({'init_partial': len(taken), 'of': len(own)}), flush=True)
        elif init['config'] != cfg:
            raise SystemExit(f'--init {args.init} has another shape: {init["config"]}')
        else:
            model.load_state_dict(init['state_dict'])
    types = torch.unique(labels)
    by_type = {int(t): torch.nonzero(labels == t).flatten() for t in types}
    print(json.dumps({'views': len(labels), 'types': len(types), 'monitor_views': len(mon_labels),
                      'params': sum(p.numel() for p in model.parameters()), **cfg}), flush=True)

    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and 'pos_embed' not in n and 'cls_token' not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and 'pos_embed' not in n and 'cls_token' not in n)]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': args.weight_decay},
                             {'params': no_decay, 'weight_decay': 0.0}], lr=args.lr)

    def lr_at(step: int) -> float:
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        t = (step - args.warmup) / max(1, args.steps - args.warmup)
        return 1e-5 + (args.lr - 1e-5) * 0.5 * (1 + math.cos(math.pi * t))

    def save(step: int, metrics: dict) -> None:
        tmp = args.out + '.tmp'
        torch.save({'config': cfg, 'state_dict': model.state_dict(), 'step': step, 'metrics': metrics,
                    'args': vars(args)}, tmp)
        os.replace(tmp, args.out)

    def add_later_data() -> None:
        nonlocal pixels, labels, types, by_type, corners, boxes
        while len(glob.glob(args.data_later.replace('-pixels.npy', '-labels.npy'))) < args.data_later_count:
            print('waiting for', args.data_later, flush=True)
            time.sleep(20)
        time.sleep(5)
        if crop:
            more_pixels, more_labels, more_corners = load_shards(args.data_later, True)
            corners = torch.cat([corners, more_corners])
            boxes = torch.cat([boxes, board_boxes(more_pixels, more_corners, localizer)])
        else:
            more_pixels, more_labels = load_shards(args.data_later)
        pixels = torch.cat([pixels, more_pixels])
        labels = torch.cat([labels, more_labels])
        types = torch.unique(labels)
        by_type = {int(t): torch.nonzero(labels == t).flatten() for t in types}
        print(json.dumps({'step': step, 'views': len(labels), 'types': len(types)}), flush=True)

    model.train()
    start = time.time()
    order = types[torch.randperm(len(types), generator=gen)]
    cursor = 0
    for step in range(args.steps):
        if args.data_later and step == args.data_later_step:
            add_later_data()
            cursor = len(order)
        if cursor + args.types_per_batch > len(order):
            order = types[torch.randperm(len(types), generator=gen)]
            cursor = 0
        chosen = order[cursor:cursor + args.types_per_batch]
        cursor += args.types_per_batch
        idx = []
        for t in chosen.tolist():
            views = by_type[t]
            idx.append(views[torch.randperm(len(views), generator=gen)[:args.views_per_type]])
        idx = torch.cat(idx)
        x = to_input(pixels[idx])
        if crop:
            x = board_crops(x, boxes[idx], cfg, gen)
        x = augment(x, gen)
        for g in opt.param_groups:
            g['lr'] = lr_at(step)
        _, z = model(x)
        loss = supcon(z, labels[idx], args.temperature)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 10 == 0:
            print(f'step {step} loss {loss.item():.4f} lr {lr_at(step):.2e} {time.time() - start:.0f}s', flush=True)
        if (step + 1) % args.checkpoint_every == 0 or step + 1 == args.steps:
            metrics = monitor(model, mon_pixels, mon_labels)
            save(step + 1, metrics)
            print(json.dumps({'checkpoint': step + 1, 'seconds': round(time.time() - start), **metrics}), flush=True)
            if args.stop_after is not None and step + 1 >= args.stop_after:
                break


if __name__ == '__main__':
    main()
