"""Training conformance: both twins trained in lockstep, every step's loss and every parameter
after the last step judged by `crosscheck.verdict`.

Both twins start from `starting_weights(spec, seed)` (the spec's pretrained weights where it
declares them, else its initialisers) and take N steps on the same batches and the same
dropout masks (`crosscheck.training`). The same N steps are also taken by both twins in float64
(the proof: equal functions and equal optimiser maths agree to float64 rounding, ~1e-15 after 100
Adam steps), and by the float64 torch twin under the float32 rounding model
(`crosscheck.sensitivity.Rounding`, on every forward, backward, gradient and update of every
step): training amplifies rounding, and the draws measure by how much for this very run. As in
`crosscheck.sensitivity.analyse`, ReLU / max-pool decisions are luck of each run's rounding (one
flipped near its threshold changes every later step: a draw that ran free moved cifar10_colab's
conv1.kernel after 3 Adam steps by 3.3e-4 of scale, the others by 1e-6), so at every step the
draws hold the float64 run's decisions, one more run flips each decision within the draws'
deviation of its threshold (the decision sensitivity), and each runner is measured against the
float64 run that took its own decisions at every step (each step's piecewise-layer inputs,
recorded from its own training forward). Those runs train in lockstep with the run whose
decisions they take (`_float32_runs`, `_float64_runs`), so decisions live for one step.

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

from spec import Spec, build_spec
from spec.optimizers import resolve
from torch_impl.layers import registry

from . import frozen_trunk
from .conformance_inputs import starting_weights
from .datasets.batches import Batches
from .sensitivity import DRAWS, FLIP_RADIUS, FLOAT64_ROUNDOFF, UNIT_ROUNDOFF, Rounding, count_decisions, decision_inputs
from .tolerance import FAIL, PASS, TOL_TRAIN_LOSS, TOL_TRAIN_PARAM, Check, unavailable, worst_verdict
from .training import DeviceData, dropout_masks, flip_decisions, schedule
from .twins import FRAMEWORKS, make_twin
from .verdict import EQUIVALENCE_TOL, distance, element_sensitivity, judge, typical_ratio


@dataclass
class TrainConformance:
    spec: str
    steps: int
    optimizer: dict
    checks: list[Check] = field(default_factory=list)
    stopped: str | None = None
    weights: str = ""  # where the starting weights came from (conformance_inputs.starting_weights)
    moved: dict = field(default_factory=dict)  # framework → trainable parameter → max |θ_N − θ_0| (float32 runs)

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
                "passed": self.passed, "failed": self.failed, "stopped": self.stopped, "weights": self.weights,
                "moved": self.moved,
                "checks": [c.as_dict() for c in self.checks]}


@dataclass
class Run:
    losses: list
    finals: dict
    stopped: str | None = None
    travel: dict | None = None  # Σ|Δθ| per parameter over the run (float64 reference only)


class _Decisions:
    """Each step's input of every piecewise layer (ReLU, max pooling) of one twin, in the torch
    module's layout and the run's own precision: a torch twin's from forward pre-hooks on the
    modules in the very step, a TF twin's from the layer outputs of the same training-mode forward
    (`TFTwin.training_intermediates`), laid out by `reference` (a torch twin of the spec)."""

    def __init__(self, spec: Spec, twin, reference):
        self.spec, self.twin, self.reference = spec, twin, reference
        self.nodes = [n for n in spec.nodes if n.layer_type.piecewise]
        self.taken, self.handles = {}, []
        if twin.framework == "torch":
            for n in self.nodes:
                self.handles.append(getattr(twin.model, n.name).register_forward_pre_hook(
                    lambda _m, inputs, name=n.name: self.taken.__setitem__(name, inputs[0].detach().clone())))

    def before(self, x, masks) -> None:
        if self.twin.framework != "tf":
            return
        names = {n.inputs[0] for n in self.nodes} - {self.spec.input_name}
        outs = self.twin.training_intermediates(x, masks, names) if names else {}
        self.taken = decision_inputs(self.spec, self.reference, {f"layer:{k}": v for k, v in outs.items()}, np.asarray(x))

    def close(self) -> None:
        for h in self.handles:
            h.remove()


class _Follow:
    """Forward hooks that make every piecewise layer of a (float64 torch) twin take the decisions
    of another run's inputs to it (`TorchLayer.decide`), set before each step: the exact value of
    that run's own decisions. Nothing else is changed."""

    def __init__(self, spec: Spec, twin):
        self.decisions, self.handles = {}, []
        for n in spec.nodes:
            if n.layer_type.piecewise:
                self.handles.append(getattr(twin.model, n.name).register_forward_hook(self._hook(n)))

    def _hook(self, node):
        layer = registry()[node.type]
        return lambda module, inputs, out: layer.decide(node, module, inputs, self.decisions[node.name], None)

    def close(self) -> None:
        for h in self.handles:
            h.remove()


class _Runner:
    """One training run of a lockstep group: its twin (in the run's precision, training mode) and
    data on the twin's device; optionally the rounding model (`train_rounding`), a recorder of the
    step's decisions (`taken`), and `prepare(step)`, called before each step (held decisions)."""

    def __init__(self, label: str, twin, data: DeviceData, rounding: Rounding | None = None, start: dict | None = None):
        self.label, self.twin, self.data, self.rounding = label, twin, data, rounding
        self.run = Run([], {})
        self.recorder: _Decisions | None = None
        self.follow: _Follow | None = None
        self.prepare = None
        self.taken: dict = {}
        self.start = start  # the starting weights, where the run keeps its travel
        self.travel = {k: np.zeros(np.shape(v)) for k, v in start.items()} if start is not None else None

    def step(self, step: int, idx, flip, masks) -> None:
        x, y = self.data.batch(idx, flip)
        if self.prepare is not None:
            self.prepare(step)
        if self.recorder is not None:
            self.recorder.before(x, masks)
        before = self.twin.get_weights() if self.travel is not None else None
        loss = self.twin.train_step(x, y, masks)
        if self.recorder is not None:
            self.taken, self.recorder.taken = self.recorder.taken, {}  # this step's only
        self.run.losses.append(self.rounding.scalar(loss) if self.rounding is not None else loss)
        if before is not None:
            after = self.twin.get_weights()
            for k in self.travel:
                self.travel[k] += np.abs(after[k].astype(np.float64) - before[k])

    def close(self) -> None:
        for part in (self.rounding, self.recorder, self.follow):
            if isinstance(part, Rounding):
                part.__exit__()
            elif part is not None:
                part.close()
        self.taken = {}

    def finish(self) -> Run:
        self.run.finals = self.twin.get_weights()
        if self.travel is not None:
            self.run.travel = {k: np.abs(self.start[k].astype(np.float64)) + v for k, v in self.travel.items()}
        return self.run


def _runner(spec: Spec, fw: str, data, weights: dict, device: str, seed: int, *, label: str | None = None,
            float64: bool = False, wrap=None, twin=None, draw: int | None = None, size: float = UNIT_ROUNDOFF,
            travel: bool = False, moved: dict | None = None) -> _Runner:
    """A `_Runner` of framework `fw` from `weights` on `data` (or `data[fw]`): a new twin (`wrap`ped,
    in float64 if asked) unless `twin` is given; under rounding-model draw `draw` at unit roundoff
    `size` if given. `moved`: data sets already on a device, shared by the runs of a group (seven
    float64 copies of MNIST would be 2.6 GB)."""
    if twin is None:
        twin = make_twin(spec, fw, device)
        twin = wrap(twin) if wrap is not None else twin
        twin.set_weights(weights)
        if float64:
            twin.to_float64()
    else:
        twin.set_weights(weights)
    twin.start_training(neutral_dropout=True)
    data = data[fw] if isinstance(data, dict) else data
    key = (id(data), fw, str(twin.dtype), str(twin.device))
    on_device = moved.get(key) if moved is not None else None
    if on_device is None:
        on_device = DeviceData(twin, spec, data)
        if moved is not None:
            moved[key] = on_device
    rounding = train_rounding(spec, twin, seed, draw, size) if draw is not None else None
    return _Runner(label or fw, twin, on_device, rounding, weights if travel else None)


def _train_together(spec: Spec, runners: list[_Runner], steps: int, seed: int, batch_size: int,
                    progress: str | None = None) -> None:
    """`steps` steps of every runner on the same batches and dropout masks, one step of each in
    turn (so a runner can hold decisions another recorded in the same step); all stop at the first
    non-finite loss of any. `progress`: a bar with that title on a terminal's stderr."""
    from tqdm import tqdm

    batches = Batches(len(runners[0].data.y), batch_size, seed)
    try:
        for step in tqdm(range(steps), desc=progress, unit="step", disable=True if progress is None else None,
                         leave=False, mininterval=1.0):
            idx = batches.indices(step)
            masks, flip = dropout_masks(spec, seed, step, len(idx)), flip_decisions(spec, seed, step, len(idx))
            for r in runners:
                try:
                    r.step(step, idx, flip, masks)
                except Exception as e:
                    e.runner = r.label  # which run failed (`_judge_runs` forgives only a float64 twin)
                    raise
            if not all(math.isfinite(r.run.losses[-1]) for r in runners):
                why = f"non-finite loss at step {step}: " + ", ".join(f"{r.label} {r.run.losses[-1]}" for r in runners)
                for r in runners:
                    r.run.stopped = why
                break
    finally:
        for r in runners:
            r.close()
    for r in runners:
        r.finish()


def lockstep(spec: Spec, data, steps: int, seed: int, device: str, batch_size: int, optimizer: dict,
             frameworks=FRAMEWORKS, float64: bool = False, rounding_draw: int | None = None,
             rounding_size: float = UNIT_ROUNDOFF, wrap=None, weights: dict | None = None,
             twins: dict | None = None) -> dict[str, Run]:
    """Train the twins of `frameworks` `steps` steps from `weights` (default
    `starting_weights(spec, seed)`) on the same batches and dropout masks, together (one step of
    each in turn). `rounding_draw`: the (torch, float64) twin runs under that draw of the rounding
    model, at unit roundoff `rounding_size`. `wrap(twin) -> twin` is applied to every twin built
    (e.g. `crosscheck.defects.inject`). The twins train with their emitted optimiser and step: an
    `optimizer` other than the spec's trains the spec with that section instead. `data` may be a
    dict framework → data (each twin's own inputs, e.g. its frozen trunk's outputs); `twins`
    (framework → twin, already wrapped and in the run's precision) are used instead of building
    new ones. The float64 reference (`float64`, the last framework) keeps its travel, Σ|Δθ|."""
    spec = with_optimizer(spec, optimizer)
    weights = weights if weights is not None else starting_weights(spec, seed)[0]
    runners = {fw: _runner(spec, fw, data, weights, device, seed, float64=float64, wrap=wrap,
                           twin=(twins or {}).get(fw), draw=rounding_draw, size=rounding_size,
                           travel=float64 and fw == frameworks[-1])
               for fw in frameworks}
    _train_together(spec, list(runners.values()), steps, seed, batch_size)
    return {fw: r.run for fw, r in runners.items()}


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


def frozen_check(spec: Spec, weights: dict, runs: dict[str, Run]) -> Check | None:
    """`frozen`: every parameter of every `trainable: false` layer (kernels, gamma/beta and the moving
    statistics of a frozen batchnorm, which runs in inference mode) bit-identical to its starting
    value after the last step, in every run; None when the spec freezes nothing."""
    keys = [f"{n.name}.{p}" for n, p, _ in spec.parameters() if not n.trainable]
    if not keys:
        return None
    changed = {label: [k for k in keys if not np.array_equal(r.finals[k], weights[k])] for label, r in runs.items()}
    worst = max((float(np.max(np.abs(np.asarray(runs[label].finals[k], np.float64) - weights[k])))
                 for label, ks in changed.items() for k in ks), default=0.0)
    bad = {label: ks for label, ks in changed.items() if ks}
    if not bad:
        return Check("frozen", PASS, max_abs=0.0, max_rel=0.0, mean_abs=0.0, median_abs=0.0, max_scaled=0.0,
                     note=f"{len(keys)} parameters of frozen layers bit-identical after training in {', '.join(runs)}")
    where = "; ".join(f"{label}: {len(ks)} changed ({', '.join(ks[:3])}{' …' if len(ks) > 3 else ''})"
                      for label, ks in bad.items())
    return Check("frozen", FAIL, max_abs=worst, note=f"frozen parameters changed by training (max |Δ| {worst:.3g}): {where}")


def train_conformance(spec: Spec, data, steps: int, seed: int = 0, device: str = "auto",
                      batch_size: int | None = None, optimizer: dict | None = None,
                      draws: int = DRAWS, wrap=None, reuse_trunk: bool = True, progress: bool = False) -> TrainConformance:
    """Both twins in lockstep (float32 and float64) and the rounding-model draws; the checks. A spec
    with a frozen trunk (`crosscheck.frozen_trunk`) trains its head on each twin's own trunk
    outputs unless `reuse_trunk` is false; the twins' full training step is then checked against
    that for one step (`trunk`), and the trunk's parameters after it (`frozen`). `progress`: a bar
    per group of runs on a terminal's stderr."""
    optimizer = optimizer or spec.optimizer
    spec = with_optimizer(spec, optimizer)
    bs, _ = schedule(spec, len(data.x_train), batch_size=batch_size)
    weights, origin = starting_weights(spec, seed)
    result = TrainConformance(spec.id, steps, optimizer, weights=origin)
    last = frozen_trunk.cut(spec) if reuse_trunk else None
    base = dict(steps=steps, seed=seed, device=device, batch_size=bs, optimizer=optimizer)
    if last is None:
        sets = {"float32": data, "float64": data, "draws": [data] * draws, "noise": data}
        _judge_runs(result, spec, weights, sets, base, draws, wrap, frozen_in=spec, progress=progress)
        return result
    head = frozen_trunk.head_spec(spec, last)
    sets, full = _on_trunk(spec, last, data, weights, base, draws, wrap)
    start = frozen_trunk.head_weights(head, weights)
    result.checks += [c for c in (frozen_check(spec, weights, full), trunk_check(head, start, sets, full, base, wrap)) if c]
    _judge_runs(result, head, start, sets, base, draws, wrap, frozen_in=None, progress=progress)
    return result


def _on_trunk(spec: Spec, last: str, data, weights: dict, base: dict, draws: int, wrap):
    """Each run's training data on the trunk (each twin's own trunk outputs; the rounding draws'
    from the float64 torch twin under draws numbered after the head's), and one step of every twin's
    full model (label → Run) from the same weights, after the outputs were taken."""
    sets, full = {}, {}
    for precision in ("float32", "float64"):
        twins = {}
        for fw in FRAMEWORKS:
            twins[fw] = make_twin(spec, fw, base["device"])
            twins[fw] = wrap(twins[fw]) if wrap is not None else twins[fw]
            twins[fw].set_weights(weights)
            if precision == "float64":
                twins[fw].to_float64()
        sets[precision] = {fw: frozen_trunk.on_trunk(data, frozen_trunk.outputs(t, last, data.x_train))
                           for fw, t in twins.items()}
        if precision == "float64":
            torch64 = twins["torch"]
            sets["draws"] = [{"torch": frozen_trunk.on_trunk(data, frozen_trunk.outputs(
                torch64, last, data.x_train, Rounding(spec, torch64, base["seed"], draws + 1 + k)))} for k in range(draws)]
            sets["noise"] = {"torch": frozen_trunk.on_trunk(data, frozen_trunk.outputs(
                torch64, last, data.x_train, Rounding(spec, torch64, base["seed"], 2 * draws + 1, FLOAT64_ROUNDOFF)))}
        runs = lockstep(spec, data, **{**base, "steps": 1}, float64=precision == "float64", weights=weights, twins=twins)
        full |= {f"{fw} {precision}": r for fw, r in runs.items()}
    return sets, full


def trunk_check(head: Spec, start: dict, sets: dict, full: dict[str, Run], base: dict, wrap=None) -> Check:
    """`trunk`: one step of each twin's full model and one step of its head on its trunk outputs
    give the same loss and head parameters — in float64 within the proof's EQUIVALENCE_TOL of scale
    (the same function: a frozen batchnorm's training mode is inference), in float32 within
    TOL_TRAIN_PARAM (the same float32 code, the trunk run on other batches)."""
    worst = {}
    for precision, tol in (("float64", EQUIVALENCE_TOL), ("float32", TOL_TRAIN_PARAM)):
        reuse = lockstep(head, sets[precision], **{**base, "steps": 1}, float64=precision == "float64",
                         weights=start, wrap=wrap)
        for fw in FRAMEWORKS:
            a, b = full[f"{fw} {precision}"], reuse[fw]
            pairs = [("loss", a.losses, b.losses)] + [(k, a.finals[k], b.finals[k]) for k in b.finals]
            for name, x, y in pairs:
                scaled = distance(x, y) / max(float(np.max(np.abs(np.asarray(y, np.float64)), initial=0.0)), 1e-300)
                if scaled > worst.get(precision, (-1.0,))[0]:
                    worst[precision] = (scaled, f"{fw} {name}", tol)
    bad = [p for p, (v, _, tol) in worst.items() if not v <= tol]
    note = "; ".join(f"{p}: worst {where} {v:.2e} of scale (tol {tol:g})" for p, (v, where, tol) in worst.items())
    return Check("trunk", FAIL if bad else PASS, max_scaled=worst["float32"][0], tol=TOL_TRAIN_PARAM,
                 float64_scaled=worst["float64"][0],
                 note=f"full training step vs head on trunk outputs, step 1 of each twin: {note}")


def _float32_runs(spec: Spec, weights: dict, sets: dict, base: dict, wrap, piecewise: bool, progress: bool = False):
    """The float32 twins in lockstep, and (with piecewise layers) beside each a float64 torch run
    that takes that twin's own decisions at every step (`_Follow`), both as Runs by framework; the
    plain float64 runs stand in for the latter without piecewise layers (None here)."""
    run = dict(weights=weights, device=base["device"], seed=base["seed"], wrap=wrap, moved={})
    runners = {fw: _runner(spec, fw, sets["float32"], **run) for fw in FRAMEWORKS}
    own = {}
    if piecewise:
        for fw in FRAMEWORKS:
            runners[fw].recorder = _Decisions(spec, runners[fw].twin, runners["torch"].twin)
        for fw in FRAMEWORKS:
            own[fw] = _runner(spec, "torch", sets["float64"], **run, float64=True, label=f"float64 with {fw}'s decisions")
            own[fw].follow = _Follow(spec, own[fw].twin)
            own[fw].prepare = lambda _step, f=own[fw].follow, source=runners[fw]: setattr(f, "decisions", source.taken)
    _train_together(spec, [*runners.values(), *own.values()], base["steps"], base["seed"], base["batch_size"],
                    f"{spec.id}: float32 twins, {len(runners) + len(own)} runs" if progress else None)
    return {fw: r.run for fw, r in runners.items()}, ({fw: r.run for fw, r in own.items()} or None)


class _HeldStep:
    """The float64 reference's decisions at the current step, held by the rounding draws
    (`Rounding.decisions`), and how far the draws' inputs strayed from them (the max over the draws,
    `Rounding.deviations`), which sets the flips run's radius; one step at a time."""

    def __init__(self, spec: Spec, reference: _Runner):
        self.spec, self.reference = spec, reference
        self.step, self.seen, self.near = None, {}, False

    def _current(self, step: int) -> dict:
        if self.step != step:
            self.step = step
            self.seen = {n: (ref, torch.zeros_like(ref, dtype=torch.float32)) for n, ref in self.reference.taken.items()}
        return self.seen

    def hold(self, rounding: Rounding, step: int) -> None:
        seen = self._current(step)
        rounding.decisions, rounding.deviations = {n: (ref, None) for n, (ref, _) in seen.items()}, seen

    def flip(self, rounding: Rounding, step: int) -> None:
        """Every decision within FLIP_RADIUS times the draws' deviation of its threshold the other way."""
        reach = {n: (ref, FLIP_RADIUS * s.to(ref.dtype)) for n, (ref, s) in self._current(step).items()}
        self.near = self.near or count_decisions(self.spec, self.reference.twin.model, "near_decisions",
                                                 {n: r for n, (r, _) in reach.items()},
                                                 {n: d for n, (_, d) in reach.items()}) > 0
        rounding.decisions, rounding.deviations = reach, {}


def _float64_runs(spec: Spec, weights: dict, sets: dict, base: dict, draws: int, wrap, piecewise: bool,
                  progress: bool = False):
    """Both twins in float64, the rounding-model draws, the float64-roundoff run, and (with
    piecewise layers) the flips run, in lockstep: (framework → Run, [draw Runs], the float64-roundoff
    Run, the flips Run or None where no decision was within reach)."""
    run = dict(weights=weights, device=base["device"], seed=base["seed"], wrap=wrap, float64=True, moved={})
    twins = {}
    for fw in FRAMEWORKS:
        try:
            twins[fw] = _runner(spec, fw, sets["float64"], **run, label=f"{fw} float64", travel=fw == "torch")
        except Exception as e:
            e.runner = f"{fw} float64"
            raise
    noise = _runner(spec, "torch", sets["noise"], **run, draw=draws, size=FLOAT64_ROUNDOFF, label="float64-roundoff draw")
    model = [_runner(spec, "torch", sets["draws"][k], **run, draw=k, label=f"draw {k}") for k in range(draws)]
    flips, held = None, None
    if piecewise:
        twins["torch"].recorder = _Decisions(spec, twins["torch"].twin, twins["torch"].twin)
        held = _HeldStep(spec, twins["torch"])
        for r in model:
            r.prepare = lambda step, rounding=r.rounding: held.hold(rounding, step)
        flips = _runner(spec, "torch", sets["draws"][0], **run, draw=draws + 1, label="flips draw")
        flips.prepare = lambda step: held.flip(flips.rounding, step)
    group = [*twins.values(), noise, *model, *([flips] if flips else [])]
    _train_together(spec, group, base["steps"], base["seed"], base["batch_size"],
                    f"{spec.id}: float64 and rounding draws, {len(group)} runs" if progress else None)
    return ({fw: r.run for fw, r in twins.items()}, [r.run for r in model], noise.run,
            flips.run if held is not None and held.near else None)


def _judge_runs(result: TrainConformance, spec: Spec, weights: dict, sets: dict, base: dict, draws: int, wrap,
                frozen_in: Spec | None, progress: bool = False) -> None:
    """Run float32, float64 and the rounding-model draws of `spec` from `weights` on `sets` and append
    the checks: `frozen` (of `frozen_in`), `loss`, `param:*`. Decisions are held one step at a time:
    each group of runs trains in lockstep, and a run holds decisions another took in the same step."""
    trainable = {f"{n.name}.{p}" for n in spec.nodes for p in n.trainable_params()}
    piecewise = any(n.layer_type.piecewise for n in spec.nodes)
    f32, own = _float32_runs(spec, weights, sets, base, wrap, piecewise, progress)
    result.moved = {fw: {k: distance(v, weights[k]) for k, v in f32[fw].finals.items() if k in trainable}
                    for fw in FRAMEWORKS}
    result.stopped = f32["tf"].stopped
    if result.stopped:
        result.checks.append(unavailable("loss", TOL_TRAIN_LOSS, result.stopped))
        return
    try:
        f64, model, model64, flips = _float64_runs(spec, weights, sets, base, draws, wrap, piecewise, progress)
        why = "no float64 reference: a float64 run stopped" if f64["torch"].stopped else None
    except Exception as e:  # a twin that cannot train in float64: judged on float32 agreement alone
        if getattr(e, "runner", None) not in ("tf float64", "torch float64"):
            raise  # the rounding model is the harness's own: a failure of it propagates
        why = f"no float64 reference: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    if frozen_in is not None:
        frozen = frozen_check(frozen_in, weights, {f"{fw} float32": f32[fw] for fw in FRAMEWORKS}
                              | ({f"{fw} float64": f64[fw] for fw in FRAMEWORKS} if why is None else {}))
        result.checks += [frozen] if frozen is not None else []
    if why is not None:
        a, b = (np.asarray(f32[fw].losses, np.float64) for fw in FRAMEWORKS)
        checks = [judge("loss", TOL_TRAIN_LOSS, a / np.abs(b), b / np.abs(b), scale=1.0)]
        checks += [judge(f"param:{k}", TOL_TRAIN_PARAM, f32["tf"].finals[k], f32["torch"].finals[k])
                   for k in f32["torch"].finals]
        for c in checks:
            c.note = f"{c.note} ({why})"
        result.checks += checks
        return
    ref = np.abs(np.asarray(f64["torch"].losses, np.float64))

    def rel(r: Run) -> np.ndarray:
        return np.asarray(r.losses, np.float64) / ref

    # each runner against the float64 run that took its own decisions
    own = own or {fw: f64[fw] for fw in FRAMEWORKS}
    origin = rel(f64["torch"])
    result.checks.append(judge("loss", TOL_TRAIN_LOSS, rel(f32["tf"]), rel(f32["torch"]), rel(f64["tf"]), origin,
                               [distance(rel(r), origin) for r in model],
                               flips=distance(rel(flips), origin) if flips else None,
                               errors={fw: distance(rel(f32[fw]), rel(own[fw])) for fw in FRAMEWORKS}, scale=1.0,
                               float64_noise=distance(rel(model64), origin)))
    for k in f32["torch"].finals:
        origin = f64["torch"].finals[k]
        draws_k = [r.finals[k] for r in model]
        s_k = element_sensitivity(draws_k, origin)
        result.checks.append(judge(f"param:{k}", TOL_TRAIN_PARAM, f32["tf"].finals[k], f32["torch"].finals[k],
                                   f64["tf"].finals[k], origin, [distance(d, origin) for d in draws_k],
                                   flips=distance(flips.finals[k], origin) if flips else None,
                                   errors={fw: distance(f32[fw].finals[k], own[fw].finals[k]) for fw in FRAMEWORKS},
                                   magnitude=float(np.max(f64["torch"].travel[k], initial=0.0)),
                                   float64_noise=distance(model64.finals[k], origin),
                                   typical={fw: typical_ratio(f32[fw].finals[k], own[fw].finals[k], s_k)
                                            for fw in FRAMEWORKS}))
