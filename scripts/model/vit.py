"""The benchsight-vit encoder: a small ViT with a convolutional patch embedding.

The patch embedding is a small two-layer convolutional stem: 4x4 stride-4 patches to `stem`
channels (BatchNorm, GELU), then a 5x5 stride-5 projection to the model width (in the spirit of the
"early convolutions" of Xiao et al., 2021: a nonlinear patch embedding trains faster than a single
linear 20x20 projection at the same cost). A 160x120 frame becomes 8x6 = 48 patch tokens. A CLS token and learned
position embeddings follow, then pre-norm transformer blocks and a final LayerNorm. The embedding
(`pooler_output`) is a linear projection of the mean of the patch tokens followed by a batch norm (a
fixed affine map once exported); the daemon L2-normalises it.

Shared by train_vit.py and export_vit.py. Debian's interpreter: /usr/bin/python3 (torch 1.13).
"""
import io
import math

import onnx
import torch
from torch import nn

import localize


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(ln(x)), then x + mlp(ln(x))."""

    def __init__(self, dim: int, heads: int, mlp_ratio: float, tokens: int):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.tokens = tokens
        self.dim = dim
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        hidden = int(dim * mlp_ratio)
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.norm1(x)
        # -1 for the batch keeps the batch axis dynamic in the exported graph.
        qkv = self.qkv(h).reshape(-1, self.tokens, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = torch.softmax((q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim)), dim=-1)
        o = (attn @ v).transpose(1, 2).reshape(-1, self.tokens, self.dim)
        x = x + self.proj(o)
        return x + self.fc2(self.act(self.fc1(self.norm2(x))))


class BenchViT(nn.Module):
    def __init__(self, dim: int, layers: int, heads: int, mlp_ratio: float, width: int, height: int,
                 stem: int, embed: int):
        super().__init__()
        if width % 20 or height % 20:
            raise SystemExit(f'input {width}x{height}: both sides must be multiples of 20 (patch 20)')
        tokens = (width // 20) * (height // 20)
        self.patch_embed = nn.Sequential(
            nn.Conv2d(3, stem, 4, 4, bias=False), nn.BatchNorm2d(stem), nn.GELU(), nn.Conv2d(stem, dim, 5, 5))
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.randn(1, 1 + tokens, dim) * 0.02)
        self.blocks = nn.ModuleList(Block(dim, heads, mlp_ratio, 1 + tokens) for _ in range(layers))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        # BatchNorm over the batch keeps the embedding from collapsing to one point early in training
        # (every dimension must vary across views); exported, it is a fixed affine map.
        self.head = nn.Sequential(nn.Linear(dim, embed), nn.BatchNorm1d(embed, affine=False))
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)

    def forward(self, pixel_values: torch.Tensor):
        x = self.patch_embed(pixel_values).flatten(2).transpose(1, 2)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)
        return x, self.head(x[:, 1:].mean(dim=1))


def build(cfg: dict) -> BenchViT:
    return BenchViT(cfg['dim'], cfg['layers'], cfg['heads'], cfg['mlp_ratio'], cfg['width'], cfg['height'],
                    cfg['stem'], cfg['embed'])


def export_onnx(model: BenchViT, width: int, height: int) -> onnx.ModelProto:
    """ONNX opset 17, float32, dynamic batch; same bytes for the same weights."""
    model.eval()
    dummy = torch.zeros(1, 3, height, width)
    buf = io.BytesIO()
    torch.onnx.export(
        model,
        dummy,
        buf,
        opset_version=17,
        input_names=['pixel_values'],
        output_names=['last_hidden_state', 'pooler_output'],
        dynamic_axes={
            'pixel_values': {0: 'batch'},
            'last_hidden_state': {0: 'batch'},
            'pooler_output': {0: 'batch'},
        },
        do_constant_folding=True,
    )
    proto = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(proto)
    proto.producer_name = 'benchsight export_vit.py'
    proto.producer_version = '1'
    proto.doc_string = ''
    for node in proto.graph.node:
        node.doc_string = ''
    return proto


class BoardEncoder(nn.Module):
    """benchsight-vit version 2 as exported: the whole frame in, the board's embedding out.

    The localizer marks the board, box_from_mask() finds its oriented box, crop() samples the box
    into the ViT's canvas (localize.py), and the ViT encodes that canvas. The box's long axis has two
    ends, so the canvas may show the board either way round: with `half_turns`, the ViT also encodes
    the canvas turned half a turn and the L2-normalised embeddings are averaged, which makes the
    embedding exactly the same for both. With more than one of `scales`, the box is also sampled
    with its sides scaled by each (a little more or less bench around the board), averaged likewise. `last_hidden_state` is the ViT's over the canvas's
    patches (the canvas as sampled).
    """

    def __init__(self, localizer: nn.Module, encoder: BenchViT, cfg: dict, half_turns: bool = False,
                 scales: tuple = (1.0,)):
        super().__init__()
        self.localizer = localizer
        self.encoder = encoder
        self.frame = (cfg['frame_width'], cfg['frame_height'])
        self.canvas = (cfg['crop_width'], cfg['crop_height'])
        self.half_turns = half_turns
        self.scales = tuple(scales)

    def forward(self, pixel_values: torch.Tensor):
        cx, cy, cos, sin, long, short = localize.box_from_mask(self.localizer(pixel_values), self.frame[0],
                                                               self.frame[1])
        canvases = [localize.crop(pixel_values, (cx, cy, cos, sin, long * k, short * k), self.canvas[0], self.canvas[1])
                    for k in self.scales]
        if self.half_turns:
            canvases += [c.flip(2, 3) for c in canvases]
        if len(canvases) == 1:
            return self.encoder(canvases[0])
        hidden, pooled = self.encoder(torch.cat(canvases))
        views = len(canvases)
        pooled = nn.functional.normalize(pooled, dim=1).reshape(views, -1, pooled.shape[1]).mean(0)
        return hidden.reshape(views, -1, hidden.shape[1], hidden.shape[2])[0], pooled
