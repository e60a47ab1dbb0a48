"""Data a spec makes itself (`data.generate`): seeded, framework-neutral numpy, so both twins train
on identical values.

* `x`: `{"linspace": [lo, hi, n]}` (`numpy.linspace`) or `{"arange": [start, stop, step]}`
  (`numpy.arange`), one input value per point;
* `target`: `"sin"` (sin x) or `{"polynomial": [c_d, …, c_1, c_0]}`, highest power first
  (`numpy.polyval`);
* `noise` (optional): `{"uniform": [lo, hi]}` or `{"normal": std}`, one draw per point from
  `numpy.random.default_rng(seed)` (`seed` defaults to 0), added to the target.
Computed in float64, returned as float32 (n, 1) inputs and targets.

Two more kinds, each a data set of its own:
* `{"image": {"skimage": NAME, "size": [H, W]}}`: scikit-image's photograph NAME (`astronaut`),
  resized with PIL's bilinear filter (what the post's `scipy.misc.imresize` did); one example per
  pixel, input its (row, col) standardised by the mean and standard deviation of all the
  coordinates together (the post's `(xs − mean(xs)) / std(xs)`), target its RGB values in 0..255.
  Examples in row-major order: (H·W, 2) inputs, (H·W, 3) targets.
* `{"matrix_inverse": {"low": L, "high": H, "n": N, "seed": S}}`: A =
  `default_rng(S).integers(L, H, (N, N))` (the post's `np.random.randint(0, 10, (10, 10))`,
  seeded); the inputs are A's columns (Aᵀ, N examples of N values), the targets I's columns. A
  dense layer without bias then computes column j of Kᵀ·A, so its kernel K is Xᵀ for the post's X
  with X·A = I.
* `{"one_hot": {"n": N}}`: the N one-hot vectors, each its own target (inputs and targets both
  the identity, N examples of N values): a dense layer without bias fed class k's vector outputs
  row k of its kernel, so the kernel holds one learned input per class (post 003's "optimal input
  images").
The training set is every example, and so is the evaluation set: the posts report the cost over
all the points they fit.
"""
from __future__ import annotations

import numpy as np

_NUM = {"type": "number"}
_INTEGER = {"type": "integer"}
# One object, four kinds (exactly one of `x` + `target`, `image`, `matrix_inverse`, `one_hot`): properties
# rather than a top-level oneOf, so a bad value is reported at its own field.
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
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
        "image": {"type": "object", "additionalProperties": False, "required": ["skimage", "size"],
                  "properties": {"skimage": {"enum": ["astronaut", "chelsea", "coffee"]},
                                 "size": {"type": "array", "items": {"type": "integer", "minimum": 1},
                                          "minItems": 2, "maxItems": 2}}},
        "matrix_inverse": {"type": "object", "additionalProperties": False, "required": ["low", "high", "n"],
                           "properties": {"low": _INTEGER, "high": _INTEGER, "n": {"type": "integer", "minimum": 1},
                                          "seed": {"type": "integer", "minimum": 0}}},
        "one_hot": {"type": "object", "additionalProperties": False, "required": ["n"],
                    "properties": {"n": {"type": "integer", "minimum": 2}}},
    },
    "oneOf": [{"required": ["x", "target"]}, {"required": ["image"]}, {"required": ["matrix_inverse"]},
              {"required": ["one_hot"]}],
}


def image(cfg: dict) -> tuple[np.ndarray, np.ndarray]:
    from PIL import Image
    from skimage import data

    h, w = cfg["size"]
    pixels = np.asarray(Image.fromarray(getattr(data, cfg["skimage"])()).resize((w, h), Image.BILINEAR), np.float64)
    rows, cols = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    xs = np.stack([rows.ravel(), cols.ravel()], axis=1).astype(np.float64)
    xs = (xs - xs.mean()) / xs.std()
    return xs.astype(np.float32), pixels.reshape(h * w, 3).astype(np.float32)


def matrix(cfg: dict) -> np.ndarray:
    """The post's A: a seeded random integer matrix."""
    return np.random.default_rng(cfg.get("seed", 0)).integers(cfg["low"], cfg["high"], (cfg["n"], cfg["n"]))


def count(cfg: dict) -> int:
    """How many examples `generate(cfg)` makes, without making them."""
    if "image" in cfg:
        return int(np.prod(cfg["image"]["size"]))
    if "matrix_inverse" in cfg:
        return cfg["matrix_inverse"]["n"]
    if "one_hot" in cfg:
        return cfg["one_hot"]["n"]
    return len(points(cfg))


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
    """(inputs, targets), float32."""
    if "image" in cfg:
        return image(cfg["image"])
    if "matrix_inverse" in cfg:
        a = matrix(cfg["matrix_inverse"]).astype(np.float32)
        return np.ascontiguousarray(a.T), np.eye(len(a), dtype=np.float32)
    if "one_hot" in cfg:
        eye = np.eye(cfg["one_hot"]["n"], dtype=np.float32)
        return eye, eye.copy()
    x = points(cfg)
    y = target(cfg, x)
    noise = cfg.get("noise")
    if noise:
        rng = np.random.default_rng(cfg.get("seed", 0))
        y = y + (rng.uniform(*noise["uniform"], len(x)) if "uniform" in noise else rng.normal(0.0, noise["normal"], len(x)))
    return x.astype(np.float32)[:, None], y.astype(np.float32)[:, None]
