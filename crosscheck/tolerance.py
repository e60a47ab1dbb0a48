"""The project's tolerances, the `Check` every comparison produces, and its error statistics.

For a tensor pair (a, b) and a scale σ (by default the tensor's own magnitude, max(max|a|, max|b|)):
an element *fails* only when |a − b| exceeds both tol·σ and tol·|b|; since |b| ≤ σ this is
max|a − b| ≤ tol·σ, reported as `max_scaled`. Each check also reports max/mean/median absolute
error and max relative error (as Polygraphy does), so a pass with little margin is visible.

Tolerances (float32): outputs and loss 1e-5, gradients 1e-4; lockstep training 1e-4. A check
that misses its tolerance is a bug to find, not a tolerance to raise: `crosscheck.verdict` says
whether the miss is a translation that computes something else, one framework's float32 defect,
or the computation's own float32 sensitivity — never a plain pass.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

TOL_OUTPUT = 1e-5
TOL_LOSS = 1e-5
TOL_GRAD = 1e-4
# Lockstep training (`crosscheck compare --train-steps N`): every step's loss and every parameter
# after N steps. Rounding differences are not damped by training (a ReLU or max-pool decision
# flipped by a 1e-7 difference changes every later step); the verdict's float32 sensitivity is
# measured on the training run itself for that reason (crosscheck.lockstep).
TOL_TRAIN_LOSS = 1e-4
TOL_TRAIN_PARAM = 1e-4
_TINY = 1e-300

# Verdicts, worst last. A limited check neither passed nor failed (crosscheck.verdict).
PASS, LIMITED, DEFECT, FAIL = "pass", "float32-limited", "float32-defect", "fail"
VERDICT_ORDER = (PASS, LIMITED, DEFECT, FAIL)


@dataclass
class Check:
    name: str
    verdict: str
    max_abs: float = np.inf
    max_rel: float = np.inf
    mean_abs: float = np.inf
    median_abs: float = np.inf
    max_scaled: float = np.inf  # max |a − b| / scale: the float32 disagreement
    scale: float = 0.0
    tol: float = 0.0
    scale_from: str = "tensor"  # "tensor", or "terms" when the scale is the floor set by Σ|terms|
    float64_scaled: float | None = None  # |a64 − b64| / scale: the equivalence proof
    errors: dict[str, float] = field(default_factory=dict)  # each runner's float32 error vs its float64 run, in scale
    sensitivity: float | None = None  # the computation's float32 sensitivity, in scale (crosscheck.sensitivity)
    decision_sensitivity: float | None = None  # how far flipping reachable ReLU / max-pool decisions moves it
    float64_sensitivity: float | None = None  # how far float64 rounding alone moves it, in scale (lockstep training)
    defect_in: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def passed(self) -> bool:
        return self.verdict == PASS

    @property
    def failed(self) -> bool:
        return self.verdict in (DEFECT, FAIL)

    def as_dict(self) -> dict:
        """JSON-safe: non-finite statistics (shape mismatch, NaN) become null."""
        def clean(v):
            if isinstance(v, float) and not np.isfinite(v):
                return None
            if isinstance(v, dict):
                return {k: clean(x) for k, x in v.items()}
            return v

        return {**{k: clean(v) for k, v in asdict(self).items()}, "passed": self.passed, "failed": self.failed}


def worst_verdict(verdicts) -> str:
    return max(verdicts, key=VERDICT_ORDER.index, default=PASS)


def unavailable(name: str, tol: float, note: str) -> Check:
    """A check that could not be computed (missing gradient, exporter crash, shape mismatch): a failure."""
    return Check(name, FAIL, tol=tol, note=note)


def statistics(a, b, scale: float) -> dict:
    """Error statistics of a against b (same shape, finite), `max_scaled` in the given scale."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    diff = np.abs(a - b)
    return {
        "max_abs": float(diff.max(initial=0.0)),
        "max_rel": float((diff / np.maximum(np.abs(b), 1e-30)).max(initial=0.0)),
        "mean_abs": float(diff.mean()) if diff.size else 0.0,
        "median_abs": float(np.median(diff)) if diff.size else 0.0,
        "max_scaled": float(diff.max(initial=0.0) / max(scale, _TINY)),
    }


def own_scale(*arrays) -> float:
    return float(max((np.abs(np.asarray(x, np.float64)).max(initial=0.0) for x in arrays), default=0.0))


def shape_or_finiteness_problem(a, b) -> str | None:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return f"shape {a.shape} vs {b.shape}"
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return "non-finite values"
    return None


def compare_arrays(name: str, a, b, tol: float) -> Check:
    """Plain agreement of a with b at `tol` of their own scale (a hand-written expectation, a
    reference library's output): pass or fail, no float64 evidence (see crosscheck.verdict)."""
    problem = shape_or_finiteness_problem(a, b)
    if problem:
        same = problem == "non-finite values" and np.array_equal(np.asarray(a, np.float64), np.asarray(b, np.float64), equal_nan=True)
        return Check(name, PASS if same else FAIL, tol=tol, note=problem)
    scale = own_scale(a, b)
    stats = statistics(a, b, scale)
    return Check(name, PASS if stats["max_scaled"] <= tol else FAIL, scale=scale, tol=tol, **stats)
