"""The spec's losses as Keras/TF source for the generated `loss_fn(labels, outputs)`.

From logits, the framework's fused kernels are used (`tf.nn.*_with_logits` via Keras). From
probabilities the spec's formula is written out rather than calling `keras.losses`: Keras
silently swaps in the logits cached on a softmax/sigmoid output (`_keras_logits`), which changes
the maths the spec defines.
"""
from __future__ import annotations

from spec import losses


def loss_source(loss: dict | None) -> list[str]:
    if not loss:
        return ['    raise NotImplementedError("this spec declares no loss")']
    loss = losses.resolve(loss)
    kind = loss["type"]
    if kind == "softmax_cross_entropy":
        sparse = loss["labels"] == "sparse"
        if loss["from_logits"]:
            fn = "sparse_categorical_crossentropy" if sparse else "categorical_crossentropy"
            return [f"    return ops.mean(keras.losses.{fn}(labels, outputs, from_logits=True))"]
        lines = ["    probs = outputs / ops.sum(outputs, axis=-1, keepdims=True)",
                 "    probs = ops.clip(probs, 1e-7, 1.0 - 1e-7)"]
        if sparse:
            lines.append("    labels = ops.one_hot(ops.cast(labels, \"int32\"), ops.shape(outputs)[-1])")
        return lines + ["    return ops.mean(-ops.sum(labels * ops.log(probs), axis=-1))"]
    if kind == "binary_cross_entropy":
        if loss["from_logits"]:
            return ["    return ops.mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=outputs))"]
        return ["    probs = ops.clip(outputs, 1e-7, 1.0 - 1e-7)",
                "    return ops.mean(-(labels * ops.log(probs) + (1.0 - labels) * ops.log(1.0 - probs)))"]
    if kind == "clipped_cross_entropy":
        lo, hi = loss["clip"]
        return [f"    probs = ops.clip(outputs, {lo!r}, {hi!r})",
                "    return ops.mean(-ops.sum(labels * ops.log(probs) + (1.0 - labels) * ops.log(1.0 - probs), axis=-1))"]
    if kind in ("mse", "mae"):
        error = "ops.square(outputs - labels)" if kind == "mse" else "ops.abs(outputs - labels)"
        return [{"mean": f"    return ops.mean({error})",
                 "sum_over_outputs": f"    return ops.mean(ops.sum(ops.reshape({error}, (ops.shape(outputs)[0], -1)), axis=-1))",
                 "sum": f"    return ops.sum({error})"}[loss["reduction"]]]
    raise ValueError(f"no TF translation of loss {kind!r}")
