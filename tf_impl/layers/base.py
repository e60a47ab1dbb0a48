"""How a spec layer type becomes Keras source.

Each translation is a `TFLayer` registered under the spec type. `constructor(node)` returns the
Python expression that builds the Keras layer (named after the spec layer). The canonical weight
layout *is* Keras', so weights pass through unchanged unless a translation overrides
`to_native` / `from_native`.
"""
from __future__ import annotations

import numpy as np

from spec.registry import Registry

from ..initializers import initializer_source


class TFLayer:
    type: str = ""

    def constructor(self, node) -> str:
        raise NotImplementedError

    def to_native(self, node, param: str, value: np.ndarray) -> np.ndarray:
        """One canonical parameter in Keras' layout (`layer.get_weights()` lists them in the
        order of `node.param_shapes`)."""
        return value

    def from_native(self, node, param: str, value: np.ndarray) -> np.ndarray:
        return value


_REGISTRY = Registry("TF translation of")
register = _REGISTRY.register


def registry() -> dict[str, TFLayer]:
    return _REGISTRY.entries


def kwargs_source(**kw) -> str:
    """`a=1, b="x"` for the given keyword arguments, skipping those that are None."""
    return ", ".join(f"{k}={_literal(v)}" for k, v in kw.items() if v is not None)


def _literal(v) -> str:
    if isinstance(v, _Raw):
        return str(v)
    return f'"{v}"' if isinstance(v, str) else repr(v)  # double quotes, as the rest of the file


class _Raw(str):
    """A keyword value that is already source code (not to be repr'd)."""


def raw(s: str) -> _Raw:
    return _Raw(s)


def keras_axis(axis: int) -> int:
    """Spec axes exclude the batch dimension (like spec shapes); Keras counts it."""
    return axis if axis < 0 else axis + 1


def axis_source(node) -> str:
    """`axis=N, ` for a layer whose spec `axis` is not Keras' default (-1), else nothing."""
    axis = keras_axis(node.cfg["axis"])
    return "" if axis == -1 else f"axis={axis}, "


def regularizer_kwargs(node) -> dict:
    """Keras' `L1(λ₁)`, `L2(λ₂)`, or `L1L2` for both (a factor 0 is no penalty)."""
    reg = {k: v for k, v in node.cfg.get("kernel_regularizer", {}).items() if v}
    if not reg:
        return {}
    if len(reg) == 2:
        return {"kernel_regularizer": raw(f"regularizers.L1L2(l1={reg['l1']!r}, l2={reg['l2']!r})")}
    (kind, factor), = reg.items()
    return {"kernel_regularizer": raw(f"regularizers.{kind.upper()}({factor!r})")}


def init_kwargs(node, param: str, keras_arg: str, keras_default: str) -> dict:
    """`kernel_initializer=...` unless the spec's initialiser is Keras' default for it."""
    src = initializer_source(node.init[param]) if param in node.init else None
    return {keras_arg: raw(src)} if src and src != keras_default else {}
