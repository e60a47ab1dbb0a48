"""The spec's losses as PyTorch source for the generated `loss_fn(labels, outputs)`.

Written to the spec's formulas (see spec/SEMANTICS.md): from logits via log-softmax / the
stable sigmoid form; from probabilities with Keras' clipping to [1e-7, 1 - 1e-7], which
`F.binary_cross_entropy` (log clamped at -100) does not do.
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
            if sparse:
                return ["    return F.cross_entropy(outputs, labels.long())"]
            return ["    return torch.mean(-torch.sum(labels * F.log_softmax(outputs, dim=-1), dim=-1))"]
        lines = ["    probs = outputs / outputs.sum(dim=-1, keepdim=True)",
                 "    probs = probs.clamp(1e-7, 1.0 - 1e-7)"]
        if sparse:
            lines.append("    labels = F.one_hot(labels.long(), outputs.shape[-1]).to(outputs.dtype)")
        return lines + ["    return torch.mean(-torch.sum(labels * torch.log(probs), dim=-1))"]
    if kind == "binary_cross_entropy":
        if loss["from_logits"]:
            return ["    return F.binary_cross_entropy_with_logits(outputs, labels)"]
        return ["    probs = outputs.clamp(1e-7, 1.0 - 1e-7)",
                "    return torch.mean(-(labels * torch.log(probs) + (1.0 - labels) * torch.log(1.0 - probs)))"]
    if kind == "clipped_cross_entropy":
        lo, hi = loss["clip"]
        return [f"    probs = outputs.clamp({lo!r}, {hi!r})",
                "    return torch.mean(-torch.sum(labels * torch.log(probs) + (1.0 - labels) * torch.log(1.0 - probs), dim=-1))"]
    if kind in ("mse", "mae"):
        error = "(outputs - labels) ** 2" if kind == "mse" else "torch.abs(outputs - labels)"
        return [{"mean": f"    return torch.mean({error})",
                 "sum_over_outputs": f"    return torch.mean(torch.sum(({error}).flatten(1), dim=-1))",
                 "sum": f"    return torch.sum({error})"}[loss["reduction"]]]
    raise ValueError(f"no torch translation of loss {kind!r}")
