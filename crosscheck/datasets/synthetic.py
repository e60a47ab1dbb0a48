"""Seeded synthetic data shaped from a spec, so that any spec can be trained (the twins'
training conformance needs batches that fit the model, not a real data set).

Inputs are uniform in [0, 1) float32, (N, *input_shape), the pixel scale of the real data sets.
Targets fit the spec's loss:
* `softmax_cross_entropy`, `clipped_cross_entropy`: int64 class ids over the output's last
  dimension, (N, *output_shape[:-1]) (the training code makes them sparse or one-hot);
* `binary_cross_entropy`: 0/1 per output unit, float32 (N, *output_shape);
* `mse`, `mae` (and a spec without a loss): standard normal values, float32 (N, *output_shape).
Targets are drawn independently of the inputs: there is nothing to learn, only to compute.
The object is a `datasets.arrays.TrainTest`, like MNIST and CIFAR-10.
"""
from __future__ import annotations

import numpy as np

from .arrays import TrainTest

TRAIN_EXAMPLES = 1024
TEST_EXAMPLES = 256


class Synthetic(TrainTest):
    pass


def targets(spec, rng: np.random.Generator, n: int) -> np.ndarray:
    from spec import losses

    out = spec.output_shape
    kind = losses.label_kind(spec.loss)
    if kind == losses.CLASSES:
        return rng.integers(0, out[-1], size=(n, *out[:-1]), dtype=np.int64)
    if kind == losses.BINARY:
        return rng.integers(0, 2, size=(n, *out)).astype(np.float32)
    return rng.standard_normal((n, *out), dtype=np.float32)


def generate(spec, seed: int = 0, train: int = TRAIN_EXAMPLES, test: int = TEST_EXAMPLES) -> Synthetic:
    rng = np.random.default_rng(seed)
    x = rng.random((train + test, *spec.input_shape), dtype=np.float32)
    y = targets(spec, rng, train + test)
    return Synthetic(x[:train], y[:train], x[train:], y[train:], f"synthetic data (seed {seed})")
