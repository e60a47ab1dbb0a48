"""The functions the posts compute, in TensorFlow and PyTorch against numpy float64: the table of
`crosscheck functions`.

Softmax and the spec's losses run through the emitted code: a spec of one softmax layer, or of
one identity layer (a reshape to the input's own shape) with the loss under test, built as each
twin, so the numbers are those of the Keras model and the nn.Module that `generate` hands out.
Their reference is the spec's own float64 maths (the softmax layer's `reference`,
`spec.losses.reference`). Entropy and KL divergence are no part of the spec: each framework's
own functions compute them (TF: `tf.math.xlogy`, `keras.losses.kl_divergence`; torch:
`torch.distributions`), against `scipy.stats.entropy`. Inputs are float32 in both frameworks;
every value is judged at the project's output tolerance, 1e-5 of the reference's scale. The
`post` column quotes the figure a post gives for its example (001 truncates to two decimals:
0.619 bits is its "0.61bits").
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from spec import build_spec, losses
from spec.layers import registry

from .tolerance import TOL_OUTPUT, compare_arrays

BITS, NATS = 2.0, math.e


@dataclass
class Row:
    function: str
    example: str
    reference: np.ndarray
    values: dict = field(default_factory=dict)  # framework → its value
    errors: dict = field(default_factory=dict)  # framework → max |value − reference| / scale
    post: str = ""  # the figure the post quotes for this example, as it quotes it

    @property
    def passed(self) -> bool:
        return all(e <= TOL_OUTPUT for e in self.errors.values())

    def as_dict(self) -> dict:
        def plain(v):
            return float(v) if np.ndim(v) == 0 else np.asarray(v).tolist()
        return {"function": self.function, "example": self.example, "reference": plain(self.reference),
                "values": {fw: plain(v) for fw, v in self.values.items()}, "errors": self.errors,
                "post": self.post, "verdict": "pass" if self.passed else "fail"}


def _judged(row: Row) -> Row:
    for fw, value in row.values.items():
        row.errors[fw] = compare_arrays(row.function, np.asarray(value, np.float64), row.reference, TOL_OUTPUT).max_scaled
    return row


# -- the spec's softmax and losses, through the emitted code ---------------------------------------
def _twins(raw: dict):
    from tf_impl.twin import TFTwin
    from torch_impl.twin import TorchTwin

    spec = build_spec(raw, f"<crosscheck functions: {raw['id']}>")
    return spec, {"tf": TFTwin(spec, "cpu"), "torch": TorchTwin(spec, "cpu")}


def softmax_row(example: str, logits: np.ndarray) -> Row:
    k = logits.shape[1]
    spec, twins = _twins({"id": "fn_softmax", "input": {"name": "logits", "shape": [k]},
                          "layers": [{"name": "softmax", "type": "softmax"}]})
    node = spec.node("softmax")
    reference = registry()["softmax"].reference(node.cfg, [logits.astype(np.float64)], {})
    return _judged(Row("softmax", example, reference, {fw: t.forward(logits) for fw, t in twins.items()}))


def loss_row(function: str, example: str, loss: dict, outputs: np.ndarray, labels: np.ndarray) -> Row:
    k = outputs.shape[1]
    _, twins = _twins({"id": "fn_loss", "input": {"name": "outputs", "shape": [k]},
                       "layers": [{"name": "same", "type": "reshape", "target_shape": [k]}], "loss": loss})
    reference = np.float64(losses.reference(loss, labels, outputs))
    return _judged(Row(function, example, reference, {fw: t.loss_and_grads(outputs, labels)[0] for fw, t in twins.items()}))


# -- entropy and KL divergence: each framework's own functions ----------------------------------
def _tf_entropy(p, base):
    import tensorflow as tf

    p = tf.constant(p, tf.float32)
    return float(-tf.reduce_sum(tf.math.xlogy(p, p), axis=-1) / tf.math.log(tf.constant(base, tf.float32)))


def _torch_entropy(p, base):
    import torch

    dist = torch.distributions.Categorical(probs=torch.tensor(p, dtype=torch.float32))
    return float(dist.entropy() / math.log(base))


def _tf_kl(p, q, base):
    import keras
    import tensorflow as tf

    kl = keras.losses.kl_divergence(tf.constant(p, tf.float32), tf.constant(q, tf.float32))
    return float(kl / tf.math.log(tf.constant(base, tf.float32)))


def _torch_kl(p, q, base):
    import torch

    def cat(v):
        return torch.distributions.Categorical(probs=torch.tensor(v, dtype=torch.float32))
    return float(torch.distributions.kl_divergence(cat(p), cat(q)) / math.log(base))


def _unit(base: float) -> str:
    return "bits" if base == BITS else "nats"


def entropy_row(example: str, p, base: float, post: str = "") -> Row:
    from scipy.stats import entropy

    p = np.asarray(p, np.float64)
    return _judged(Row(f"entropy ({_unit(base)})", example, np.float64(entropy(p, base=base)),
                       {"tf": _tf_entropy(p, base), "torch": _torch_entropy(p, base)}, post=post))


def kl_row(example: str, p, q, base: float) -> Row:
    from scipy.stats import entropy

    p, q = np.asarray(p, np.float64), np.asarray(q, np.float64)
    return _judged(Row(f"KL divergence ({_unit(base)})", example, np.float64(entropy(p, q, base=base)),
                       {"tf": _tf_kl(p, q, base), "torch": _torch_kl(p, q, base)}))


# -- the table ----------------------------------------------------------------------------------
def rows(seed: int = 0) -> list[Row]:
    """The posts' examples and seeded random inputs (8 samples, 10 classes, logits N(0, 3²))."""
    from scipy.special import softmax

    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 3, (8, 10)).astype(np.float32)
    classes = rng.integers(0, 10, 8)
    one_hot = np.eye(10, dtype=np.float32)[classes]
    probs = softmax(logits.astype(np.float64), axis=1).astype(np.float32)
    saturated = probs.copy()
    saturated[0] = np.eye(10, dtype=np.float32)[classes[0]]  # a confident, right row: the clip decides
    binary_logits = rng.normal(0, 3, (8, 4)).astype(np.float32)
    binary_labels = rng.integers(0, 2, (8, 4)).astype(np.float32)
    p, q = rng.dirichlet(np.ones(10)), rng.dirichlet(np.ones(10))
    random = f"seed {seed}, 8×10"
    return [
        softmax_row("[2, 1, 0.1]", np.array([[2.0, 1.0, 0.1]], np.float32)),
        softmax_row(f"{random} logits N(0, 3²)", logits),
        loss_row("softmax CE from logits, one-hot labels", random, {"type": "softmax_cross_entropy"}, logits, one_hot),
        loss_row("softmax CE from logits, sparse labels", random,
                 {"type": "softmax_cross_entropy", "labels": "sparse"}, logits, classes),
        loss_row("softmax CE from probabilities", random,
                 {"type": "softmax_cross_entropy", "from_logits": False}, probs, one_hot),
        loss_row("binary CE from logits", f"seed {seed}, 8×4", {"type": "binary_cross_entropy", "from_logits": True},
                 binary_logits, binary_labels),
        loss_row("binary CE from probabilities", f"seed {seed}, 8×4", {"type": "binary_cross_entropy"},
                 (1 / (1 + np.exp(-binary_logits.astype(np.float64)))).astype(np.float32), binary_labels),
        loss_row("clipped CE (dorian_mlp300)", f"{random}, row 0 one-hot", {"type": "clipped_cross_entropy"},
                 saturated, one_hot),
        entropy_row("unfair coin {0.99, 0.01}", [0.99, 0.01], BITS, post="0.08 bits"),
        entropy_row("softmax output {0.9, 0.05, 0.025, 0.025}", [0.9, 0.05, 0.025, 0.025], BITS, post="0.61 bits"),
        entropy_row("softmax output {0.3, 0.2, 0.25, 0.25}", [0.3, 0.2, 0.25, 0.25], BITS, post="1.98 bits"),
        entropy_row("fair die", np.full(6, 1 / 6), BITS),
        entropy_row(f"seed {seed}, Dirichlet(1) over 10", p, NATS),
        kl_row("{0.9, 0.1} ‖ {0.5, 0.5}", [0.9, 0.1], [0.5, 0.5], BITS),
        kl_row(f"seed {seed}, Dirichlet(1) ‖ Dirichlet(1)", p, q, NATS),
        kl_row(f"seed {seed}, Dirichlet(1) ‖ Dirichlet(1)", p, q, BITS),
    ]


def _show(v) -> str:
    return f"{float(v):.6g}" if np.ndim(v) == 0 else f"{np.shape(v)[0]}×{np.shape(v)[1]} array"


def markdown(table: list[Row]) -> str:
    lines = ["| function | input | numpy float64 | tf | torch | tf error | torch error | verdict | post |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in table:
        lines.append(f"| {r.function} | {r.example} | {_show(r.reference)} | {_show(r.values['tf'])} | "
                     f"{_show(r.values['torch'])} | {r.errors['tf']:.1e} | {r.errors['torch']:.1e} | "
                     f"{'pass' if r.passed else 'FAIL'} | {r.post} |")
    return "\n".join(lines)
