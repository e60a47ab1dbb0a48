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

DEFAULTS = {
    "sgd": {"momentum": 0.0},
    "adam": {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "adagrad": {"initial_accumulator_value": 0.1, "epsilon": 1e-7},
}


def resolve(optimizer: dict) -> dict:
    """The spec's optimizer with every default filled in (a new dict)."""
    return {**DEFAULTS[optimizer["type"]], **optimizer}
