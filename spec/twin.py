"""The interface every backend's twin implements (`tf_impl.twin.TFTwin`, `torch_impl.twin.TorchTwin`):
what the harness may ask of a twin, with the same names and signatures in both backends
(tests/test_twins.py checks it). Arrays cross it in the spec's logical and canonical layouts
(spec/SEMANTICS.md); `device` and `dtype` are the framework's own objects."""
from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from .model import Spec


class Twin(Protocol):
    framework: str  # "tf" or "torch"
    spec: Spec
    source: str  # the emitted module the twin runs, exactly as `crosscheck generate` prints it
    device: Any
    dtype: Any
    model: Any

    def derived(self, spec: Spec) -> "Twin":
        """A twin of another spec (a variant of this one) on the same device."""

    def to_float64(self) -> None:
        """Compute in float64 from now on: the same emitted source, holding the same weights."""

    # -- weights ---------------------------------------------------------------------------
    def set_weights(self, weights: dict[str, np.ndarray]) -> None: ...

    def get_weights(self) -> dict[str, np.ndarray]: ...

    def save_native(self, path) -> None:
        """The framework's own weights file."""

    def load_native(self, path) -> None: ...

    # -- running ---------------------------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray: ...

    def loss_and_grads(self, x, labels, training: bool = False) -> tuple[float, dict[str, np.ndarray]]:
        """The spec's loss (with its L2 terms) and every trainable parameter's gradient, `layer.param`."""

    def intermediates(self, x: np.ndarray, training: bool = False, names=None) -> dict[str, np.ndarray]:
        """Every spec layer's output (or those `names`)."""

    def batchnorm_inputs(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Each batchnorm's input in a pass where every batchnorm normalises with batch statistics."""

    # -- training --------------------------------------------------------------------------
    def to_device(self, a: np.ndarray) -> Any: ...

    def start_training(self, neutral_dropout: bool = False) -> None:
        """The emitted `make_optimizer` (the spec's optimizer section) and training step."""

    def trainable_parameters(self) -> dict[tuple[str, str], Any]:
        """(layer, canonical param) → the framework's trainable variable (after `start_training`)."""

    def train_step(self, x, labels, masks: dict[str, np.ndarray] | None = None) -> float: ...

    def evaluate(self, x, labels) -> tuple[float, np.ndarray]:
        """The spec's loss without its L1/L2 penalties, and the model's outputs."""

    def get_optimizer_state(self) -> dict[str, np.ndarray]: ...

    def set_optimizer_state(self, state: dict[str, np.ndarray]) -> None: ...
