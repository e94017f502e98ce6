#!/usr/bin/python3
"""Builds a small ViT encoder with random weights (fixed seed) and exports it to ONNX.

The graph has the layout of Hugging Face ViT/DINOv2 exports: input `pixel_values` float32
[batch, 3, H, W] (dynamic batch), outputs `last_hidden_state` [batch, 1 + patches, dim] and
`pooler_output` [batch, dim] (the final-layernormed CLS token). With --id it also writes the
benchsight model manifest next to the ONNX file.

Run with Debian's interpreter (torch 1.13, onnx 1.12): /usr/bin/python3 scripts/model/make_random_vit.py ...
"""
import argparse
import hashlib
import io
import json
import math
import os

import onnx
import torch
from torch import nn


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


class ViT(nn.Module):
    def __init__(self, layers: int, dim: int, heads: int, patch: int, image_size: int, mlp_ratio: float):
        super().__init__()
        if image_size % patch:
            raise SystemExit(f'--image-size {image_size} is not a multiple of --patch {patch}')
        if dim % heads:
            raise SystemExit(f'--dim {dim} is not a multiple of --heads {heads}')
        patches = (image_size // patch) ** 2
        self.patch_embed = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + patches, dim))
        self.blocks = nn.ModuleList(Block(dim, heads, mlp_ratio, 1 + patches) for _ in range(layers))
        self.norm = nn.LayerNorm(dim, eps=1e-6)

    def forward(self, pixel_values: torch.Tensor):
        x = self.patch_embed(pixel_values).flatten(2).transpose(1, 2)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)
        return x, x[:, 0]


def init_weights(model: ViT, patch_gain: float) -> None:
    """Random weights chosen so that different images keep different embeddings.

    The usual ViT init (std 0.02 everywhere) makes every image's embedding nearly the same; a
    larger patch-embedding gain, small position embeddings and zero biases keep the image
    content dominant in the mean of the patch tokens.
    """
    with torch.no_grad():
        fan_in = model.patch_embed.weight[0].numel()
        model.patch_embed.weight.normal_(0.0, patch_gain / math.sqrt(fan_in))
        model.patch_embed.bias.zero_()
        model.cls_token.normal_(0.0, 0.02)
        model.pos_embed.normal_(0.0, 0.02)
        for m in model.modules():
            if isinstance(m, nn.Linear):
                m.weight.normal_(0.0, 1.0 / math.sqrt(m.in_features))
                m.bias.zero_()
            elif isinstance(m, nn.LayerNorm):
                m.weight.fill_(1.0)
                m.bias.zero_()


def export(model: ViT, image_size: int) -> bytes:
    dummy = torch.zeros(1, 3, image_size, image_size)
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
    # No producer version or doc strings that differ between machines: same seed, same bytes.
    proto.producer_name = 'benchsight make_random_vit.py'
    proto.producer_version = '1'
    proto.doc_string = ''
    for node in proto.graph.node:
        node.doc_string = ''
    return proto.SerializeToString()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--layers', type=int, required=True)
    ap.add_argument('--dim', type=int, required=True)
    ap.add_argument('--heads', type=int, required=True)
    ap.add_argument('--patch', type=int, required=True)
    ap.add_argument('--image-size', type=int, required=True, help='square input side in pixels')
    ap.add_argument('--mlp-ratio', type=float, default=4.0)
    ap.add_argument('--patch-gain', type=float, default=4.0, help='std multiplier of the patch embedding')
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--out', required=True, help='ONNX file to write')
    ap.add_argument('--id', help='write a manifest <out without .onnx>.json with this model id')
    ap.add_argument('--name', help='manifest name (default: the file name)')
    ap.add_argument('--description', default='')
    ap.add_argument('--resize-shortest', type=int, help='manifest: shortestEdge resize, then centre crop')
    ap.add_argument('--resample', default='pil-bicubic')
    ap.add_argument('--pooling', default='mean', choices=['mean', 'cls', 'pooler'])
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    model = ViT(args.layers, args.dim, args.heads, args.patch, args.image_size, args.mlp_ratio).eval()
    init_weights(model, args.patch_gain)
    data = export(model, args.image_size)
    with open(args.out, 'wb') as f:
        f.write(data)
    params = sum(p.numel() for p in model.parameters())
    print(f'{args.out}: {len(data)} bytes, {params} parameters')

    if args.id:
        size = args.image_size
        resize = (
            {'mode': 'shortestEdge', 'size': args.resize_shortest}
            if args.resize_shortest
            else {'mode': 'exact', 'width': size, 'height': size}
        )
        preprocess = {'resize': resize, 'resample': args.resample}
        if args.resize_shortest:
            preprocess['crop'] = {'width': size, 'height': size}
        preprocess.update({'rescale': 1 / 255, 'mean': [0.5, 0.5, 0.5], 'std': [0.5, 0.5, 0.5]})
        base = os.path.basename(args.out)
        manifest = {
            'id': args.id,
            'name': args.name or os.path.splitext(base)[0],
            'description': args.description
            or (
                f'Random-weight ViT ({args.layers} layers, dim {args.dim}, {args.heads} heads, patch {args.patch}, '
                f'{size}x{size}, seed {args.seed}) built by scripts/model/make_random_vit.py. Recognizes nothing.'
            ),
            'file': base,
            'inputName': 'pixel_values',
            'preprocess': preprocess,
            'pooling': args.pooling,
            'outputs': {'lastHiddenState': 'last_hidden_state', 'pooler': 'pooler_output'},
            'embeddingSize': args.dim,
            'randomWeights': True,
            'license': 'MIT',
            'source': {'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest()},
        }
        path = os.path.splitext(args.out)[0] + '.json'
        with open(path, 'w') as f:
            json.dump(manifest, f, indent=2)
            f.write('\n')
        print(f'{path}: manifest {args.id}')


if __name__ == '__main__':
    main()
