"""Training conformance: both twins trained in lockstep, every step's loss and every parameter
after the last step judged by `crosscheck.verdict`.

Both twins start from `init_weights(spec, seed)` and take N steps on the same batches and the same
dropout masks (`crosscheck.training`). The same N steps are also taken by both twins in float64
(the proof: equal functions and equal optimiser maths agree to float64 rounding, ~1e-15 after 100
Adam steps), and by the float64 torch twin under the float32 rounding model
(`crosscheck.sensitivity.Rounding`, on every forward, backward, gradient and update of every
step): training amplifies rounding (a ReLU or max-pool decision flipped by a 1e-7 difference
changes every later step), and the draws measure by how much for this very run. The draws flip
decisions as float32 runs do, so a runner's error is measured against the plain float64 run.

Checks: `loss` — every step's loss relative to the float64 loss of that step, at TOL_TRAIN_LOSS;
`param:<layer>.<param>` — each parameter after the last step at TOL_TRAIN_PARAM; a parameter is a
sum of its updates, so its scale is floored by M = |θ₀| + Σₜ|Δθₜ| of the float64 run. One more
float64 run under the rounding model at float64's own unit roundoff (2⁻⁵³) measures how far float64
rounding alone moves each quantity: where training amplifies it (Adam's lr/ε̂ on a gradient that is
zero in exact arithmetic, e.g. a conv bias feeding a batchnorm), the proof allows the float64 twins
`verdict.FLOAT64_NOISE_FACTOR` times that, and the check shows it.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np
import torch

from spec import Spec, build_spec, init_weights
from spec.optimizers import resolve

from .datasets.batches import Batches
from .sensitivity import DRAWS, FLOAT64_ROUNDOFF, UNIT_ROUNDOFF, Rounding
from .tolerance import TOL_TRAIN_LOSS, TOL_TRAIN_PARAM, Check, unavailable, worst_verdict
from .training import DeviceData, dropout_masks, flip_decisions, schedule
from .twins import FRAMEWORKS, make_twin
from .verdict import distance, judge


@dataclass
class TrainConformance:
    spec: str
    steps: int
    optimizer: dict
    checks: list[Check] = field(default_factory=list)
    stopped: str | None = None

    @property
    def verdict(self) -> str:
        return "fail" if self.stopped else worst_verdict(c.verdict for c in self.checks)

    @property
    def failed(self) -> bool:
        return self.stopped is not None or any(c.failed for c in self.checks)

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"

    def as_dict(self) -> dict:
        return {"spec": self.spec, "steps": self.steps, "optimizer": self.optimizer, "verdict": self.verdict,
                "passed": self.passed, "failed": self.failed, "stopped": self.stopped,
                "checks": [c.as_dict() for c in self.checks]}


@dataclass
class Run:
    losses: list
    finals: dict
    stopped: str | None = None
    travel: dict | None = None  # Σ|Δθ| per parameter over the run (float64 reference only)


def lockstep(spec: Spec, data, steps: int, seed: int, device: str, batch_size: int, optimizer: dict,
             frameworks=FRAMEWORKS, float64: bool = False, rounding_draw: int | None = None,
             rounding_size: float = UNIT_ROUNDOFF, wrap=None) -> dict[str, Run]:
    """Train the twins of `frameworks` `steps` steps from `init_weights(spec, seed)` on the same
    batches and dropout masks, together (one step of each in turn). `rounding_draw`: the (torch,
    float64) twin runs under that draw of the rounding model, at unit roundoff `rounding_size`.
    `wrap(twin) -> twin` is applied to every twin built (e.g. `crosscheck.defects.inject`). The
    twins train with their emitted optimiser and step: an `optimizer` other than the spec's trains
    the spec with that section instead."""
    spec = with_optimizer(spec, optimizer)
    weights = init_weights(spec, seed)
    twins, devs, roundings = {}, {}, {}
    for fw in frameworks:
        twins[fw] = make_twin(spec, fw, device)
        if wrap is not None:
            twins[fw] = wrap(twins[fw])
        twins[fw].set_weights(weights)
        if float64:
            twins[fw].to_float64()
        twins[fw].start_training(neutral_dropout=True)
        devs[fw] = DeviceData(twins[fw], spec, data)
        if rounding_draw is not None:
            roundings[fw] = train_rounding(spec, twins[fw], seed, rounding_draw, rounding_size)
    travel = {k: np.zeros(np.shape(v)) for k, v in weights.items()} if float64 else None
    batches = Batches(len(data.x_train), batch_size, seed)
    runs = {fw: Run([], {}) for fw in frameworks}
    try:
        for step in range(steps):
            idx = batches.indices(step)
            masks, flip = dropout_masks(spec, seed, step, len(idx)), flip_decisions(spec, seed, step, len(idx))
            for fw in frameworks:
                before = twins[fw].get_weights() if travel is not None and fw == frameworks[-1] else None
                loss = twins[fw].train_step(*devs[fw].batch(idx, flip), masks)
                runs[fw].losses.append(roundings[fw].scalar(loss) if fw in roundings else loss)
                if before is not None:
                    after = twins[fw].get_weights()
                    for k in travel:
                        travel[k] += np.abs(after[k].astype(np.float64) - before[k])
            bad = [fw for fw in frameworks if not math.isfinite(runs[fw].losses[-1])]
            if bad:
                why = f"non-finite loss at step {step}: " + ", ".join(f"{fw} {runs[fw].losses[-1]}" for fw in frameworks)
                for fw in frameworks:
                    runs[fw].stopped = why
                break
    finally:
        for r in roundings.values():
            r.__exit__()
    for fw in frameworks:
        runs[fw].finals = twins[fw].get_weights()
    if travel is not None:
        runs[frameworks[-1]].travel = {k: np.abs(weights[k].astype(np.float64)) + v for k, v in travel.items()}
    return runs


def with_optimizer(spec: Spec, optimizer: dict) -> Spec:
    """`spec`, or the same spec with another `optimizer` section (e.g. `compare --train-lr`)."""
    if spec.optimizer and resolve(spec.optimizer) == resolve(optimizer):
        return spec
    return build_spec({**copy.deepcopy(spec.flat_raw), "optimizer": optimizer}, spec.source)


def train_rounding(spec: Spec, twin, seed: int, draw: int, size: float) -> Rounding:
    """The rounding model on a training twin: layer hooks, plus each parameter gradient's rounding
    before the optimiser step and the parameter's rounding after it."""
    rounding = Rounding(spec, twin, seed, draw, size).__enter__()
    params = twin.trainable_parameters()

    def before_step(*_):
        for (layer, param), p in params.items():
            if p.grad is not None:
                p.grad.add_(rounding.native_gradient_noise(spec.node(layer), param, p.grad))

    def after_step(*_):
        with torch.no_grad():
            for p in params.values():
                p.add_(rounding.noise(p) * p.abs())

    rounding._handles += [twin.optimizer.register_step_pre_hook(before_step),
                          twin.optimizer.register_step_post_hook(after_step)]
    return rounding


def train_conformance(spec: Spec, data, steps: int, seed: int = 0, device: str = "auto",
                      batch_size: int | None = None, optimizer: dict | None = None,
                      draws: int = DRAWS, wrap=None) -> TrainConformance:
    """Both twins in lockstep (float32 and float64) and the rounding-model draws; the checks."""
    optimizer = optimizer or spec.optimizer
    bs, _ = schedule(spec, len(data.x_train), batch_size=batch_size)
    run = dict(spec=spec, data=data, steps=steps, seed=seed, device=device, batch_size=bs, optimizer=optimizer,
               wrap=wrap)
    result = TrainConformance(spec.id, steps, optimizer)
    f32 = lockstep(**run)
    result.stopped = f32["tf"].stopped
    if result.stopped:
        result.checks.append(unavailable("loss", TOL_TRAIN_LOSS, result.stopped))
        return result
    model = []
    try:
        f64 = lockstep(**run, float64=True)
    except Exception as e:  # a twin that cannot train in float64: judged on float32 agreement alone
        f64, why = None, f"no float64 reference: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    if f64 is not None:  # the rounding model is the harness's own: its errors propagate
        model = [lockstep(**run, frameworks=("torch",), float64=True, rounding_draw=k)["torch"] for k in range(draws)]
        model64 = lockstep(**run, frameworks=("torch",), float64=True, rounding_draw=draws,
                           rounding_size=FLOAT64_ROUNDOFF)["torch"]
    if f64 is not None and any(r.stopped for r in (*f64.values(), *model, model64)):
        f64, model, why = None, [], "no float64 reference: a float64 run stopped"
    if f64 is None:
        a, b = (np.asarray(f32[fw].losses, np.float64) for fw in FRAMEWORKS)
        result.checks.append(judge("loss", TOL_TRAIN_LOSS, a / np.abs(b), b / np.abs(b), scale=1.0))
        result.checks += [judge(f"param:{k}", TOL_TRAIN_PARAM, f32["tf"].finals[k], f32["torch"].finals[k])
                          for k in f32["torch"].finals]
        for c in result.checks:
            c.note = f"{c.note} ({why})"
        return result
    ref = np.abs(np.asarray(f64["torch"].losses, np.float64))

    def rel(r: Run) -> np.ndarray:
        return np.asarray(r.losses, np.float64) / ref

    origin = rel(f64["torch"])
    result.checks.append(judge("loss", TOL_TRAIN_LOSS, rel(f32["tf"]), rel(f32["torch"]), rel(f64["tf"]), origin,
                               [distance(rel(r), origin) for r in model], scale=1.0,
                               float64_noise=distance(rel(model64), origin)))
    for k in f32["torch"].finals:
        origin = f64["torch"].finals[k]
        result.checks.append(judge(f"param:{k}", TOL_TRAIN_PARAM, f32["tf"].finals[k], f32["torch"].finals[k],
                                   f64["tf"].finals[k], origin, [distance(r.finals[k], origin) for r in model],
                                   magnitude=float(np.max(f64["torch"].travel[k], initial=0.0)),
                                   float64_noise=distance(model64.finals[k], origin)))
    return result
