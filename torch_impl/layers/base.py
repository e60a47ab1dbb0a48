"""How a spec layer type becomes PyTorch source.

A `TorchLayer` says, for one spec node:
* `constructor(node)`: the expression that builds `self.<name>` (exactly one module per spec
  layer, so a forward hook on it sees the layer's output);
* `pre_modules(node)`: extra modules applied before it (e.g. TF-style asymmetric padding), as
  (attribute suffix, constructor) pairs;
* `helpers(node)`: classes from `torch_impl.modules` the emitted file must include;
* `native_names`: canonical parameter name → torch attribute (`kernel` → `weight`), and
  `to_native` / `from_native` for the layout of each parameter.
"""
from __future__ import annotations

import numpy as np


class TorchLayer:
    type: str = ""
    native_names: dict[str, str] = {}
    # True where a frozen layer must stay in eval mode while the model trains (batchnorm).
    frozen_runs_in_eval: bool = False

    def constructor(self, node) -> str:
        raise NotImplementedError

    def pre_modules(self, node) -> list[tuple[str, str]]:
        return []

    def helpers(self, node) -> list[type]:
        return []

    def to_native(self, node, param: str, value: np.ndarray) -> np.ndarray:
        return value

    def from_native(self, node, param: str, value: np.ndarray) -> np.ndarray:
        return value


_REGISTRY: dict[str, TorchLayer] = {}


def register(cls):
    if cls.type in _REGISTRY:
        raise ValueError(f"torch translation of {cls.type!r} registered twice")
    _REGISTRY[cls.type] = cls()
    return cls


def registry() -> dict[str, TorchLayer]:
    return _REGISTRY
