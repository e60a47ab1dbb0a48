"""The verdict of one check: what is proven, what is measured, and what float32 can resolve.

A check compares one quantity Q — an output, the loss, a gradient, a moving statistic, a parameter
after lockstep training, an ONNX Runtime output — as computed by two float32 runners A and B (TF and
torch, or an export and a native twin). It is decided from numbers that are all stated in the
check's scale σ:

* **proof** e64 = |A64 − B64|: both translations run again in float64 from the same emitted source.
  Equal functions agree to float64 rounding (1e-16 to 1e-12, ResNet50 included); a translation that
  computes something else does not, on any CPU. Threshold `EQUIVALENCE_TOL`.
* **agreement** d = |A − B|: the float32 disagreement, against the check's tolerance.
* **errors** e_A = |A − A64|, e_B = |B − B64|: each runner's float32 error.
* **sensitivity** s: how far Q moves when the float64 reference is run under a model of float32
  rounding (`crosscheck.sensitivity`): inputs, weights, every layer's output, every cotangent and
  every gradient perturbed by u = 2⁻²⁴ times the magnitude of what it is computed from. It is a
  float64 computation, so it is the same on every CPU, and it does not depend on either
  framework's kernels: it says how precisely float32 *can* give Q.

Verdicts:

* `fail`: e64 > EQUIVALENCE_TOL (the twins compute different functions), or the check could not
  be computed (shape mismatch, missing gradient, NaN).
* `float32-defect`: d > tol and some runner's error e_R > DEFECT_FACTOR·s — R's float32 result is
  further from the exact value than rounding of this computation explains (clean runners measure
  0.3–3·s, at most 9.8·s; a float32 kernel defect, like torch 2.14.1's channels-last conv
  gradient, or an error injected at 1e-3 of scale, is 27 to 10⁶·s). The runner is named.
  Where every run's whole tensor is at hand (parameters after lockstep training), a runner is also
  named when its *typical* element is off: the lower median over elements of e_R,j / s_j (each
  element's error against the largest deviation the rounding-model draws gave that element, at
  least u·|value|) exceeds TYPICAL_DEFECT_FACTOR (`typical_ratio`). The max-based test alone loses
  its power when a few elements are far more sensitive than the rest — Adam turns the rounding of
  a near-zero gradient element into a step of order lr — while a defect in the update moves them all.
* `pass`: d ≤ tol and s ≤ tol/POWER_FACTOR — the twins agree and float32 resolves the tolerance
  with room to spare, so the agreement is not luck of one CPU's kernels.
* `float32-limited`: otherwise — d ≤ tol while s > tol/POWER_FACTOR (agreement at tol is not
  conclusive where float32 itself is that sensitive), or d > tol with every runner within
  DEFECT_FACTOR·s (and its typical element within TYPICAL_DEFECT_FACTOR, where measured). Shown as
  its own verdict, never as a pass.

None of the thresholds compares one CPU's rounding with another's: the proof and the sensitivity
are float64 quantities, and a runner's float32 error is compared with the sensitivity only with a
margin of DEFECT_FACTOR / 3 over the worst clean ratio measured.

**Scale.** σ is the tensor's own magnitude max(max|A|, max|B|). A quantity that is a sum — a
gradient, a moving statistic, a parameter after training — can have no magnitude of its own: a
bias feeding a training-mode batchnorm has an exactly-zero gradient, whose float32 value is
rounding noise of terms of size M = Σ|terms|. Float32 cannot resolve such a sum below u·M, so σ is
at least TERMS_FLOOR·u·M/tol (then `scale_from` = "terms"); for a sum with a magnitude of its
own the floor lies far below it and changes nothing.
"""
from __future__ import annotations

import numpy as np

from .tolerance import DEFECT, FAIL, LIMITED, PASS, Check, own_scale, shape_or_finiteness_problem, statistics

UNIT_ROUNDOFF = 2.0 ** -24  # float32
# The typical element's error over its own sensitivity (`typical_ratio`), clean lockstep runs: ≤ 37
# (TF's biases under Adam, whose float32 β₂ makes every Keras update ~7e-6 off; torch ≤ 0.7);
# an update injected at 1e-3 of scale: ≥ 1.6e4 (cifar10_colab, resnet50_transfer).
TYPICAL_DEFECT_FACTOR = 300.0
# Float64 rounding gives e64 ≤ 1e-12 even through ResNet50; an injected error of 1e-3 of scale, or
# a wrong convention, gives ≥ 1e-4. Three orders of magnitude of margin on each side.
EQUIVALENCE_TOL = 1e-9
# A clean runner's float32 error, against the float64 run that took its decisions, has been measured
# at ≤ 9.8·s over the zoo (catsdogs_small_cnn's conv2 kernel gradient, the same under AVX2 and
# oneDNN off), typically 0.3–3·s.
DEFECT_FACTOR = 20.0
# The float64 twins may differ by FLOAT64_NOISE_FACTOR times the float64 rounding model's deviation
# (one draw at 2⁻⁵³): each twin's float64 kernels round in their own order,
# measured up to 22x one draw (cifar10_tf2's per-step loss on real images); a translation error of
# 1e-3 would hide only behind a float64 sensitivity of 1e-5, a quantity float64 itself cannot give.
FLOAT64_NOISE_FACTOR = 100.0
# Pass needs s ≤ tol/POWER_FACTOR. The model is conservative for long sums: outputs, where s is
# closest to tol, measure 0.3–0.6·s, so d ≈ e_A + e_B ≲ 0.6·tol there.
POWER_FACTOR = 2.0
# A sum is judged at ≥ TERMS_FLOOR·u·M/tol: rounding noise of its terms (≲ 3·u·M) is then ≤ tol/10.
TERMS_FLOOR = 30.0


def distance(x, y) -> float:
    """max |x − y|, in float64 (what every check's evidence is reduced to as soon as it is measured)."""
    return float(np.abs(np.asarray(x, np.float64) - np.asarray(y, np.float64)).max(initial=0.0))


def reduce_proof(a64, b64) -> tuple[float, str]:
    """(|a64 − b64|, "") or (nan, the shape or finiteness problem): all the proof needs of two
    float64 runs, so one of them can be dropped as soon as both are measured."""
    problem = shape_or_finiteness_problem(a64, b64)
    return (float("nan"), problem) if problem else (distance(a64, b64), "")


def check_scale(a, b, tol: float, magnitude: float | None = None) -> tuple[float, str]:
    """(scale, where it came from): the tensors' own max |value|, floored for a sum by its terms'."""
    own = own_scale(a, b)
    if magnitude is None:
        return own, "tensor"
    floor = TERMS_FLOOR * UNIT_ROUNDOFF * magnitude / tol
    return (floor, "terms") if floor > own else (own, "tensor")


def element_sensitivity(draws, origin) -> np.ndarray:
    """Per element, the largest deviation |draw − origin|_j of the rounding-model draws, at least
    u·|origin_j| (its storage rounding); flattened."""
    origin = np.asarray(origin, np.float64)
    s = UNIT_ROUNDOFF * np.abs(origin).ravel()
    for d in draws:
        s = np.maximum(s, np.abs(np.asarray(d, np.float64) - origin).ravel())
    return s


def typical_ratio(value, value64, s) -> float:
    """The lower median over elements of |value − value64|_j / s_j (s: `element_sensitivity`); 0
    where the element is exact. The lower median: with two elements both must be off, with one it
    is that element's ratio."""
    error = np.abs(np.asarray(value, np.float64) - np.asarray(value64, np.float64)).ravel()
    ratio = np.divide(error, s, out=np.where(error > 0, np.inf, 0.0), where=s > 0)
    return float(np.quantile(ratio, 0.5, method="lower")) if ratio.size else 0.0


def judge(name: str, tol: float, a, b, a64=None, b64=None, draws=None, flips: float | None = None, errors=None,
          magnitude: float | None = None, scale: float | None = None, labels: tuple[str, str] = ("tf", "torch"),
          proof: tuple[float, str] | None = None, float64_noise: float | None = None,
          typical: dict[str, float] | None = None) -> Check:
    """The verdict on float32 results `a`, `b` of the runners `labels`, from:
    `a64`, `b64` their float64 runs (None: no float64 reference, judged on agreement alone);
    `draws` how far each rounding-model run moved the quantity, and `flips` how far flipping every
    reachable ReLU / max-pool decision did (absolute, crosscheck.sensitivity); `errors` each
    runner's absolute float32 error against the float64 run that took its own decisions (default:
    against a64, b64); `magnitude` max Σ|terms| of a quantity that is a sum; `scale` to override
    the scale (e.g. 1 for relative per-step losses); `proof` (|a64 − b64|, finiteness problem or "")
    when it was reduced as soon as measured, `a64` then omitted (`errors` must then be given);
    `float64_noise` how far the rounding model at float64's unit roundoff moved the quantity
    (absolute): the proof then allows max(EQUIVALENCE_TOL, FLOAT64_NOISE_FACTOR·that) of scale;
    `typical` each runner's `typical_ratio`, where the whole tensors were at hand."""
    problem = shape_or_finiteness_problem(a, b)
    if problem:
        return Check(name, FAIL, tol=tol, note=problem)
    if scale is None:
        scale, scale_from = check_scale(a, b, tol, magnitude)
    else:
        scale_from = "given"
    stats = statistics(a, b, scale)
    check = Check(name, FAIL, scale=scale, tol=tol, scale_from=scale_from, **stats)
    d = stats["max_scaled"]
    if b64 is None or (a64 is None and proof is None):
        check.verdict = PASS if d <= tol else FAIL
        check.note = "no float64 reference: judged on float32 agreement alone"
        return check
    e64, problem = proof if proof is not None else reduce_proof(a64, b64)
    if problem:
        check.note = "float64 runs: " + problem
        return check
    unit = max(scale, 1e-300)
    check.float64_scaled = e64 / unit
    errors = errors if errors is not None else {labels[0]: distance(a, a64), labels[1]: distance(b, b64)}
    check.errors = {k: v / unit for k, v in errors.items()}
    # Where the model moves Q by less than the storage rounding of Q itself (an exactly-zero value),
    # the sensitivity is at least that rounding.
    s = max(max(draws or [0.0]), UNIT_ROUNDOFF * own_scale(b64)) / unit
    check.sensitivity = s
    check.decision_sensitivity = (flips or 0.0) / unit
    reach = max(s, check.decision_sensitivity)
    numbers = (f"d {d:.1e} (tol {tol:g}); float64 twins {check.float64_scaled:.1e}; float32 errors "
               + ", ".join(f"{k} {v:.1e}" for k, v in check.errors.items())
               + f"; float32 sensitivity {s:.1e}, with decision flips {check.decision_sensitivity:.1e}")
    proof_tol = EQUIVALENCE_TOL
    if float64_noise is not None:
        check.float64_sensitivity = float64_noise / unit
        numbers += f"; float64 sensitivity {check.float64_sensitivity:.1e}"
        proof_tol = max(proof_tol, FLOAT64_NOISE_FACTOR * check.float64_sensitivity)
    if check.float64_scaled > proof_tol:
        check.verdict, check.note = FAIL, f"float64 twins differ ({check.float64_scaled:.1e} > {proof_tol:.2g}): different functions; {numbers}"
    elif d <= tol:
        limited = reach > tol / POWER_FACTOR
        check.verdict = LIMITED if limited else PASS
        why = ("ReLU / max-pool decisions within rounding of their threshold move it by" if check.decision_sensitivity > s
               else "float32 sensitivity")
        check.note = (f"agrees within tol, but {why} {reach:.1e} > tol/{POWER_FACTOR:g}: not conclusive; {numbers}"
                      if limited else numbers)
    else:
        typical = typical or {}
        if typical:
            numbers += "; typical element's error / its sensitivity " + ", ".join(f"{k} {v:.1f}" for k, v in typical.items())
        over = [k for k, e in check.errors.items() if e > DEFECT_FACTOR * s]
        check.defect_in = [k for k in check.errors if k in over or typical.get(k, 0.0) > TYPICAL_DEFECT_FACTOR]
        if check.defect_in:
            check.verdict = DEFECT
            if over:
                worst = max(over, key=check.errors.get)
                # a sensitivity of exactly 0 (no rounding of inputs or weights moves the result) has no ratio
                how_far = (f"float32 error is {check.errors[worst] / s:.0f}x the float32 sensitivity" if s > 0
                           else "float32 error is nonzero where the float32 sensitivity is 0")
            else:
                worst = max(check.defect_in, key=typical.get)
                how_far = f"typical element's float32 error is {typical[worst]:.0f}x that element's sensitivity"
            limit = DEFECT_FACTOR if over else TYPICAL_DEFECT_FACTOR
            check.note = (f"float32 defect in {' and '.join(check.defect_in)}: {worst}'s {how_far} "
                          f"(> {limit:g}x); {numbers}")
        else:
            check.verdict = LIMITED
            check.note = f"each float32 error within {DEFECT_FACTOR:g}x the float32 sensitivity: float32-limited; {numbers}"
    return check
