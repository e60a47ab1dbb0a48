"""Forward and gradient conformance of a spec's two twins, from identical neutral weights.

`compare_spec` builds both twins from their emitted source, and `compare_twins` measures them on
the same batch and weights (`crosscheck.conformance_inputs`): `logits` (the model's output), `loss`
and `grad:<layer>.<param>` for every trainable parameter, each in float32, in float64 (the same
emitted source) and under the float32 rounding model (`crosscheck.sensitivity`), and judges every
check by `crosscheck.verdict`. When a check fails it names the first spec layer whose output fails
the same judgement (`crosscheck.divergence`).

Specs whose output depends on the mode (a trainable batchnorm) are also compared in training
mode: `train:logits`, `train:loss`, `train:grad:<layer>.<param>` and the moving statistics after
one training-mode forward, `train:<layer>.moving_mean` / `moving_variance`. Dropout masks come
from each framework's own RNG, so these checks run on the spec's dropout-free training path.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from spec import Spec

from .conformance_inputs import (conformance_batch, conformance_weights, dropout_free, has_batchnorm, has_training_mode,
                                 make_batch)
from .divergence import first_divergent_layer
from .evidence import float64_twins, gather, judge_key
from .tolerance import PASS, TOL_OUTPUT, Check, unavailable, worst_verdict


@dataclass
class SpecResult:
    spec: str
    checks: list[Check] = field(default_factory=list)
    first_divergent_layer: str | None = None
    error: str | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    peak_rss_bytes: int | None = None  # of the process that compared this spec alone (`crosscheck report`)

    @property
    def verdict(self) -> str:
        return "fail" if self.error else worst_verdict(c.verdict for c in self.checks)

    @property
    def passed(self) -> bool:
        return self.verdict == PASS

    @property
    def failed(self) -> bool:
        return self.error is not None or any(c.failed for c in self.checks)

    @classmethod
    def from_fields(cls, fields: dict) -> "SpecResult":
        """The inverse of `dataclasses.asdict`: how a result comes back from the process that computed it."""
        return cls(**{**fields, "checks": [Check(**c) for c in fields["checks"]]})

    def as_dict(self) -> dict:
        return {
            "spec": self.spec,
            "verdict": self.verdict,
            "passed": self.passed,
            "failed": self.failed,
            "checks": [c.as_dict() for c in self.checks],
            "first_divergent_layer": self.first_divergent_layer,
            "error": self.error,
            "notes": self.notes,
            "seconds": round(self.seconds, 3),
            "peak_rss_bytes": self.peak_rss_bytes,
        }


def check_keys(spec: Spec, training: bool) -> list[str]:
    """Every check of a mode, in report order: output, moving statistics, loss, gradients."""
    p = "train:" if training else ""
    keys = [f"{p}logits"]
    if training:
        keys += [f"train:{n.name}.{q}" for n in spec.nodes for q in n.layer_type.non_trainable_params]
    if spec.loss:
        keys.append(f"{p}loss")
        keys += [f"{p}grad:{n.name}.{q}" for n in spec.nodes for q in n.trainable_params()]
    return keys


def compare_twins(spec: Spec, tf_twin, torch_twin, seed: int = 0, batch: int = 8, weights=None) -> SpecResult:
    start = time.perf_counter()
    result = SpecResult(spec.id)
    x, labels = make_batch(spec, batch, seed)
    twins32 = {"tf": tf_twin, "torch": torch_twin}
    twins64, why = float64_twins(tf_twin, torch_twin)
    if weights is None:
        weights, origin = conformance_weights(spec, (twins64 or twins32)["tf"], seed, batch)
        result.notes.append(origin)
    modes = [(spec, twins32, twins64, why, False)]
    if has_training_mode(spec):
        train_spec = dropout_free(spec)
        if train_spec is None:
            modes.append((spec, twins32, twins64, why, True))
        else:
            t32 = {"tf": tf_twin.derived(train_spec), "torch": torch_twin.derived(train_spec)}
            t64, why64 = float64_twins(t32["tf"], t32["torch"])
            modes.append((train_spec, t32, t64, why64, True))
    for mode_spec, t32, t64, note, training in modes:
        if result.failed:
            break  # the first failing mode is the one to look at
        ev = gather(mode_spec, t32, t64, weights, x, labels, training, seed=seed, note=note)
        checks = [judge_key(k, ev) for k in check_keys(mode_spec, training)]
        del ev  # a mode's evidence is as large as its gradients, several times over
        result.checks += checks
        if any(c.failed for c in checks):
            result.first_divergent_layer = first_divergent_layer(mode_spec, t32, t64, weights, x, labels, checks,
                                                                 training, seed)
    result.seconds = time.perf_counter() - start
    return result


def compare_spec(spec: Spec, seed: int = 0, device: str = "auto", batch: int | None = None, onnx: bool = False,
                 weights: dict | None = None) -> SpecResult:
    """`batch` None: 8 samples, fewer for a model whose float64 runs would not fit in memory
    (`conformance_inputs.conformance_batch`). With `onnx`, also export both twins and add the
    ONNX Runtime parity checks (`onnx:*`). `weights` (neutral): compare at those (e.g. an imported
    model's) instead of the conformance weights."""
    from tf_impl.twin import TFTwin
    from torch_impl.twin import TorchTwin

    tf_twin, torch_twin = TFTwin(spec, device), TorchTwin(spec, device)
    if batch is None:
        batch = conformance_batch(spec)
    if not onnx:
        result = compare_twins(spec, tf_twin, torch_twin, seed=seed, batch=batch, weights=weights)
        result.notes += ["the weights given"] * (weights is not None) + [f"batch {batch}"]
        return result
    from .onnx_parity import parity_checks

    # ONNX parity first, from the conformance weights: converting is the largest transient of all
    # (tf2onnx on ResNet50: ~4 GB), and before the float64 runs it does not stack on their memory.
    start = time.perf_counter()
    # a float64 TF copy only where the weights need one (batchnorm calibration); compare_twins and
    # parity_checks build their own
    if weights is None:
        twins64 = float64_twins(tf_twin, torch_twin)[0] if has_batchnorm(spec) else None
        weights, origin = conformance_weights(spec, (twins64 or {"tf": tf_twin})["tf"], seed, batch)
        del twins64
    else:
        origin = "the weights given"
    for twin in (tf_twin, torch_twin):
        twin.set_weights(weights)
    notes = []
    try:
        parity = parity_checks(spec, tf_twin, torch_twin, seed=seed, device=device, notes=notes)
    except Exception as e:  # an exporter that cannot handle the spec is a failed check, not a crash
        note = f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"
        parity = [unavailable("onnx:export", TOL_OUTPUT, note)]
    seconds = time.perf_counter() - start
    result = compare_twins(spec, tf_twin, torch_twin, seed=seed, batch=batch, weights=weights)
    result.notes += [origin, f"batch {batch}", *notes]
    result.checks += parity
    result.seconds += seconds
    return result
