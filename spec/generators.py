"""Data a spec makes itself (`data.generate`): seeded, framework-neutral numpy, so both twins train
on identical values.

* `x`: `{"linspace": [lo, hi, n]}` (`numpy.linspace`) or `{"arange": [start, stop, step]}`
  (`numpy.arange`), one input value per point;
* `target`: `"sin"` (sin x) or `{"polynomial": [c_d, …, c_1, c_0]}`, highest power first
  (`numpy.polyval`);
* `noise` (optional): `{"uniform": [lo, hi]}` or `{"normal": std}`, one draw per point from
  `numpy.random.default_rng(seed)` (`seed` defaults to 0), added to the target.
Computed in float64, returned as float32 (n, 1) inputs and targets. The training set is every
point, and so is the evaluation set: the posts report the cost over all the points they fit.
"""
from __future__ import annotations

import numpy as np

_NUM = {"type": "number"}
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["x", "target"],
    "properties": {
        "x": {"oneOf": [
            {"type": "object", "additionalProperties": False, "required": ["linspace"],
             "properties": {"linspace": {"type": "array", "prefixItems": [_NUM, _NUM, {"type": "integer", "minimum": 2}],
                                         "minItems": 3, "maxItems": 3}}},
            {"type": "object", "additionalProperties": False, "required": ["arange"],
             "properties": {"arange": {"type": "array", "prefixItems": [_NUM, _NUM, {"type": "number", "exclusiveMinimum": 0}],
                                       "minItems": 3, "maxItems": 3}}},
        ]},
        "target": {"oneOf": [
            {"enum": ["sin"]},
            {"type": "object", "additionalProperties": False, "required": ["polynomial"],
             "properties": {"polynomial": {"type": "array", "items": _NUM, "minItems": 1}}},
        ]},
        "noise": {"oneOf": [
            {"type": "object", "additionalProperties": False, "required": ["uniform"],
             "properties": {"uniform": {"type": "array", "items": _NUM, "minItems": 2, "maxItems": 2}}},
            {"type": "object", "additionalProperties": False, "required": ["normal"],
             "properties": {"normal": {"type": "number", "minimum": 0}}},
        ]},
        "seed": {"type": "integer", "minimum": 0},
    },
}


def points(cfg: dict) -> np.ndarray:
    if "linspace" in cfg["x"]:
        lo, hi, n = cfg["x"]["linspace"]
        return np.linspace(lo, hi, int(n))
    start, stop, step = cfg["x"]["arange"]
    return np.arange(start, stop, step)


def target(cfg: dict, x: np.ndarray) -> np.ndarray:
    if cfg["target"] == "sin":
        return np.sin(x)
    return np.polyval(np.asarray(cfg["target"]["polynomial"], np.float64), x)


def generate(cfg: dict) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, targets), each float32 (n, 1)."""
    x = points(cfg)
    y = target(cfg, x)
    noise = cfg.get("noise")
    if noise:
        rng = np.random.default_rng(cfg.get("seed", 0))
        y = y + (rng.uniform(*noise["uniform"], len(x)) if "uniform" in noise else rng.normal(0.0, noise["normal"], len(x)))
    return x.astype(np.float32)[:, None], y.astype(np.float32)[:, None]
