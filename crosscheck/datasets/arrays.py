"""The in-memory shape every training data set takes (MNIST, CIFAR-10, synthetic): train and test
arrays and where they came from; the training loop and lockstep conformance read nothing else."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np


@dataclass
class TrainTest:
    x_train: np.ndarray  # (N, *input_shape)
    y_train: np.ndarray  # int64 class ids, or float32 targets
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    unit: ClassVar[str] = "examples"

    def summary(self) -> str:
        return f"{self.source}: {len(self.x_train)} train / {len(self.x_test)} test {self.unit}"
