"""Every layout conversion between the spec's canonical/logical layouts and PyTorch's, in one place.

Activations: a logical rank-3 tensor (H, W, C) is (C, H, W) inside the torch twin; other ranks
are identical. Weights: dense kernel (in, out) ↔ `Linear.weight` (out, in); conv kernel
(kh, kw, in, out) ↔ `Conv2d.weight` (out, in, kh, kw).
"""
from __future__ import annotations

import numpy as np


def is_spatial(logical_shape) -> bool:
    """True for (H, W, C) activations, which torch holds channels first."""
    return len(logical_shape) == 3


def activation_to_logical(arr: np.ndarray, logical_shape) -> np.ndarray:
    return np.transpose(arr, (0, 2, 3, 1)) if is_spatial(logical_shape) else arr


def activation_to_internal(arr: np.ndarray, logical_shape) -> np.ndarray:
    return np.transpose(arr, (0, 3, 1, 2)) if is_spatial(logical_shape) else arr


def internal_axis(axis: int, logical_shape) -> int:
    """A logical axis (batch excluded, may be negative) as a torch `dim` (batch included)."""
    rank = len(logical_shape)
    axis %= rank
    if is_spatial(logical_shape):
        return {0: 2, 1: 3, 2: 1}[axis]
    return axis + 1


def dense_kernel_to_native(kernel: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(kernel.T)


def dense_kernel_from_native(weight: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(weight.T)


def conv_kernel_to_native(kernel: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))


def conv_kernel_from_native(weight: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(weight.transpose(2, 3, 1, 0))
