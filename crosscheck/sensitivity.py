"""The float32 sensitivity of a computation, measured without either framework's float32 kernels.

The float64 torch twin (the same emitted module, `.double()`d) is run again under a random model
of float32 rounding, and how far each checked quantity moves is its sensitivity (the `s` of
`crosscheck.verdict`). With u = 2⁻²⁴ (float32's unit roundoff) and r an independent draw from
U(−1, 1) for every element:

* inputs and weights: v·(1 + u·r) — their float32 storage;
* every spec layer's output: y + u·r·A, A = Σ|terms| of the element for layers whose outputs are
  sums of products (conv, dense, pooling means, add: the layer run on |inputs| with |parameters|,
  `TorchLayer.term_function`), else |y|. A float32 dot product is rounded at the size of its
  terms, not of its result: with cancelling terms (N(0, 1) weights on positive activations) the
  difference is a factor √fan_in. Plus, where a layer computes a sum every element of a channel
  shares (`TorchLayer.shared_terms`: a training-mode batchnorm's batch mean), one draw per channel
  at that sum's rounding size (as a plain sum, `Rounding._sum_size`);
* every cotangent, backwards: g + u·r·|g| at each layer output, and for sums of products u·r·B at
  its inputs, B = Σ|terms| of the input cotangent (|Wᵀ|·|δ|; a softmax's y⊙(|g| + Σ y⊙|g|));
* every parameter gradient: g + u·r·max(|g|, M), M = Σ|terms| of the gradient (Σ|x|·|δ| over
  batch and positions for a kernel, Σ|δ| for a bias, Σ|δ|·|x̂| for a batchnorm's gamma), and for
  a plain sum of n terms + u·r·(√(n/8) − 1)·|g| (`Rounding._sum_size`);
* the loss and each moving statistic: their storage, u·|value|, upstream effects included.

Each draw is seeded from (seed, draw), so the sensitivity is the same on every machine (float64
rounding moves it by ~1e-9 of itself). It models a correctly rounded, stable float32 algorithm:
measured over the zoo, clean TF and torch float32 errors are 0.1–3× it, while a framework whose
float32 algorithm loses precision (TF's training-mode batchnorm gradient sums Σδ·x − μ·Σδ, which
cancel when |mean| ≫ std: 10³×) or an injected error of 1e-3 of scale are far above it.

The magnitudes M of the first draw are also what `crosscheck.verdict` floors a sum's scale with.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from spec import Spec
from torch_impl.layers import registry
from torch_impl.layout import activation_to_logical

from .conformance_inputs import activations_per_sample
from .verdict import distance

UNIT_ROUNDOFF = 2.0 ** -24
FLOAT64_ROUNDOFF = 2.0 ** -53
DRAWS = 3
# Decisions whose float64 margin is within this many times the largest deviation the draws produced
# there are the ones a float32 run can be expected to flip (clean float32 runs deviate 0.1–3x as much).
FLIP_RADIUS = 1.0
# float64 activations of one run above which the memory of each run is handed back before the next
RELEASE_BYTES = 64 * 2**20


class _Output(torch.autograd.Function):
    """A layer's output plus its forward rounding; backwards, its cotangent's rounding, and the
    Σ|terms| of the layer's input cotangents and parameter gradients for the hooks below."""

    @staticmethod
    def forward(ctx, y, noise, rec, rounding):
        ctx.rec, ctx.rounding = rec, rounding
        return y + noise

    @staticmethod
    def backward(ctx, g):
        rec = ctx.rec
        if "terms" in rec:
            # the Σ|terms| graph is built only now, one layer at a time: kept from the forward for
            # every layer at once it would be as large as the activations again
            layer, node, module, inputs = rec.pop("terms")
            with torch.enable_grad():
                fn = layer.term_function(node, module, inputs)
                out_abs, xs_abs, params_abs = ctx.rounding.terms(fn, module, inputs, grad=True)
            targets = [t for t in [*xs_abs, *params_abs.values()] if t.requires_grad]
            if targets and out_abs.requires_grad:
                with torch.enable_grad():
                    vjp = torch.autograd.grad(out_abs, targets, g.abs(), allow_unused=True)
                found = dict(zip(map(id, targets), vjp))
                rec["input_terms"] = [found.get(id(t)) for t in xs_abs]
                # magnitudes that only scale noise: float32 holds them to 6e-8, in half the memory
                # (kept for every layer until the gradients are read)
                rec["grad_terms"] = {n: None if found.get(id(t)) is None else found[id(t)].float()
                                     for n, t in params_abs.items()}
                rec["summed"] = {n: g.numel() / max(1, t.numel()) for n, t in params_abs.items()}
        return g + ctx.rounding.noise(g) * g.abs(), None, None, None


class _InputCotangent(torch.autograd.Function):
    """Identity forwards; backwards adds the rounding of the input cotangent's sum (u·r·|Wᵀ|·|δ|)."""

    @staticmethod
    def forward(ctx, x, rec, index, rounding):
        ctx.rec, ctx.index, ctx.rounding = rec, index, rounding
        return x.view_as(x)

    @staticmethod
    def backward(ctx, g):
        terms = ctx.rec.get("input_terms")
        b = terms[ctx.index] if terms else None
        if terms:
            terms[ctx.index] = None  # used once; an activation-sized tensor per layer otherwise kept to the end
        return (g if b is None else g + ctx.rounding.noise(g) * b), None, None, None


class Rounding:
    """The rounding model installed on a float64 `TorchTwin` (a context manager) for one draw."""

    def __init__(self, spec: Spec, twin, seed: int, draw: int, size: float = UNIT_ROUNDOFF, decisions: dict | None = None,
                 keep_outputs: bool = False, record_decisions: bool = False, deviations: dict | None = None,
                 own_flips: dict | None = None):
        """`size` 0: no rounding (a reference or conditioned run). `decisions` (layer → (reference
        input, radius or None)): every piecewise layer takes its decisions from the reference input
        instead of its own, the other way wherever the reference is within `radius` of a decision
        (`TorchLayer.decide`). `own_flips` (the same form): the twin's own modules compute, and
        only where the reference is within `radius` of a decision does the run take the other
        decision than the reference (module output + the spec's maths with that decision − with
        the run's own, exactly 0 where those are the same): a wrong translation of a piecewise
        layer stays in the run."""
        self.spec, self.twin, self.size, self.decisions = spec, twin, size, decisions or {}
        self.own_flips = own_flips or {}
        self.keep_outputs = keep_outputs  # every layer's output, for `layer_outputs`
        self.record_decisions = record_decisions  # each piecewise layer's input, in `recs[name]["decision_input"]`
        # layer → (reference input, running max |input − reference|, float32): updated at every forward
        self.deviations = deviations or {}
        self.rng = np.random.default_rng([seed, 0x5E45, draw])
        # the per-channel draws (`shared_terms`) have a stream of their own: adding them left every
        # other element's draw as it was
        self.shared_rng = np.random.default_rng([seed, 0x5E45, draw, 1])
        self.recs: dict[str, dict] = {}
        self.magnitudes: dict[str, float] = {}  # max Σ|terms| of each gradient and moving statistic
        self._handles = []
        self._terms_pass = False  # a term function runs the module itself: its hooks must stand aside

    def noise(self, like, rng=None) -> torch.Tensor:
        """u·r for every element of `like` (a tensor), in its dtype and on its device."""
        r = torch.from_numpy((rng or self.rng).uniform(-self.size, self.size, tuple(like.shape)))
        return r.to(dtype=like.dtype, device=like.device)

    def perturb(self, a: np.ndarray) -> np.ndarray:
        a = np.asarray(a)
        if not np.issubdtype(a.dtype, np.floating):
            return a
        a = a.astype(np.float64)
        return a * (1 + self.rng.uniform(-self.size, self.size, a.shape))

    def scalar(self, v: float) -> float:
        return float(v * (1 + self.rng.uniform(-self.size, self.size)))

    # -- what measurement asks for ------------------------------------------------------
    def _reduction(self, node, param: str) -> float:
        """How much more than u·Σ|terms| a plain sum of a parameter's gradient over positions can
        be off: a vectorised float32 sum keeps one accumulator per SIMD lane (8 on AVX2) and adds
        n/8 terms into each; each addition rounds at the size of its partial sum, which grows to
        the lane's total when the terms are of one sign (a bias behind a global pool sums thousands
        of equal values): √(n/8) times |Σ|. Gradients computed as matrix products are blocked
        and keep u·Σ|terms| (`TorchLayer.summed_params` says which are plain sums)."""
        layer = registry()[node.type]
        if param not in layer.summed_params:
            return 1.0
        n = self.recs.get(node.name, {}).get("summed", {}).get(layer.native_names.get(param, param), 1.0)
        return self._lane_growth(n)

    @staticmethod
    def _lane_growth(n: float) -> float:
        """√(n/8): a plain sum of n terms in 8 SIMD lanes, n/8 additions in each (at least 1)."""
        return max(1.0, float(np.sqrt(n / 8)))

    @staticmethod
    def _sum_size(value, terms, reduction: float):
        """The rounding size of a sum: u·Σ|terms| for its cancelling part, and the lanes' growth
        (`_reduction`) on the part that does not cancel, |Σ|: k·|Σ| for terms of one sign (where
        Σ|terms| = |Σ|), ≈ Σ|terms| where the terms cancel (their partial sums stay small)."""
        return terms + (reduction - 1.0) * value

    def gradient(self, node, param: str, g: np.ndarray) -> np.ndarray:
        layer = registry()[node.type]
        terms = self.recs.get(node.name, {}).get("grad_terms", {}).get(layer.native_names.get(param, param))
        m = np.abs(g) if terms is None else np.maximum(layer.from_native(node, param, terms.detach().cpu().numpy()), np.abs(g))
        key = f"{'train:' if self.twin.model.training else ''}grad:{node.name}.{param}"
        self.magnitudes.setdefault(key, float(m.max(initial=0.0)))
        size = self._sum_size(np.abs(g), m, self._reduction(node, param))
        return g + self.rng.uniform(-self.size, self.size, g.shape) * size

    def native_gradient_noise(self, node, param: str, grad: torch.Tensor) -> torch.Tensor:
        """The rounding of a parameter's gradient in the twin's own layout (training steps)."""
        layer = registry()[node.type]
        terms = self.recs.get(node.name, {}).get("grad_terms", {}).get(layer.native_names.get(param, param))
        size = grad.abs() if terms is None else torch.maximum(terms, grad.abs())
        return self.noise(grad) * self._sum_size(grad.abs(), size, self._reduction(node, param))

    def state(self, node, param: str, value: np.ndarray) -> np.ndarray:
        """A moving statistic after a training-mode forward: a sum of its terms over the batch and
        positions, rounded as such (as a plain-sum gradient, `_sum_size`)."""
        rec = self.recs.get(node.name, {})
        m = rec.get("state_terms", {}).get(param)
        if m is None:
            return value * (1 + self.rng.uniform(-self.size, self.size, np.shape(value)))
        self.magnitudes.setdefault(f"train:{node.name}.{param}", float(np.max(m, initial=0.0)))
        n = rec.get("state_summed", 1.0) / max(1, np.size(m))
        size = self._sum_size(np.abs(value), np.maximum(np.abs(value), m), self._lane_growth(n))
        return value + self.rng.uniform(-self.size, self.size, np.shape(value)) * size

    def layer_outputs(self) -> dict[str, np.ndarray]:
        return {n.name: activation_to_logical(self.recs[n.name]["y"].cpu().numpy(), n.out_shape)
                for n in self.spec.nodes if "y" in self.recs.get(n.name, {})}

    # -- hooks --------------------------------------------------------------------------
    def __enter__(self):
        for node in self.spec.nodes:
            module = getattr(self.twin.model, node.name)
            self._handles += [module.register_forward_pre_hook(self._before(node)),
                              module.register_forward_hook(self._after(node))]
        return self

    def __exit__(self, *exc):
        for h in self._handles:
            h.remove()
        self._handles.clear()
        self.recs.clear()  # every layer's Σ|terms| (parameter-sized); only `magnitudes` outlives the run

    def _before(self, node):
        layer = registry()[node.type]

        def hook(module, inputs):
            if self._terms_pass:
                return None
            rec = self.recs[node.name] = {"state_terms": layer.state_magnitudes(node, module, inputs),
                                          "state_summed": inputs[0].numel()}
            if node.layer_type.piecewise and self.record_decisions:
                rec["decision_input"] = inputs[0].detach()
            if node.name in self.deviations:
                ref, seen = self.deviations[node.name]
                torch.maximum(seen, (inputs[0].detach() - ref).abs().float(), out=seen)
            with torch.no_grad():
                rec["shared"] = layer.shared_terms(node, module, inputs)
            fn = layer.term_function(node, module, inputs)
            if fn is not None:
                with torch.no_grad():
                    rec["size"] = self.terms(fn, module, inputs, grad=False)[0]
                if torch.is_grad_enabled():
                    rec["terms"] = (layer, node, module, inputs)  # the function is made again in the backward
            return tuple(_InputCotangent.apply(x, rec, i, self) if x.requires_grad else x for i, x in enumerate(inputs))

        return hook

    def terms(self, fn, module, inputs, grad: bool):
        """(Σ|terms| of the outputs, |inputs|, |parameters|) of one layer: its term function on
        absolute values, with graph (`grad`) for the vector-Jacobian products of the backward."""
        xs_abs = [x.detach().abs().requires_grad_(grad and x.requires_grad) for x in inputs]
        params_abs = {n: p.detach().abs().requires_grad_(grad and p.requires_grad) for n, p in module.named_parameters()}
        self._terms_pass = True  # the term function runs the module: its hooks stand aside
        try:
            return fn(xs_abs, params_abs), xs_abs, params_abs
        finally:
            self._terms_pass = False

    def _after(self, node):
        def hook(module, inputs, out):
            if self._terms_pass:
                return None
            rec = self.recs[node.name]
            if node.name in self.decisions:
                out = registry()[node.type].decide(node, module, inputs, *self.decisions[node.name])
            elif node.name in self.own_flips:
                layer = registry()[node.type]
                flipped = layer.decide(node, module, inputs, *self.own_flips[node.name])
                out = out + (flipped - layer.decide(node, module, inputs, inputs[0].detach(), None))
            size = rec.pop("size", None)
            if not node.layer_type.exact:  # an exact layer rounds nothing, forwards or backwards
                noise = self.noise(out) * (out.detach().abs() if size is None else size)
                if (shared := rec.pop("shared", None)) is not None:
                    value, terms, n = shared
                    common = self._sum_size(value, terms, self._lane_growth(n))
                    noise = noise + self.noise(common, self.shared_rng) * common  # one draw per channel, broadcast
                out = _Output.apply(out, noise, rec, self)
            if self.keep_outputs:
                rec["y"] = out.detach()
            return out

        return hook


def count_decisions(spec: Spec, model, method: str, a: dict, b: dict) -> int:
    """Sum over the piecewise layers of `a` of `TorchLayer.<method>` (`decision_differences`,
    `near_decisions`) of a[layer] and b[layer], with `model`'s modules."""
    return sum(getattr(registry()[spec.node(n).type], method)(spec.node(n), getattr(model, n), a[n], b[n]) for n in a)


def decision_inputs(spec: Spec, twin, layer_outputs: dict, x) -> dict:
    """The input every piecewise layer's module sees, from one run's `layer:<name>` outputs
    (logical layout) and the model input: internal layout, after the layer's pre-modules (SAME
    max-pool padding), on `twin`'s device in the run's own dtype (a float32 run's decisions are its
    float32 values exactly)."""
    from torch_impl.layout import activation_to_internal

    out = {}
    for node in spec.nodes:
        if not node.layer_type.piecewise:
            continue
        src = node.inputs[0]
        value = x if src == spec.input_name else layer_outputs[f"layer:{src}"]
        shape = spec.input_shape if src == spec.input_name else spec.node(src).out_shape
        # decisions only: kept in the run's own precision (a writable copy, for torch)
        t = torch.from_numpy(np.array(activation_to_internal(np.asarray(value), shape), order="C")).to(twin.device)
        with torch.no_grad():
            for suffix, _ in registry()[node.type].pre_modules(node):
                t = getattr(twin.model, node.name + suffix)(t)
        out[node.name] = t
    return out


@dataclass
class Sensitivity:
    """The float64 rounding-model evidence of one mode, every run reduced at once to distances
    (absolute, max over the tensor) from the plain float64 torch run, key by key:

    `draws`: DRAWS runs under the rounding model, every ReLU / max-pool decision held at the
    float64 run's; `flips`: one run in which every decision within rounding of its threshold is
    flipped (empty without piecewise layers); `errors`: per framework, its float32 run's distance
    from the float64 run that took that framework's own float32 decisions; `magnitudes`: max Σ|terms|
    of each sum; `decision_differences`: per piecewise layer, how many decisions tf and torch took
    differently; `float64`: one run under the rounding model at float64's own unit roundoff, how
    far float64 rounding alone moves each quantity (a gradient that is zero in exact arithmetic is
    all rounding, in float64 too), which bounds what the float64 proof may demand."""

    draws: list = field(default_factory=list)
    float64: dict = field(default_factory=dict)
    flips: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    magnitudes: dict = field(default_factory=dict)
    decision_differences: dict = field(default_factory=dict)


def _distances(run: dict, origin: dict) -> dict[str, float]:
    return {k: distance(v, origin[k]) for k, v in run.items() if k in origin and np.shape(v) == np.shape(origin[k])}


def analyse(spec: Spec, twin64, weights, x, labels, origin: dict, runs32: dict, training: bool = False,
            grads: bool = True, layers: bool = False, seed: int = 0, draws: int = DRAWS,
            decisions: dict | None = None) -> Sensitivity:
    """The rounding model on the float64 torch twin: `origin` is its plain run (`measure`'s dict),
    `runs32` the float32 runs (framework → `measure`'s dict), whose own decisions the conditioned
    runs follow: taken from `decisions` (framework → the `layer:` outputs feeding the piecewise
    layers; emptied here, as soon as they are converted), else from `runs32`.

    A piecewise layer is continuous in its output but its gradient jumps at a decision: one ReLU
    whose input is within rounding of 0 sends a whole term of a cancelling kernel gradient one way
    or the other (measured: 2e-3 of the gradient's scale behind a training-mode batchnorm). Which
    decisions a float32 run flips is luck of its rounding, so each runner's error is measured
    against the float64 run that took the same decisions, and the smooth draws hold the float64
    decisions; which decisions rounding can reach is not luck: those whose float64 margin is
    within the deviation the draws produced at that element, all flipped in the `flips` run.
    """
    from .measurement import measure

    large = activations_per_sample(spec) * len(x) * 8 > RELEASE_BYTES

    def run(rounding, reference: dict) -> dict[str, float]:
        """The run's distance from `reference`, key by key (each gradient reduced as it comes)."""
        def reduce(key, value):
            return distance(value, reference[key]) if np.shape(value) == np.shape(reference.get(key)) else None

        with rounding:
            out = measure(spec, twin64, weights, x, labels, training, grads, layers, rounding=rounding, reduce=reduce)
        if large:
            _release_memory()
        reduced = {k: v for k, v in out.items() if "grad:" in k and v is not None}
        return {**_distances({k: v for k, v in out.items() if "grad:" not in k}, reference), **reduced}

    result = Sensitivity()
    # each float32 run's decisions; `decisions` is consumed (activation-sized arrays)
    own = {fw: decision_inputs(spec, twin64, decisions.pop(fw) if decisions else runs32[fw], x) for fw in runs32}
    with torch.no_grad(), Rounding(spec, twin64, seed, 0, size=0.0, record_decisions=True) as plain:
        twin64.set_weights(weights)
        twin64.forward(x, training=training)
        fixed = {n: r["decision_input"] for n, r in plain.recs.items() if "decision_input" in r}
    twin64.set_weights(weights)
    del plain
    held = {name: (ref, None) for name, ref in fixed.items()}
    deviations = {name: (ref, torch.zeros_like(ref, dtype=torch.float32)) for name, ref in fixed.items()}
    for k in range(draws):
        rounding = Rounding(spec, twin64, seed, k, decisions=held, keep_outputs=layers, deviations=deviations)
        result.draws.append(run(rounding, origin))
        if k == 0:
            result.magnitudes = dict(rounding.magnitudes)
    def count(method, a: dict, b: dict) -> int:
        return count_decisions(spec, twin64.model, method, a, b)

    # the twin's own modules, no held decisions: `decide` computes the spec's piecewise maths, so a
    # translation that is wrong there (a leaky ReLU for a ReLU) would be excused by its own error
    seen64 = {name: (ref, torch.zeros_like(ref, dtype=torch.float32)) for name, ref in fixed.items()}
    result.float64 = run(Rounding(spec, twin64, seed, draws + 1, size=FLOAT64_ROUNDOFF, deviations=seen64), origin)
    # a decision at an exact tie (a value that equals its batch mean, through a batchnorm, meeting
    # a ReLU) goes either way under float64 rounding, and so may the two float64 twins': one draw
    # is a coin toss there, so a further run flips the twin's own decisions wherever the float64
    # reference is within the deviation that draw produced
    ties = {name: (ref, FLIP_RADIUS * seen.to(ref.dtype)) for name, (ref, seen) in seen64.items()}
    del seen64
    if count("near_decisions", fixed, {n: r for n, (_, r) in ties.items()}):
        flipped = run(Rounding(spec, twin64, seed, draws + 2, size=FLOAT64_ROUNDOFF, own_flips=ties), origin)
        result.float64 = {k: max(v, flipped.get(k, 0.0)) for k, v in result.float64.items()}
    del ties

    flips = {name: (ref, FLIP_RADIUS * seen.to(ref.dtype)) for name, (ref, seen) in deviations.items()}
    del deviations
    if count("near_decisions", fixed, {n: r for n, (_, r) in flips.items()}):  # else no decision can flip
        result.flips = run(Rounding(spec, twin64, seed, draws, decisions=flips, keep_outputs=layers), origin)
    del flips, held
    for fw, run32 in runs32.items():
        if count("decision_differences", own[fw], fixed) == 0:  # its decisions are the float64 run's
            result.errors[fw] = _distances(run32, origin)
            continue
        result.errors[fw] = run(Rounding(spec, twin64, seed, 0, size=0.0, keep_outputs=layers,
                                         decisions={n: (r, None) for n, r in own[fw].items()}), run32)
    if len(own) == 2:
        a, b = own.values()
        result.decision_differences = {n: count("decision_differences", {n: a[n]}, {n: b[n]}) for n in a}
    return result


def _release_memory() -> None:
    """Hand freed heap back to the system between the float64 runs (glibc keeps it otherwise, and
    the next run's peak stacks on top: ResNet50 would take 13 GB instead of 4). Only for runs
    above RELEASE_BYTES: a full collection with TensorFlow loaded takes ~0.8 s."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to hand back this way
        pass
