"""The neutral weight file: one `.npz`, keyed `"<layer>.<param>"`, in the canonical layout.

Canonical layouts are the spec's (Keras') ones — dense kernel (in, out), conv kernel
(kh, kw, in, out), vectors as (n,) — stored as float32. Both twins import and export through
this file, so "same weights" means the same bytes.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from . import initializers
from .atomic import atomic_path
from .errors import WeightsError
from .model import Spec


def init_weights(spec: Spec, seed: int = 0) -> dict[str, np.ndarray]:
    """Sample every parameter from the spec's initialisers (numpy, deterministic per seed)."""
    return {
        f"{n.name}.{p}": initializers.sample(n.init[p], shape, seed, f"{n.name}.{p}")
        for n, p, shape in spec.parameters()
    }


def check_weights(spec: Spec, weights: dict[str, np.ndarray], source: str = "<weights>") -> None:
    expected = {f"{n.name}.{p}": s for n, p, s in spec.parameters()}
    missing = sorted(set(expected) - set(weights))
    extra = sorted(set(weights) - set(expected))
    if missing or extra:
        raise WeightsError(f"{source}: does not fit spec {spec.id!r}: missing {missing or 'none'}, unexpected {extra or 'none'}")
    for k, shape in expected.items():
        if tuple(weights[k].shape) != tuple(shape):
            raise WeightsError(f"{source}: {k} has shape {list(weights[k].shape)}, spec {spec.id!r} says {list(shape)}")
        if not np.all(np.isfinite(weights[k])):
            raise WeightsError(f"{source}: {k} contains NaN or inf")


def save_weights(path: str | Path, spec: Spec, weights: dict[str, np.ndarray]) -> None:
    """Write atomically: a failure leaves no partial file behind."""
    check_weights(spec, weights)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez(f, **{k: np.asarray(v, dtype=np.float32) for k, v in weights.items()})


def load_weights(path: str | Path, spec: Spec) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as z:
            weights = {k: z[k].astype(np.float32) for k in z.files}
    except FileNotFoundError:
        raise WeightsError(f"{path}: no such weights file") from None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise WeightsError(f"{path}: not a readable .npz weights file ({e})") from None
    check_weights(spec, weights, str(path))
    return weights
