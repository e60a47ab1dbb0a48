"""Forward and gradient conformance of a spec's two twins, from identical neutral weights.

`compare_spec` builds both twins from their emitted source, loads the same weights (sampled once
in numpy from the spec's initialisers; batchnorm moving statistics calibrated on a second batch,
see `calibrated_batchnorm`), feeds the same batch and compares:
`logits` (the model's output), `loss`, and `grad:<layer>.<param>` for every trainable parameter.
When any check fails it reruns layer by layer and names the first spec layer whose output
diverges (or, if every forward output agrees, the layer nearest the output whose gradient does).

Specs whose output depends on the mode (a trainable batchnorm) are also compared in training
mode, from the same weights: `train:logits`, `train:loss`, `train:grad:<layer>.<param>` and the
moving statistics after one training-mode forward, `train:<layer>.moving_mean` /
`train:<layer>.moving_variance`. Dropout masks come from each framework's own RNG, so these checks
run on the spec's dropout-free training path: the same spec with every dropout rate set to 0.
"""
from __future__ import annotations

import copy
import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np

from spec import Spec, build_spec, init_weights

from .tolerance import TOL_GRAD, TOL_LOSS, TOL_OUTPUT, Check, compare_arrays


@dataclass
class SpecResult:
    spec: str
    passed: bool
    checks: list[Check] = field(default_factory=list)
    first_divergent_layer: str | None = None
    error: str | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "spec": self.spec,
            "passed": self.passed,
            "checks": [c.as_dict() for c in self.checks],
            "first_divergent_layer": self.first_divergent_layer,
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }


def make_batch(spec: Spec, batch: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs uniform in [0, 1) (the seeds' pixel scale) and labels that fit the spec's loss."""
    rng = np.random.default_rng([seed, 1])
    x = rng.random((batch, *spec.input_shape), dtype=np.float32)
    out_shape = spec.output_shape
    loss = (spec.loss or {}).get("type", "mse")
    if loss in ("softmax_cross_entropy", "clipped_cross_entropy"):
        classes = rng.integers(0, out_shape[-1], size=batch)
        if (spec.loss or {}).get("labels") == "sparse":
            return x, classes.astype(np.int64)
        return x, np.eye(out_shape[-1], dtype=np.float32)[classes]
    if loss == "binary_cross_entropy":
        return x, rng.integers(0, 2, size=(batch, *out_shape)).astype(np.float32)
    return x, rng.normal(size=(batch, *out_shape)).astype(np.float32)


def compare_twins(spec: Spec, tf_twin, torch_twin, seed: int = 0, batch: int = 8, weights=None) -> SpecResult:
    start = time.perf_counter()
    x, labels = make_batch(spec, batch, seed)
    train_twins = None
    if weights is None:
        weights = init_weights(spec, seed)
        if any(n.type == "batchnorm" for n in spec.nodes):
            train_twins = _dropout_free(spec, tf_twin, torch_twin)
            weights = calibrated_batchnorm(train_twins[1], weights, make_batch(spec, batch, seed + 1)[0])
    measured = {"tf": measure(spec, tf_twin, weights, x, labels), "torch": measure(spec, torch_twin, weights, x, labels)}
    checks = inference_checks(spec, measured["tf"], measured["torch"])
    checks = rounding_floor_recheck(spec, tf_twin, torch_twin, checks, measured, weights, x, labels)
    first = None
    if not all(c.passed for c in checks):
        first = first_divergent_layer(spec, tf_twin, torch_twin, x, checks)
    elif has_training_mode(spec):
        train_spec, train_tf, train_pt = train_twins or _dropout_free(spec, tf_twin, torch_twin)
        measured = {"tf": measure(train_spec, train_tf, weights, x, labels, training=True),
                    "torch": measure(train_spec, train_pt, weights, x, labels, training=True)}
        train_checks = training_checks(train_spec, measured["tf"], measured["torch"])
        train_checks = rounding_floor_recheck(train_spec, train_tf, train_pt, train_checks, measured, weights, x, labels, training=True)
        checks += train_checks
        if not all(c.passed for c in train_checks):
            first = first_divergent_layer(train_spec, train_tf, train_pt, x, train_checks, training=True, weights=weights)
    passed = all(c.passed for c in checks)
    return SpecResult(spec.id, passed, checks, first, seconds=time.perf_counter() - start)


FLOOR_FACTOR = 3.0
# How closely the float64 runs of the two twins must agree for the floor to excuse a float32 check.
# Float64 rounding alone gives ~1e-12 even through ResNet50; the slack is for constants Keras rounds
# to float32 whatever the policy (an L2 factor 0.001 is 1.0000000475e-3: 4.7e-8 relative).
FLOAT64_TOL = 1e-7
# A coarse guard against a float32 kernel defect hiding behind the floor. Rounding moves both twins'
# float32 results, but not equally: measured 3.3x apart over ResNet50's kernel gradients, and up to
# 5e3x where TF sums a batchnorm-beta gradient in float32 far less accurately than torch
# (catsdogs_head_fc, training mode: 2.1e-3 vs 4.3e-7 of scale). torch's oneDNN channels-last 1x1
# stride-2 weight gradient, a real defect, put torch 9e4x-1e7x further from float64 than TF.
FLOOR_SPREAD = 2e4


def measure(spec: Spec, twin, weights, x, labels, training: bool = False, grads: bool = True) -> dict[str, np.ndarray]:
    """What the checks compare, from one twin, keyed by check name (without loss and gradients
    when `grads` is false); the twin is left holding `weights`."""
    p = "train:" if training else ""
    twin.set_weights(weights)
    out = {f"{p}logits": twin.forward(x, training=training)}
    if training:
        after = twin.get_weights()
        out.update({f"train:{n.name}.{q}": after[f"{n.name}.{q}"] for n in spec.nodes for q in n.layer_type.non_trainable_params})
        twin.set_weights(weights)
    if spec.loss and grads:
        loss, gradients = twin.loss_and_grads(x, labels, training=training)
        out[f"{p}loss"] = loss
        out.update({f"{p}grad:{k}": g for k, g in gradients.items()})
    twin.set_weights(weights)
    return out


def inference_checks(spec: Spec, a: dict, b: dict) -> list[Check]:
    """Logits, loss and every trainable parameter's gradient, from the two twins' `measure`."""
    checks = [compare_arrays("logits", a["logits"], b["logits"], TOL_OUTPUT)]
    if not spec.loss:
        return checks
    checks.append(compare_arrays("loss", a["loss"], b["loss"], TOL_LOSS))
    for node in spec.nodes:
        for param in node.trainable_params():
            key = f"grad:{node.name}.{param}"
            missing = [f for f, m in (("tf", a), ("torch", b)) if key not in m]
            if missing:
                checks.append(Check(key, np.inf, np.inf, np.inf, np.inf, np.inf, 0.0, TOL_GRAD, False,
                                    f"no gradient from {', '.join(missing)}"))
            else:
                checks.append(compare_arrays(key, a[key], b[key], TOL_GRAD))
    return checks


def rounding_floor_recheck(spec: Spec, tf_twin, torch_twin, checks: list[Check], measured: dict, weights, x, labels,
                           training=False) -> list[Check]:
    """Failing checks judged again against the float32 rounding floor of the computation itself.

    `measured` holds what the checks compared, per framework (`measure`'s output of each float32
    twin). Each twin is also run in float64 (the same emitted model, same weights and inputs). The floor
    is the larger of the two twins' distances from their own float64 run, in the check's scale. A
    check passes when (a) the TF-vs-torch error is within FLOOR_FACTOR x that floor, (b) the two
    float64 runs agree within FLOAT64_TOL and (c) the two floors are within FLOOR_SPREAD of each
    other: the twins then compute the same function and differ only as float32 rounding makes
    either differ from it, not through one framework's float32 kernel being wrong. Deep nets need this (ResNet50's
    gradients are sums of many terms of both signs, and a ReLU or max-pool decision flipped by a
    1e-6 rounding difference moves a whole term), and it stays strict: a twin that computes
    something else fails (b), and is far from the other twin but not from its own float64 run.
    """
    failing = floor_candidates(checks)
    if not failing:
        return checks
    grads = any("grad:" in n or n.endswith("loss") for n in failing)
    try:
        tf64, pt64 = float64_copies(tf_twin, torch_twin)
        ref = {"tf": measure(spec, tf64, weights, x, labels, training, grads),
               "torch": measure(spec, pt64, weights, x, labels, training, grads)}
    except Exception as e:  # a twin that cannot run in float64 (e.g. it pins float32 tensors): no floor, checks stand
        return no_float64_reference(checks, failing, e)
    out = []
    for c in checks:
        if c.name in failing and c.name in ref["tf"] and c.name in ref["torch"]:
            floors = {f: distance_in_scale(c, measured[f][c.name], ref[f][c.name]) for f in ("tf", "torch")}
            c = judge_at_floor(c, floors, distance_in_scale(c, ref["tf"][c.name], ref["torch"][c.name]))
        out.append(c)
    return out


def floor_candidates(checks: list[Check]) -> set[str]:
    """Names of the checks the rounding floor may judge again: failed, with a finite error (a
    shape mismatch, a missing gradient or a NaN is never rounding)."""
    return {c.name for c in checks if not c.passed and np.isfinite(c.max_scaled)}


def float64_copies(tf_twin, torch_twin):
    """(tf, torch) copies of the twins under test, same emitted models and weights, computing in
    float64; the float32 twins are left as they were."""
    pt64 = copy.copy(torch_twin)
    pt64.model = copy.deepcopy(torch_twin.model)
    tf64 = copy.copy(tf_twin)  # to_float64 builds a new Keras model; the float32 one is untouched
    pt64.to_float64()
    tf64.to_float64()
    return tf64, pt64


def no_float64_reference(checks: list[Check], failing: set[str], error: Exception) -> list[Check]:
    reason = f"no float64 reference ({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}); the failure stands"
    return [dataclasses.replace(c, note=reason) if c.name in failing else c for c in checks]


def judge_at_floor(c: Check, floors: dict[str, float], agree64: float) -> Check:
    """A failing check judged again at the rounding floor: `floors` is each twin's float32 distance
    from its own float64 run and `agree64` the float64 twins' distance, all in `c`'s scale."""
    floor = max(floors.values())
    worse = max(floors, key=floors.get)
    spread = floor / max(min(floors.values()), 1e-300)
    ok = c.max_scaled <= FLOOR_FACTOR * floor and agree64 <= FLOAT64_TOL and spread <= FLOOR_SPREAD
    verdict = (f"within {FLOOR_FACTOR:g}x, passes" if ok else
               "float64 twins differ, fails" if agree64 > FLOAT64_TOL else
               f"{worse} float32 is {spread:.0e}x further from its float64 than the other twin "
               f"(> {FLOOR_SPREAD:.0e}x: a float32 defect in {worse}, not rounding), fails" if spread > FLOOR_SPREAD else
               f"more than {FLOOR_FACTOR:g}x, fails")
    return dataclasses.replace(c, passed=ok, note=(
        f"max_scaled {c.max_scaled:.2e} > tol {c.tol:g}; float32 rounding floor {floor:.2e} "
        f"(each twin float32 vs its own float64: tf {floors['tf']:.2e}, torch {floors['torch']:.2e}); "
        f"float64 twins agree to {agree64:.1e}: {verdict}"))


def distance_in_scale(check: Check, a, b) -> float:
    """|a - b| in `check`'s own scale."""
    return compare_arrays(check.name, a, b, check.tol, check.scale).max_scaled


def calibrated_batchnorm(tf_twin, weights: dict, x: np.ndarray) -> dict:
    """`weights` with every batchnorm's moving statistics set to the statistics of its input over
    `x` (computed by the TF twin, then shared): the spec's initial 0/1 would let activations grow
    with depth until a ResNet50's output saturates and every check compares zeros."""
    tf_twin.set_weights(weights)
    out = dict(weights)
    for name, (mean, var) in tf_twin.batchnorm_input_statistics(x).items():
        out[f"{name}.moving_mean"], out[f"{name}.moving_variance"] = mean, var
    return out


def has_training_mode(spec: Spec) -> bool:
    """True when a training-mode forward differs from inference beyond dropout: a trainable batchnorm."""
    return any(n.layer_type.non_trainable_params and n.trainable for n in spec.nodes)


def _dropout_free(spec: Spec, tf_twin, torch_twin):
    """The spec with every dropout rate 0, and twins of it (the given ones when it has no dropout)."""
    if not any(n.type == "dropout" and n.cfg["rate"] > 0 for n in spec.nodes):
        return spec, tf_twin, torch_twin
    raw = copy.deepcopy(spec.flat_raw)
    for layer in raw["layers"]:
        if layer["type"] == "dropout":
            layer["rate"] = 0
    train_spec = build_spec(raw, spec.source)
    device = "cuda" if torch_twin.device.type == "cuda" else "cpu"
    return train_spec, type(tf_twin)(train_spec, device), type(torch_twin)(train_spec, device)


def training_checks(spec: Spec, a: dict, b: dict) -> list[Check]:
    """Training-mode output, moving statistics after one forward, loss and gradients, from the two
    twins' `measure(..., training=True)`."""
    checks = []
    for name, value in b.items():
        if not name.startswith("train:grad:"):
            checks.append(compare_arrays(name, a[name], value, TOL_LOSS if name == "train:loss" else TOL_OUTPUT))
    for node in spec.nodes:
        keys = [f"train:grad:{node.name}.{param}" for param in node.trainable_params()]
        # A bias feeding a training-mode batchnorm has an exactly-zero gradient: judge it at the
        # scale of its layer's gradients (crosscheck.tolerance).
        layer_scale = max((float(np.abs(b[k]).max(initial=0.0)) for k in keys), default=0.0)
        checks += [compare_arrays(k, a[k], b[k], TOL_GRAD, layer_scale) for k in keys]
    return checks


def first_divergent_layer(spec: Spec, tf_twin, torch_twin, x, checks: list[Check], training: bool = False,
                          weights=None) -> str | None:
    """The first layer whose output differs (in the given mode), else the layer nearest the output
    whose gradient or moving statistic does. In training mode each run starts from `weights`."""
    outs = []
    for twin in (tf_twin, torch_twin):
        if weights is not None:
            twin.set_weights(weights)
        outs.append(twin.intermediates(x, training=training))
        if weights is not None:
            twin.set_weights(weights)
    outs_tf, outs_pt = outs
    for node in spec.nodes:
        if not compare_arrays(node.name, outs_tf[node.name], outs_pt[node.name], TOL_OUTPUT).passed:
            return node.name
    failing = {_layer_of(c.name) for c in checks if not c.passed and "." in c.name}
    for node in reversed(spec.nodes):
        if node.name in failing:
            return node.name
    return None


def _layer_of(check_name: str) -> str:
    """`grad:conv1.kernel`, `train:grad:conv1.kernel`, `train:bn1.moving_mean` → the layer name."""
    return check_name.rsplit(":", 1)[-1].split(".")[0]


def compare_spec(spec: Spec, seed: int = 0, device: str = "auto", batch: int = 8, onnx: bool = False) -> SpecResult:
    """With `onnx`, also export both twins and add the ONNX Runtime parity checks (`onnx:*`)."""
    from tf_impl.twin import TFTwin
    from torch_impl.twin import TorchTwin

    tf_twin, torch_twin = TFTwin(spec, device), TorchTwin(spec, device)
    result = compare_twins(spec, tf_twin, torch_twin, seed=seed, batch=batch)
    if onnx:
        from .onnx_export import parity_checks

        start = time.perf_counter()
        # Whatever compare_twins left (its conformance weights, or state a training-mode check moved),
        # both twins hold the same weights for the exports.
        torch_twin.set_weights(tf_twin.get_weights())
        try:
            result.checks += parity_checks(spec, tf_twin, torch_twin, seed=seed, device=device)
        except Exception as e:  # an exporter that cannot handle the spec is a failed check, not a crash
            note = f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"
            result.checks.append(Check("onnx:export", np.inf, np.inf, np.inf, np.inf, np.inf, 0.0, TOL_OUTPUT, False, note))
        result.passed = result.passed and all(c.passed for c in result.checks)
        result.seconds += time.perf_counter() - start
    return result
