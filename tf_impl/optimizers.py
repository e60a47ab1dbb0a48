"""The spec's optimiser as a Keras optimiser: Keras' own classes already implement the spec's
update rules (`spec/optimizers.py`), so this only passes the resolved numbers through."""
from __future__ import annotations

import keras
import numpy as np

from spec.optimizers import resolve


def make_optimizer(optimizer: dict, dtype: str = "float32") -> keras.optimizers.Optimizer:
    o = resolve(optimizer)
    if dtype == "float64":
        # Keras casts a Python-float beta through a float32 tensor on TensorFlow (0.999 becomes
        # 0.99900001287): numpy float64 scalars keep a float64 twin's update float64 throughout
        o = {k: np.float64(v) if isinstance(v, float) else v for k, v in o.items()}
    if o["type"] == "sgd":
        return keras.optimizers.SGD(learning_rate=o["learning_rate"], momentum=o["momentum"])
    if o["type"] == "adam":
        return keras.optimizers.Adam(learning_rate=o["learning_rate"], beta_1=o["beta_1"], beta_2=o["beta_2"],
                                     epsilon=o["epsilon"])
    if o["type"] == "adagrad":
        return keras.optimizers.Adagrad(learning_rate=o["learning_rate"],
                                        initial_accumulator_value=o["initial_accumulator_value"], epsilon=o["epsilon"])
    raise ValueError(f"unknown optimizer {o['type']!r}")
