"""The spec's JSON Schema, assembled from the registered layer types and initialisers.

`schema()` returns the full Draft 2020-12 schema; `crosscheck schema` prints it, so editors can
validate spec files too. Layer items dispatch on `type` with if/then branches rather than
`oneOf`, so a bad field is reported at its own path (`layers[3].filters`) instead of as "matches
none of 15 alternatives".
"""
from __future__ import annotations

from functools import lru_cache

from . import blocks, generators, initializers, losses, optimizers, rl
from .layers import registry

IDENTIFIER = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}
_PROB = {"type": "number", "minimum": 0, "maximum": 1}
_POS_INT = {"type": "integer", "minimum": 1}


def _branch(name: str, props: dict, required=(), extra=None) -> dict:
    then = {"properties": {"type": {"const": name}, **props}, "required": ["type", *required], "additionalProperties": False}
    if extra:
        then.update(extra)
    return {"if": {"properties": {"type": {"const": name}}, "required": ["type"]}, "then": then}


def _tagged(kinds: dict[str, tuple[dict, tuple]]) -> dict:
    """An object whose `type` picks one of `kinds` (name → (properties, required))."""
    return {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": sorted(kinds)}},
        "allOf": [_branch(n, p, r) for n, (p, r) in kinds.items()],
    }


def layer_schema() -> dict:
    common = {
        "name": IDENTIFIER,
        "type": {"type": "string"},
        "inputs": {"type": "array", "items": IDENTIFIER, "minItems": 1},
        "trainable": {"type": "boolean"},
        # the layer's parameters are those of a layer of another zoo spec after training it (SEMANTICS.md)
        "weights_from": {
            "type": "object",
            "properties": {"spec": IDENTIFIER, "layer": IDENTIFIER},
            "required": ["spec"],
            "additionalProperties": False,
        },
        "comment": {"type": "string"},
    }
    branches = []
    for name, layer in sorted(registry().items()):
        props = {**common, **layer.properties}
        if "kernel" in layer.params:
            # Keras' l1(λ₁) and l2(λ₂): λ₁·Σ|kernel| + λ₂·Σ kernel² added to the loss (not torch's
            # optimizer weight_decay).
            props["kernel_regularizer"] = {
                "type": "object",
                "properties": {"l1": {"type": "number", "minimum": 0}, "l2": {"type": "number", "minimum": 0}},
                "minProperties": 1,
                "additionalProperties": False,
            }
        if layer.params:
            props["init"] = {
                "type": "object",
                "properties": {p: {"$ref": "#/$defs/initializer"} for p in layer.params},
                "additionalProperties": False,
            }
        branches.append(_branch(name, props, ("name", *layer.required)))
    return {
        "type": "object",
        "required": ["name", "type"],
        "properties": {"name": IDENTIFIER, "type": {"enum": sorted(registry())}},
        "allOf": branches,
    }


@lru_cache(maxsize=1)
def schema() -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "spec-twin architecture spec",
        "type": "object",
        "required": ["id", "input", "layers"],
        "additionalProperties": False,
        "properties": {
            "$schema": {"type": "string"},
            "id": IDENTIFIER,
            "title": {"type": "string"},
            "description": {"type": "string"},
            "source": {"type": "object"},
            "input": {
                "type": "object",
                "required": ["shape"],
                "additionalProperties": False,
                "properties": {
                    "name": IDENTIFIER,
                    "shape": {"type": "array", "items": _POS_INT, "minItems": 1, "maxItems": 3},
                    "dtype": {"enum": ["float32"]},
                },
            },
            "blocks": {"$ref": "#/$defs/blocks"},
            "layers": {
                "type": "array",
                "minItems": 1,
                # an item with `use` instantiates a block (spec.blocks); any other is a layer
                "items": {"if": {"type": "object", "required": ["use"]}, "then": {"$ref": "#/$defs/block_use"},
                          "else": {"$ref": "#/$defs/layer"}},
            },
            "outputs": {"type": "array", "items": IDENTIFIER, "minItems": 1, "maxItems": 1},
            "loss": _tagged(losses.schema_kinds()),
            "optimizer": _tagged(optimizers.schema_kinds()),
            "training": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "batch_size": _POS_INT,
                    "steps": _POS_INT,
                    "epochs": _POS_INT,
                    "eval_every": _POS_INT,
                    "note": {"type": "string"},
                },
            },
            # Meaning of each field: crosscheck/datasets/preprocessing.py (applied in this order:
            # central_crop, resize, random_flip, scale).
            "data": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "dataset": {"type": "string"},
                    "generate": generators.SCHEMA,  # data the spec makes itself (spec/generators.py)
                    "scale": {"enum": ["unit", "caffe", "torch"]},
                    "resize": {"type": "array", "items": _POS_INT, "minItems": 2, "maxItems": 2},
                    "central_crop": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                    "random_flip": {"enum": ["left_right"]},
                    "split": {"type": "array", "items": _PROB, "minItems": 3, "maxItems": 3},
                    "note": {"type": "string"},
                },
            },
            "rl": rl.SCHEMA,  # the environment and DQN schedule of a Q-network (spec/rl.py)
            "reported": {"type": "object"},
            # Weights the conformance checks start from where they can be had (crosscheck.conformance_inputs)
            "pretrained": {"enum": ["imagenet_resnet50_v1"]},
        },
        "$defs": {"layer": layer_schema(), "initializer": initializers.schema(),
                  "blocks": blocks.schema(IDENTIFIER)[0], "block_use": blocks.schema(IDENTIFIER)[1]},
    }
