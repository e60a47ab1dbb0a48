"""Conformance case tables, one module per spec layer type (or family), collected by walking
this package. Each module defines `CASES` (valid configurations, run through both twins) and
`INVALID` (configurations that must be rejected with an error naming the field).

A `Case` with `x` and `expected` also carries a tiny input and output written by hand, for
convention traps where "both twins agree" is not enough: both must agree with the written maths.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

import numpy as np

from spec.reference import one_layer_spec


@dataclass
class Case:
    name: str
    layer: dict
    input_shape: tuple
    expected_shape: tuple
    weights: dict | None = None  # param → canonical array, hand-written (default: sampled)
    x: np.ndarray | None = None  # (1, *input_shape), hand-written
    expected: np.ndarray | None = None  # (1, *expected_shape), hand-written
    tol: float | None = None  # only where a case needs its own; default is the project's


@dataclass
class Invalid:
    name: str
    layer: dict
    input_shape: tuple
    field: str  # the JSON path the error must name, e.g. "layers[0].filters"
    message: str = ""  # a fragment the message must contain


def raw_spec(case: Case | Invalid) -> dict:
    """The one-layer spec of a case (`spec.reference.one_layer_spec`)."""
    return one_layer_spec(case.layer["type"], {k: v for k, v in case.layer.items() if k != "type"}, case.input_shape)


def _modules():
    return [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)]


def all_cases() -> list[Case]:
    cases = [c for m in _modules() for c in getattr(m, "CASES", [])]
    names = [c.name for c in cases]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ValueError(f"duplicate case names: {sorted(dupes)}")
    return cases


def all_invalid() -> list[Invalid]:
    return [c for m in _modules() for c in getattr(m, "INVALID", [])]


def covered_types() -> set[str]:
    return {c.layer["type"] for c in all_cases()}
