"""Initialisers, defined once and sampled in numpy so both twins can start from identical weights.

Every initialiser is a JSON object with a `type`:

| type | maths |
|---|---|
| `zeros`, `ones` | constant 0 / 1 |
| `constant` | `value` |
| `normal` | N(`mean`=0, `stddev`=1), untruncated (TF `random_normal`) |
| `truncated_normal` | N(`mean`=0, `stddev`), redrawn until within 2·stddev of the mean (TF `truncated_normal`); stddev is *not* widened, so the sample variance is 0.7737·stddev² |
| `uniform` | U(`minval`=-0.05, `maxval`=0.05) |
| `glorot_uniform` | = variance_scaling(1, fan_avg, uniform) (Keras/TF default kernel, TF1 `xavier_initializer()`) |
| `glorot_normal` | = variance_scaling(1, fan_avg, truncated_normal) (Keras) |
| `he_normal` | = variance_scaling(2, fan_in, truncated_normal) (Keras) |
| `he_uniform` | = variance_scaling(2, fan_in, uniform) |
| `variance_scaling` | σ² = `scale` / n with n = fan_in, fan_out or (fan_in+fan_out)/2 by `mode`; `distribution`: `untruncated_normal` N(0, σ); `truncated_normal` N(0, σ/0.87962566) cut at 2 of its stddevs; `uniform` U(±√(3σ²)) |

The truncated-normal variance scaling widens its stddev by 1/0.87962566 (Keras' constant: the
stddev of a unit normal truncated at ±2), so the *truncated* samples have variance `scale / n`
exactly. TF 1.x `contrib.layers.variance_scaling_initializer` used √1.3 instead (variance
1.3·0.7737 = 1.006·scale/n); we follow Keras, and a test checks the sample variance.

Fans follow Keras for the canonical layouts: dense kernel (in, out): fan_in = in, fan_out = out;
conv kernel (kh, kw, in, out): fan_in = kh·kw·in, fan_out = kh·kw·out. PyTorch computes the same
numbers for its (out, in, kh, kw) layout.

Sampling: each parameter gets its own generator, seeded from (seed, "layer.param") so adding a
layer never changes the draws of another.
"""
from __future__ import annotations

import math
import zlib

import numpy as np

TRUNCATED_NORMAL_STDDEV_OF_UNIT = 0.87962566103423978  # stddev of N(0,1) truncated to [-2, 2]

_NUM = {"type": "number"}
_POS = {"type": "number", "exclusiveMinimum": 0}

SCHEMAS: dict[str, dict] = {
    "zeros": {},
    "ones": {},
    "constant": {"value": _NUM},
    "normal": {"mean": _NUM, "stddev": _POS},
    "truncated_normal": {"mean": _NUM, "stddev": _POS},
    "uniform": {"minval": _NUM, "maxval": _NUM},
    "glorot_uniform": {},
    "glorot_normal": {},
    "he_normal": {},
    "he_uniform": {},
    "variance_scaling": {
        "scale": _POS,
        "mode": {"enum": ["fan_in", "fan_out", "fan_avg"]},
        "distribution": {"enum": ["untruncated_normal", "truncated_normal", "uniform"]},
    },
}
REQUIRED = {"constant": ["value"]}

DEFAULTS: dict[str, dict] = {
    "constant": {},
    "normal": {"mean": 0.0, "stddev": 1.0},
    "truncated_normal": {"mean": 0.0, "stddev": 1.0},
    "uniform": {"minval": -0.05, "maxval": 0.05},
    "variance_scaling": {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal"},
}

# Named shorthands, expanded to variance_scaling so each backend handles one form.
ALIASES = {
    "glorot_uniform": {"type": "variance_scaling", "scale": 1.0, "mode": "fan_avg", "distribution": "uniform"},
    "glorot_normal": {"type": "variance_scaling", "scale": 1.0, "mode": "fan_avg", "distribution": "truncated_normal"},
    "he_normal": {"type": "variance_scaling", "scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"},
    "he_uniform": {"type": "variance_scaling", "scale": 2.0, "mode": "fan_in", "distribution": "uniform"},
}


def schema() -> dict:
    """JSON Schema of one initialiser object."""
    branches = []
    for name, props in SCHEMAS.items():
        branches.append(
            {
                "if": {"properties": {"type": {"const": name}}},
                "then": {
                    "properties": {"type": {"const": name}, **props},
                    "required": ["type", *REQUIRED.get(name, [])],
                    "additionalProperties": False,
                },
            }
        )
    return {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": sorted(SCHEMAS)}},
        "allOf": branches,
    }


def normalize(init: dict) -> dict:
    """Fill defaults and expand aliases: the one form both backends translate."""
    init = dict(init)
    kind = init["type"]
    if kind in ALIASES:
        return dict(ALIASES[kind])
    return {**DEFAULTS.get(kind, {}), **init}


def fans(shape: tuple[int, ...]) -> tuple[float, float]:
    """Keras' fan computation on canonical layouts (dense (in, out); conv (kh, kw, in, out))."""
    if len(shape) < 1:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    receptive = math.prod(shape[:-2])
    return float(shape[-2] * receptive), float(shape[-1] * receptive)


def variance_scaling_std(init: dict, shape) -> float:
    fan_in, fan_out = fans(tuple(shape))
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[init["mode"]]
    return math.sqrt(init["scale"] / max(1.0, n))


def _truncated(rng: np.random.Generator, mean: float, std: float, shape) -> np.ndarray:
    out = rng.normal(0.0, 1.0, size=shape)
    bad = np.abs(out) > 2.0
    while bad.any():
        out[bad] = rng.normal(0.0, 1.0, size=int(bad.sum()))
        bad = np.abs(out) > 2.0
    return mean + std * out


def generator(seed: int, key: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def sample(init: dict, shape, seed: int, key: str) -> np.ndarray:
    """Draw one parameter of `shape` (canonical layout) as float32."""
    init = normalize(init)
    shape = tuple(shape)
    rng = generator(seed, key)
    kind = init["type"]
    if kind == "zeros":
        out = np.zeros(shape)
    elif kind == "ones":
        out = np.ones(shape)
    elif kind == "constant":
        out = np.full(shape, init["value"])
    elif kind == "normal":
        out = rng.normal(init["mean"], init["stddev"], size=shape)
    elif kind == "truncated_normal":
        out = _truncated(rng, init["mean"], init["stddev"], shape)
    elif kind == "uniform":
        out = rng.uniform(init["minval"], init["maxval"], size=shape)
    elif kind == "variance_scaling":
        std = variance_scaling_std(init, shape)
        dist = init["distribution"]
        if dist == "untruncated_normal":
            out = rng.normal(0.0, std, size=shape)
        elif dist == "truncated_normal":
            out = _truncated(rng, 0.0, std / TRUNCATED_NORMAL_STDDEV_OF_UNIT, shape)
        else:
            limit = math.sqrt(3.0) * std
            out = rng.uniform(-limit, limit, size=shape)
    else:  # the schema rejects unknown types before we get here
        raise ValueError(f"unknown initialiser {kind!r}")
    return out.astype(np.float32)
