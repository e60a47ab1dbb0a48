"""The framework-neutral batch order: which examples form training step `s`, for a seed.

Epoch `e` visits the training set in the permutation drawn by `numpy.random.default_rng([seed, e])`
and cuts it into consecutive batches (the last one smaller when the batch size does not divide the
set, as Keras' `fit` does). A step's batch is a pure function of (seed, step), so both twins get the
same batches in the same order and a resumed run continues exactly where it stopped, with no
iterator state to save.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np


class Batches:
    def __init__(self, n: int, batch_size: int, seed: int = 0):
        if batch_size < 1 or n < 1:
            raise ValueError("need at least one example and a positive batch size")
        self.n, self.batch_size, self.seed = n, batch_size, seed
        self.steps_per_epoch = math.ceil(n / batch_size)

    @lru_cache(maxsize=2)
    def permutation(self, epoch: int) -> np.ndarray:
        return np.random.default_rng([self.seed, epoch]).permutation(self.n)

    def indices(self, step: int) -> np.ndarray:
        """Example indices of training step `step` (0-based, counted across epochs)."""
        epoch, k = divmod(step, self.steps_per_epoch)
        return self.permutation(epoch)[k * self.batch_size:(k + 1) * self.batch_size]

    def epoch_of(self, step: int) -> int:
        return step // self.steps_per_epoch
