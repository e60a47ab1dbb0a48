"""One mode's evidence for every check: float32 per twin, float64 per twin, the rounding model.

`gather` measures (crosscheck.measurement) both float32 twins, both float64 twins (the same emitted
source computing in float64) and the float32 rounding model on the float64 torch twin
(crosscheck.sensitivity); `judge_key` hands one check's arrays to `crosscheck.verdict.judge`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spec import Spec

from .measurement import float64_copies, measure
from .sensitivity import Sensitivity, analyse
from .tolerance import TOL_GRAD, TOL_LOSS, TOL_OUTPUT, Check, unavailable
from .twins import FRAMEWORKS
from .verdict import judge, reduce_proof


def tolerance_of(name: str) -> float:
    base = name.removeprefix("train:")
    if base.startswith("grad:"):
        return TOL_GRAD
    return TOL_LOSS if base == "loss" else TOL_OUTPUT


@dataclass
class Evidence:
    """One mode's measurements: float32 per framework; the float64 torch run (None when a twin
    cannot compute in float64, with the reason in `note`) and, per key, the float64 proof
    (`verdict.reduce_proof` of both float64 runs: the TF one is not kept, it is as large as the
    gradients); the rounding model's (crosscheck.sensitivity)."""

    f32: dict
    f64: dict | None
    model: Sensitivity | None = None
    note: str = ""
    proof: dict = field(default_factory=dict)


def gather(spec: Spec, twins32: dict, twins64: dict | None, weights, x, labels, training=False, grads=True,
           layers=False, seed=0, note="") -> Evidence:
    # each float32 run's own ReLU / max-pool decisions come from the outputs feeding those layers
    wanted = layers or {n.inputs[0] for n in spec.nodes if n.layer_type.piecewise} - {spec.input_name}
    f32 = {fw: measure(spec, twins32[fw], weights, x, labels, training, grads, wanted) for fw in FRAMEWORKS}
    if twins64 is None:
        return Evidence(f32, None, note=note)
    decisions = {fw: {k: v for k, v in run.items() if k.startswith("layer:")} for fw, run in f32.items()}
    if not layers:  # the layer outputs only give the decisions; as large as the activations
        f32 = {fw: {k: v for k, v in run.items() if not k.startswith("layer:")} for fw, run in f32.items()}
    try:
        origin = measure(spec, twins64["torch"], weights, x, labels, training, grads, layers)
        tf64 = measure(spec, twins64["tf"], weights, x, labels, training, grads, layers)
    except Exception as e:  # a twin that cannot compute in float64 (e.g. one pinning float32 tensors)
        return Evidence(f32, None, note=no_float64(e))
    proof = {k: reduce_proof(v, origin[k]) for k, v in tf64.items() if k in origin}
    del tf64
    # the harness's own analysis is not excused as "no float64 reference": its errors propagate
    model = analyse(spec, twins64["torch"], weights, x, labels, origin, f32, training, grads, layers, seed=seed,
                    decisions=decisions)
    return Evidence(f32, origin, model, proof=proof)


def judge_key(key: str, ev: Evidence, tol: float | None = None) -> Check:
    tol = tolerance_of(key) if tol is None else tol
    a, b = ev.f32["tf"].get(key), ev.f32["torch"].get(key)
    missing = [fw for fw, v in (("tf", a), ("torch", b)) if v is None]
    if missing:
        return unavailable(key, tol, f"no value from {', '.join(missing)}")
    if ev.f64 is None:
        check = judge(key, tol, a, b)
        check.note = f"{check.note} ({ev.note})" if ev.note else check.note
        return check
    m = ev.model
    errors = {fw: m.errors[fw][key] for fw in FRAMEWORKS if key in m.errors.get(fw, {})}
    return judge(key, tol, a, b, None, ev.f64.get(key), [d[key] for d in m.draws if key in d], m.flips.get(key),
                 errors if len(errors) == 2 else None, m.magnitudes.get(key), proof=ev.proof.get(key),
                 float64_noise=m.float64.get(key))


def float64_twins(tf_twin, torch_twin) -> tuple[dict | None, str]:
    try:
        return dict(zip(FRAMEWORKS, float64_copies(tf_twin, torch_twin))), ""
    except Exception as e:  # a twin that cannot compute in float64 (e.g. one pinning float32 tensors)
        return None, no_float64(e)


def no_float64(error: Exception) -> str:
    return f"no float64 reference: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
