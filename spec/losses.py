"""The spec's losses (`loss` section): fields, defaults, formulas and label kinds, defined once.

The schema (`spec.schema`), both translations (`tf_impl/losses.py`, `torch_impl/losses.py`), the
conformance inputs, synthetic data and the ONNX probability outputs all read these definitions,
and every field a spec leaves out takes its default from `resolve()`. Each loss is a mean over
the batch (ŷ the model's output, y the labels):

* `softmax_cross_entropy(from_logits=true, labels="one_hot")`: −Σ_k y_k log softmax(ŷ)_k; from
  probabilities ŷ is renormalised to sum 1 and clipped to [1e-7, 1 − 1e-7] (Keras). `sparse`
  labels are class ids.
* `binary_cross_entropy(from_logits=false)`: mean over outputs of −(y log p + (1 − y) log(1 − p)),
  p = σ(ŷ) from logits, else ŷ clipped to [1e-7, 1 − 1e-7].
* `clipped_cross_entropy(clip=[1e-10, 0.9999999])`: −Σ_k [y log p + (1 − y) log(1 − p)],
  p = clip(ŷ, lo, hi) (the seeds' hand-written TF 1.x loss).
* `mse`: mean of (ŷ − y)²;  `mae`: mean of |ŷ − y|. Their `reduction`: `mean` (default, over
  every element), `sum_over_outputs` (summed over each example's outputs, then the mean over the
  batch: the Kadenze painting's Σ_rgb |ŷ − y| per pixel), or `sum` (over everything: the matrix
  inverse post's Σ|X·A − I|).
"""
from __future__ import annotations

_PROB = {"type": "number", "minimum": 0, "maximum": 1}

# type → {field: (JSON Schema, default)}
FIELDS: dict[str, dict[str, tuple[dict, object]]] = {
    "softmax_cross_entropy": {"from_logits": ({"type": "boolean"}, True),
                              "labels": ({"enum": ["one_hot", "sparse"]}, "one_hot")},
    "binary_cross_entropy": {"from_logits": ({"type": "boolean"}, False)},
    "clipped_cross_entropy": {"clip": ({"type": "array", "items": _PROB, "minItems": 2, "maxItems": 2}, [1e-10, 0.9999999])},
    "mse": {"reduction": ({"enum": ["mean", "sum_over_outputs", "sum"]}, "mean")},
    "mae": {"reduction": ({"enum": ["mean", "sum_over_outputs", "sum"]}, "mean")},
}
# what the labels of each loss are: class ids or one-hot rows, 0/1 per output, or real targets
CLASSES, BINARY, TARGETS = "classes", "binary", "targets"
LABELS = {"softmax_cross_entropy": CLASSES, "clipped_cross_entropy": CLASSES, "binary_cross_entropy": BINARY,
          "mse": TARGETS, "mae": TARGETS}
# with the spec's loss absent, inputs and synthetic data are made as for this one
NO_LOSS = {"type": "mse"}


def schema_kinds() -> dict[str, tuple[dict, tuple]]:
    """type → (properties, required) for `spec.schema._tagged`."""
    return {kind: ({name: sch for name, (sch, _) in fields.items()}, ()) for kind, fields in FIELDS.items()}


def resolve(loss: dict | None) -> dict:
    """The loss with every default filled in (a new dict); `NO_LOSS` resolved for None."""
    loss = loss or NO_LOSS
    return {**{name: default for name, (_, default) in FIELDS[loss["type"]].items()}, **loss}


def label_kind(loss: dict | None) -> str:
    return LABELS[resolve(loss)["type"]]


def sparse_labels(loss: dict | None) -> bool:
    return resolve(loss).get("labels") == "sparse"


def takes_probabilities(loss: dict | None) -> bool:
    """True when the loss reads the model's output as probabilities (no softmax/sigmoid of its own)."""
    full = resolve(loss)
    return full["type"] == "clipped_cross_entropy" or (
        full["type"] in ("softmax_cross_entropy", "binary_cross_entropy") and not full["from_logits"])


def describe(loss: dict | None) -> str:
    """One line for docstrings and reports, e.g. "softmax_cross_entropy (from_logits=True)"."""
    if not loss:
        return "No loss declared in the spec."
    extras = ", ".join(f"{k}={v}" for k, v in loss.items() if k != "type")
    return f"Spec loss `{loss['type']}`{f' ({extras})' if extras else ''}, mean over the batch."


PROBABILITY_CLIP = 1e-7  # Keras' epsilon: probabilities are clipped to [ε, 1 − ε] where the formulas above say so


def reference(loss: dict | None, labels, outputs) -> float:
    """The loss in numpy float64, from the formulas above alone (a third opinion beside the two
    translations; `crosscheck functions` prints all three)."""
    import numpy as np

    full = resolve(loss)
    kind, y = full["type"], np.asarray(outputs, np.float64).reshape(len(outputs), -1)
    if LABELS[kind] == CLASSES and full.get("labels") == "sparse":
        t = np.eye(y.shape[1])[np.asarray(labels, np.int64).reshape(-1)]
    else:
        t = np.asarray(labels, np.float64).reshape(y.shape)
    eps = PROBABILITY_CLIP
    if kind == "softmax_cross_entropy":
        if full["from_logits"]:
            shifted = y - y.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        else:
            log_p = np.log(np.clip(y / y.sum(axis=1, keepdims=True), eps, 1 - eps))
        return float(np.mean(-(t * log_p).sum(axis=1)))
    if kind == "binary_cross_entropy":
        if full["from_logits"]:  # log σ(ŷ) and log(1 − σ(ŷ)) = log σ(−ŷ), without overflow
            log_p, log_q = -np.logaddexp(0, -y), -np.logaddexp(0, y)
        else:
            p = np.clip(y, eps, 1 - eps)
            log_p, log_q = np.log(p), np.log(1 - p)
        return float(np.mean(-(t * log_p + (1 - t) * log_q)))
    if kind == "clipped_cross_entropy":
        p = np.clip(y, *full["clip"])
        return float(np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)).sum(axis=1)))
    if kind in ("mse", "mae"):
        e = (y - t) ** 2 if kind == "mse" else np.abs(y - t)
        return float({"mean": np.mean(e), "sum_over_outputs": np.mean(e.sum(axis=1)), "sum": np.sum(e)}[full["reduction"]])
    raise ValueError(f"no reference for loss {kind!r}")
