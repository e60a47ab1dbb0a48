"""Output sizes and TensorFlow's SAME padding split, decided once for both backends.

SAME: out = ceil(in / stride); the total padding is max((out - 1) * stride + k - in, 0), split
with the smaller half *before* (top/left) and the larger half *after* (bottom/right). With
stride 2 on an even input and an odd kernel the total is odd, so the extra row/column goes to the
bottom/right — PyTorch's symmetric `padding=` cannot express that, so the torch twin pads
explicitly with these numbers.

VALID: out = floor((in - k) / stride) + 1, no padding.
"""
from __future__ import annotations

import math


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def output_size(size: int, kernel: int, stride: int, padding: str) -> int:
    if padding == "same":
        return math.ceil(size / stride)
    return (size - kernel) // stride + 1
