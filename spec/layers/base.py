"""What every layer type declares: its schema fragment, its shape rule, its parameters.

A layer type is one subclass of `LayerType`, in its own module under `spec/layers/`, registered
with `@register`. The class is the contract both backends translate:

* `properties` / `required`: the JSON Schema of the type's own fields (the common fields `name`,
  `type`, `inputs` and `trainable` are added by `spec.schema`);
* `defaults`: values filled in for omitted fields, so backends never guess a default;
* `arity`: how many inputs it takes (`None`: two or more);
* `output_shape`: the shape rule, on shapes *without* the batch dimension, in the logical layout
  (channels last). Raise `ShapeError` naming the field that makes the shapes not connect;
* `param_shapes`: each parameter's shape in the canonical (neutral weight file) layout;
* `default_init`: the initialiser a parameter gets when the spec names none;
* `sum_of_products`: every output element is a sum of products of one input element and at most
  one parameter element (plus a bias): conv, dense, pooling means, add. Float32 rounds such a sum
  at the size of its terms, Σ|terms|, not of its result; the float32 sensitivity model
  (`crosscheck.sensitivity`) gets Σ|terms| by running the layer on |inputs| with |parameters|;
* `piecewise`: the output is continuous but the gradient jumps at a decision (ReLU at 0, the
  max-pool winner): float32 rounding can flip a decision whose margin is within rounding;
* `exact`: the layer only moves, selects or zeroes values (flatten, ReLU, max pooling): float32
  computes its output, and its gradient, without rounding;
* `random_mask`: in training the layer multiplies by a random keep-mask (probability 1 − `rate`,
  kept values scaled by 1/(1 − rate)): conformance runs feed both twins the same masks, and
  training-mode checks run the spec with every `rate` 0;
* `probabilities`: as the model's output layer, its output is class probabilities (softmax);
* `reference`: the maths of the docstring in numpy float64, a third opinion next to the two twins
  (`spec.reference` runs a whole spec with it);
* `example`: one valid configuration and an input shape it accepts, chosen to exercise the
  type's trickiest convention where that is cheap (`spec.reference.one_layer_spec` makes a spec
  of it).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..registry import Registry

Shape = tuple[int, ...]


class ShapeError(Exception):
    """Shapes that cannot connect; `field` is relative to the layer (e.g. `kernel_size`)."""

    def __init__(self, field: str | None, message: str):
        self.field = field
        super().__init__(message)


class LayerType:
    type: str = ""
    properties: dict[str, Any] = {}
    required: tuple[str, ...] = ()
    defaults: dict[str, Any] = {}
    arity: int | None = 1
    params: tuple[str, ...] = ()
    # Parameters that are state, not learned (e.g. batchnorm moving statistics): no gradient.
    non_trainable_params: tuple[str, ...] = ()
    sum_of_products: bool = False
    piecewise: bool = False
    exact: bool = False
    random_mask: bool = False
    probabilities: bool = False
    # (fields of a layer of this type without name/type, input shape without the batch dimension)
    example: tuple[dict, Shape]

    def with_defaults(self, cfg: dict) -> dict:
        """The layer's fields with every default filled in."""
        return {**self.defaults, **cfg}

    def output_shape(self, cfg: dict, in_shapes: list[Shape]) -> Shape:
        raise NotImplementedError

    def param_shapes(self, cfg: dict, in_shapes: list[Shape]) -> dict[str, Shape]:
        return {}

    def default_init(self, param: str) -> dict:
        raise KeyError(param)

    def active_params(self, cfg: dict) -> tuple[str, ...]:
        """Parameters this configuration has (e.g. no `bias` when `use_bias` is false)."""
        return self.params

    def reference(self, cfg: dict, inputs: list[np.ndarray], params: dict[str, np.ndarray],
                  training: bool = False) -> np.ndarray:
        """The layer's output, in numpy float64: exactly the maths of the type's module docstring and
        `spec/SEMANTICS.md`, independent of either framework.

        `cfg` has every default filled in (`with_defaults`); `inputs` are float64 arrays in the
        spec's logical layout with the batch dimension first (NHWC for images), one per input;
        `params` are float64 arrays in the canonical layouts of `spec.weights` (conv kernel
        (kh, kw, in, out), dense kernel (in, out)), keyed by parameter name, only the active ones.
        `training` selects the training-mode maths where the type has one (batchnorm: the batch's
        statistics); a frozen layer's caller passes False.
        """
        raise NotImplementedError(f"layer type {self.type!r} has no numpy reference")


_REGISTRY = Registry("layer type")
register = _REGISTRY.register


def registry() -> dict[str, LayerType]:
    return _REGISTRY.entries


# Shared schema fragments and helpers for the shape rules.
POSITIVE_INT = {"type": "integer", "minimum": 1}
INT_OR_PAIR = {
    "oneOf": [
        POSITIVE_INT,
        {"type": "array", "items": POSITIVE_INT, "minItems": 2, "maxItems": 2},
    ]
}
PADDING = {"enum": ["same", "valid"]}


def pair(v) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


class AlongAxis:
    """The `axis` field of a layer type that works along one axis (softmax, concat): spec axes
    exclude the batch dimension, like shapes; -1 (channels) by default."""
    properties = {"axis": {"type": "integer"}}
    defaults = {"axis": -1}
    # Along H, not the default channels axis: the example tests that the spec axis excludes the batch.
    example = ({"axis": 0}, (3, 4, 2))


def batched_axis(axis: int) -> int:
    """A spec axis (batch excluded, may be negative) as an axis of the batched array."""
    return axis + 1 if axis >= 0 else axis


def expect_rank(in_shape: Shape, rank: int, what: str) -> None:
    if len(in_shape) != rank:
        raise ShapeError(
            None,
            f"{what} expects an input of rank {rank} (batch excluded), got shape {list(in_shape)}",
        )
