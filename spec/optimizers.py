"""The optimiser update rules of the spec (`optimizer` section), with every default made explicit.

A field the spec leaves out takes the Keras default (the API the seeds used), so both twins get
the same complete set of numbers from `resolve()`. Update maths, per parameter θ with gradient g
of the spec's loss (L2 included) at step t = 1, 2, …:

* `sgd(learning_rate, momentum=0)`: m ← μ·m − lr·g; θ ← θ + m  (μ = 0: θ ← θ − lr·g).
* `adam(learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7)`: m ← m + (1−β₁)(g − m);
  v ← v + (1−β₂)(g² − v); θ ← θ − lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m/(√v + ε̂).
  `epsilon` is ε̂, the "epsilon hat" of Kingma & Ba's §2 footnote, as Keras and TF 1.x
  `AdamOptimizer` use it — not torch's ε, which is added to √v/√(1−β₂ᵗ) (ε_torch = ε̂/√(1−β₂ᵗ)).
* `adagrad(learning_rate, initial_accumulator_value=0.1, epsilon=1e-7)`: a ← a + g²
  (a₀ = initial_accumulator_value); θ ← θ − lr·g/√(a + ε)  (ε inside the root, as Keras 3).
"""
from __future__ import annotations

_RATE = {"type": "number", "exclusiveMinimum": 0}
_BETA = {"type": "number", "minimum": 0, "maximum": 1}
_NONNEG = {"type": "number", "minimum": 0}
REQUIRED = ("learning_rate",)
# type → {field: (JSON Schema, default; None: required)}
FIELDS: dict[str, dict[str, tuple[dict, float | None]]] = {
    "sgd": {"learning_rate": (_RATE, None), "momentum": (_NONNEG, 0.0)},
    "adam": {"learning_rate": (_RATE, None), "beta_1": (_BETA, 0.9), "beta_2": (_BETA, 0.999), "epsilon": (_NONNEG, 1e-7)},
    "adagrad": {"learning_rate": (_RATE, None), "initial_accumulator_value": (_NONNEG, 0.1), "epsilon": (_NONNEG, 1e-7)},
}
DEFAULTS = {kind: {n: d for n, (_, d) in fields.items() if d is not None} for kind, fields in FIELDS.items()}


def schema_kinds() -> dict[str, tuple[dict, tuple]]:
    """type → (properties, required) for `spec.schema._tagged`."""
    return {kind: ({n: sch for n, (sch, _) in fields.items()}, REQUIRED) for kind, fields in FIELDS.items()}


def resolve(optimizer: dict) -> dict:
    """The spec's optimizer with every default filled in (a new dict)."""
    return {**DEFAULTS[optimizer["type"]], **optimizer}


def describe(optimizer: dict) -> str:
    """One line for the emitted docstrings, e.g. "Spec optimiser `adam` (learning_rate=0.001, ...)"."""
    return f"Spec optimiser `{optimizer['type']}` ({', '.join(f'{k}={v!r}' for k, v in numbers(optimizer))})"


def numbers(optimizer: dict) -> list[tuple[str, float]]:
    """(field, value) of the resolved optimizer, in `FIELDS` order (learning_rate first)."""
    o = resolve(optimizer)
    return [(k, o[k]) for k in FIELDS[o["type"]]]
