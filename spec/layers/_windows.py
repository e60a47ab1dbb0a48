"""Sliding windows over NHWC arrays, for the numpy references of conv2d and the 2-D poolings.

A window layer's output at (oh, ow) reads the padded input at rows oh·sh + i, columns ow·sw + j for
every kernel offset (i, j); `offset_views` yields, per offset, the strided view holding those
cells for every output position at once, so a reference is a loop over kernel offsets.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..padding import output_size, same_padding
from .base import pair


def padded(x: np.ndarray, kernel, strides, padding: str, fill: float) -> np.ndarray:
    """`x` (N, H, W, C) with TensorFlow's SAME split of `spec.padding` around H and W (the odd
    extra row/column bottom/right), cells set to `fill`; unchanged for `valid`."""
    if padding == "valid":
        return x
    (kh, kw), (sh, sw) = pair(kernel), pair(strides)
    pads = ((0, 0), same_padding(x.shape[1], kh, sh), same_padding(x.shape[2], kw, sw), (0, 0))
    return np.pad(x, pads, constant_values=fill)


def offset_views(x: np.ndarray, kernel, strides, padding: str, fill: float) -> Iterator[tuple[int, int, np.ndarray]]:
    """(i, j, view) per kernel offset; view[n, oh, ow, c] = padded x[n, oh·sh + i, ow·sw + j, c]."""
    (kh, kw), (sh, sw) = pair(kernel), pair(strides)
    oh, ow = output_size(x.shape[1], kh, sh, padding), output_size(x.shape[2], kw, sw, padding)
    xp = padded(x, kernel, strides, padding, fill)
    for i in range(kh):
        for j in range(kw):
            yield i, j, xp[:, i:i + (oh - 1) * sh + 1:sh, j:j + (ow - 1) * sw + 1:sw, :]
