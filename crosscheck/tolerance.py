"""The project's one tolerance policy, and the error statistics every check reports.

For a tensor pair (a = TF, b = torch, float32) and a tolerance `tol`:
* scale = max(max|a|, max|b|) — the tensor's own magnitude;
* an element *fails* only when its difference exceeds **both** its absolute tolerance
  `tol · scale` and its relative tolerance `tol · |b|` (so tiny elements of a large tensor are
  judged against the tensor's scale, not against their own near-zero size);
* the check passes when no element fails.
Because |b| ≤ scale, this reduces to |a - b| ≤ tol · scale, reported as `max_scaled`.
Each check also reports max/mean/median absolute error and max relative error (as Polygraphy
does), so a pass with little margin is visible.

`scale_floor` raises the scale for a tensor that has no magnitude of its own: in training mode a
bias feeding a batchnorm has an exactly-zero gradient (the batch mean removes any shift), so what
both frameworks compute is rounding noise of a sum of the layer's upstream gradients; such a
gradient is judged at the scale of its layer's largest gradient (`crosscheck.compare`).

Default tolerances (float32, CPU): outputs and loss 1e-5, gradients 1e-4. A failing check is a
bug to find, not a tolerance to raise.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

TOL_OUTPUT = 1e-5
TOL_LOSS = 1e-5
TOL_GRAD = 1e-4
_TINY = 1e-30


@dataclass
class Check:
    name: str
    max_abs: float
    max_rel: float
    mean_abs: float
    median_abs: float
    max_scaled: float
    scale: float
    tol: float
    passed: bool
    note: str = ""

    def as_dict(self) -> dict:
        """JSON-safe: non-finite statistics (shape mismatch, NaN) become null."""
        return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in asdict(self).items()}


def compare_arrays(name: str, a, b, tol: float, scale_floor: float = 0.0) -> Check:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return Check(name, np.inf, np.inf, np.inf, np.inf, np.inf, 0.0, tol, False, f"shape {a.shape} vs {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        same = bool(np.array_equal(a, b, equal_nan=True))
        return Check(name, 0.0 if same else np.inf, 0.0 if same else np.inf, 0.0, 0.0, 0.0 if same else np.inf,
                     np.inf, tol, same, "non-finite values")
    diff = np.abs(a - b)
    scale = float(max(np.abs(a).max(initial=0.0), np.abs(b).max(initial=0.0), scale_floor))
    fails = (diff > tol * scale) & (diff > tol * np.abs(b))
    return Check(
        name=name,
        max_abs=float(diff.max(initial=0.0)),
        max_rel=float((diff / np.maximum(np.abs(b), _TINY)).max(initial=0.0)),
        mean_abs=float(diff.mean()) if diff.size else 0.0,
        median_abs=float(np.median(diff)) if diff.size else 0.0,
        max_scaled=float(diff.max(initial=0.0) / max(scale, _TINY)),
        scale=scale,
        tol=tol,
        passed=not bool(fails.any()),
    )


# Training conformance (`crosscheck compare --train-steps N`, `training.train_conformance`):
# both twins take N steps in lockstep from identical weights, batches and dropout masks.
# Per-step loss: |loss_tf − loss_torch| / |loss_torch| ≤ TOL_TRAIN_LOSS at every step.
# Parameters after the N steps: `compare_arrays` with TOL_TRAIN_PARAM, each parameter judged at
# the scale of its layer's largest parameter (`scale_floor`). Why: a bias that starts at zero is,
# after N steps, only lr·Σ of its gradients, and a conv bias gradient is a sum over N·H·W
# positions with heavy cancellation — measured on ltfn6_convnet_he's second batch: Σ|terms|/|Σ|
# up to 8.6e3, and TF's float32 conv1.bias gradient 1.7e-4 (torch's 4.9e-6) of its scale away
# from the float64 value. Judged against its own tiny magnitude such a bias "fails" at 1e-2 after
# 20 steps while the losses agree to 2e-7; judged at the scale of its layer's kernel, a bias
# difference is weighed by the effect it has on the layer's output.
TOL_TRAIN_LOSS = 1e-4
TOL_TRAIN_PARAM = 1e-4


def train_tolerances(spec_id: str, optimizer: dict) -> tuple[float, float]:
    """(per-step relative loss tolerance, parameter tolerance) for a training comparison."""
    return TOL_TRAIN_LOSS, TOL_TRAIN_PARAM
