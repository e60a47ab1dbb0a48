"""What every `crosscheck import` shares, whatever the model's format: spec layer names, the
imported spec and weights validated, the on-the-spot check that the spec's twins compute what the
user's model computes, and writing spec and weights so that a refusal leaves nothing behind.

A converter (`crosscheck.keras_import`, `crosscheck.onnx_import`) turns a model into a raw spec,
neutral weights and a function running the original model on logical (channels-last) inputs;
`crosscheck import` then calls `validated`, `agreement` and `write` here.
"""
from __future__ import annotations

import json
import keyword
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from spec import Spec, SpecError, WeightsError, build_spec, save_weights
from spec.atomic import write_text_atomic
from spec.model import RESERVED_NAMES
from spec.weights import check_weights

from .errors import UserError

CHECK_BATCH = 4


def identifier(name: str) -> str:
    """`name` as a Python identifier: every other character becomes "_"."""
    n = re.sub(r"\W", "_", name)
    return n if re.match(r"[A-Za-z_]", n) else f"l_{n}"


class Names:
    """Spec layer names from a model's own names: Python identifiers, unique, none that a generated
    module or a torch `nn.Module` attribute already uses (a clash gets "_" appended)."""

    def __init__(self):
        self.taken: set[str] = set()

    def fresh(self, name: str) -> str:
        import torch.nn

        n = identifier(name)
        while n in self.taken or hasattr(torch.nn.Module, n) or keyword.iskeyword(n) or n in RESERVED_NAMES:
            n += "_"
        self.taken.add(n)
        return n


def validated(raw: dict, weights: dict[str, np.ndarray], model_path: Path, spec_path: Path) -> Spec:
    """The imported raw spec loaded, with its weights checked against it; UserError naming the model."""
    try:
        spec = build_spec(raw, str(spec_path))
        check_weights(spec, weights, str(model_path))
    except SpecError as e:
        raise UserError(f"{model_path}: the imported spec does not validate: {'; '.join(e.lines())}") from None
    except WeightsError as e:
        raise UserError(f"{model_path}: the imported weights do not fit the spec: {e}") from None
    return spec


def agreement(spec: Spec, weights: dict, original: Callable[[np.ndarray], np.ndarray], frameworks, model_path: Path,
              tolerance: float, seed: int = 0) -> dict[str, float]:
    """framework → max |Δ| / scale between the user's model (`original`, logical inputs and output)
    and the spec's twin of that framework at `weights`, on CHECK_BATCH uniform [0, 1) inputs.
    UserError, with the numbers, when one is beyond `tolerance`: an import is never silently wrong."""
    from .twins import make_twin

    x = np.random.default_rng(seed).random((CHECK_BATCH, *spec.input_shape), dtype=np.float32)
    theirs = np.asarray(original(x))
    scale = max(float(np.abs(theirs).max()), 1e-30)
    found = {}
    for fw in frameworks:
        ours = make_twin(spec, fw, "cpu", weights).forward(x)
        if ours.shape != theirs.shape:
            raise UserError(f"{model_path}: the imported spec's output is {list(ours.shape[1:])}, "
                            f"the model's {list(theirs.shape[1:])}; nothing written")
        found[fw] = float(np.abs(theirs - ours).max()) / scale
    if not all(d <= tolerance for d in found.values()):
        numbers = ", ".join(f"{fw} twin {d:.1e}" for fw, d in found.items())
        raise UserError(f"{model_path}: the imported spec computes something else: max |Δ| / scale {numbers} "
                        f"(tolerance {tolerance:g}) on {CHECK_BATCH} random inputs; nothing written")
    return found


def write(raw: dict, spec: Spec, weights: dict, spec_path: Path, weights_path: Path) -> None:
    """Weights first, then the spec, each atomically: a spec is never left without its weights."""
    save_weights(weights_path, spec, weights)
    write_text_atomic(spec_path, json.dumps(raw, indent=2) + "\n")
