"""Board localization and the canonical board crop of benchsight-vit (version 2).

A bench frame is mostly bench: the board lies anywhere, at any angle, at any of a range of sizes.
benchsight-vit therefore looks in two steps, both inside its one ONNX graph:

1. `Localizer`, a small fully convolutional network, marks which cells of a 40x30 grid over the
   frame belong to the board (trained with the board outlines the scene generator knows).
2. `box_from_mask` turns the mask into an oriented box with image moments: centre = centroid,
   axes = eigenvectors of the second moments, side lengths = sqrt(12 * eigenvalue) (a uniform
   rectangle's variance along a side of length L is L^2 / 12), times a margin. No board (too few
   cells marked): the whole frame.
3. `crop` samples that box, long side horizontal, into a fixed canvas (bilinear, GridSample), so
   the ViT always sees the board centred, upright up to a half turn, at one scale.

Everything is batched tensor arithmetic that exports to plain ONNX operators (no atan2, no loops).
"""
import torch
import torch.nn.functional as F
from torch import nn

GRID = 8  # frame pixels per mask cell


def conv_bn(cin: int, cout: int, k: int = 3, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    pad = dilation * (k // 2)
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, pad, dilation=dilation, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Localizer(nn.Module):
    """Frame [B, 3, H, W] (normalised) -> board logits [B, 1, H / 8, W / 8]."""

    def __init__(self, width: int = 32):
        super().__init__()
        w = width
        self.down1 = nn.Sequential(conv_bn(3, w // 2, stride=2), conv_bn(w // 2, w, stride=2))  # /4 of the /2 input
        self.down2 = conv_bn(w, 2 * w, stride=2)  # /16
        self.context = nn.Sequential(conv_bn(2 * w, 2 * w, dilation=2), conv_bn(2 * w, 2 * w, dilation=4))
        self.lat_skip = nn.Conv2d(w, w, 1)
        self.lat_deep = nn.Conv2d(2 * w, w, 1)
        self.head = nn.Sequential(conv_bn(w, w // 2), nn.Conv2d(w // 2, 1, 1))

    def forward(self, frame: torch.Tensor) -> torch.Tensor:
        x = F.avg_pool2d(frame, 2)
        skip = self.down1(x)
        deep = self.context(self.down2(skip))
        up = F.interpolate(self.lat_deep(deep), scale_factor=2.0, mode='nearest')
        return self.head(F.relu(self.lat_skip(skip) + up))


def board_mask_targets(corners: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """[B, 4, 2] board corners (frame pixels, convex, in order) -> [B, 1, H/8, W/8] 0/1 cell centres inside."""
    gy, gx = torch.meshgrid(torch.arange(height // GRID, dtype=torch.float32) * GRID + GRID / 2,
                            torch.arange(width // GRID, dtype=torch.float32) * GRID + GRID / 2, indexing='ij')
    px, py = gx[None], gy[None]
    signs = []
    for k in range(4):
        ax, ay = corners[:, k, 0, None, None], corners[:, k, 1, None, None]
        bx, by = corners[:, (k + 1) % 4, 0, None, None], corners[:, (k + 1) % 4, 1, None, None]
        signs.append((bx - ax) * (py - ay) - (by - ay) * (px - ax))
    s = torch.stack(signs)
    inside = (s >= 0).all(0) | (s <= 0).all(0)
    present = (corners.abs().sum((1, 2)) > 0)[:, None, None]
    return (inside & present).float()[:, None]


def box_from_mask(logits: torch.Tensor, width: int, height: int, margin: float = 1.12, min_cells: float = 12.0):
    """Mask logits [B, 1, h, w] -> oriented boxes: centre x, y, cos, sin, long side, short side (each [B])."""
    w = ((torch.sigmoid(logits) - 0.25) * 2.0).clamp(0.0, 1.0)[:, 0]
    h, wd = w.shape[1], w.shape[2]
    ys = (torch.arange(h, dtype=torch.float32) * GRID + GRID / 2)[None, :, None]
    xs = (torch.arange(wd, dtype=torch.float32) * GRID + GRID / 2)[None, None, :]
    m0 = w.sum((1, 2))
    safe = m0.clamp(min=1e-3)
    cx = (w * xs).sum((1, 2)) / safe
    cy = (w * ys).sum((1, 2)) / safe
    dx = xs - cx[:, None, None]
    dy = ys - cy[:, None, None]
    a = (w * dx * dx).sum((1, 2)) / safe
    b = (w * dx * dy).sum((1, 2)) / safe
    c = (w * dy * dy).sum((1, 2)) / safe
    r = torch.sqrt((a - c) * (a - c) + 4 * b * b + 1e-6)
    cos2 = (a - c) / r
    cos = torch.sqrt(((1 + cos2) / 2).clamp(min=0.0))
    sin = torch.where(b >= 0, torch.ones_like(b), -torch.ones_like(b)) * torch.sqrt(((1 - cos2) / 2).clamp(min=0.0))
    long = torch.sqrt((6 * (a + c + r)).clamp(min=1.0)) * margin
    short = torch.sqrt((6 * (a + c - r)).clamp(min=1.0)) * margin
    short = torch.maximum(short, long * 0.2)
    found = m0 >= min_cells
    full = torch.ones_like(m0)
    return (torch.where(found, cx, full * (width / 2)), torch.where(found, cy, full * (height / 2)),
            torch.where(found, cos, full), torch.where(found, sin, full * 0),
            torch.where(found, long, full * width), torch.where(found, short, full * height))


def crop(frame: torch.Tensor, box, out_w: int, out_h: int) -> torch.Tensor:
    """Samples each oriented box of `frame` [B, 3, H, W] into [B, 3, out_h, out_w], long side horizontal."""
    cx, cy, cos, sin, long, short = box
    height, width = frame.shape[2], frame.shape[3]
    u = (torch.arange(out_w, dtype=torch.float32) * 2 + 1) / out_w - 1  # -1..1 along the long side
    v = (torch.arange(out_h, dtype=torch.float32) * 2 + 1) / out_h - 1
    u = u[None, None, :]
    v = v[None, :, None]
    hl = (long / 2)[:, None, None]
    hs = (short / 2)[:, None, None]
    c = cos[:, None, None]
    s = sin[:, None, None]
    px = cx[:, None, None] + u * hl * c - v * hs * s
    py = cy[:, None, None] + u * hl * s + v * hs * c
    grid = torch.stack([px * (2.0 / width) - 1, py * (2.0 / height) - 1], dim=-1)
    return F.grid_sample(frame, grid, mode='bilinear', padding_mode='zeros', align_corners=False)


def load(path: str) -> Localizer:
    """A train_localizer.py checkpoint, in eval mode."""
    ckpt = torch.load(path)
    model = Localizer(ckpt['width'])
    model.load_state_dict(ckpt['state_dict'])
    return model.eval()
