"""Post 003's "optimal input images": inputs learned for a frozen classifier, one per class.

A spec of this kind (`data.generate: one_hot`) feeds the N one-hot vectors to a dense layer without
bias, so row k of that layer's kernel is the input learned for class k; the layers after it are
the classifier, frozen, with the weights of the spec they come from (`weights_from`). This module
reads the learned inputs out of each twin, asks the frozen classifier what it makes of them, and
draws them beside the class means of the classifier's own test set (the post's top row).
"""
from __future__ import annotations

import numpy as np

from spec import Spec

from .twins import FRAMEWORKS


def applies(spec: Spec) -> bool:
    return "one_hot" in spec.data.get("generate", {})


def input_layer(spec: Spec):
    """The dense layer fed the one-hot vectors: its kernel holds the learned inputs."""
    return next(n for n in spec.nodes if n.inputs == [spec.input_name])


def objective(spec: Spec, twin, data) -> float:
    """A trained twin's training objective over the N examples: the spec's loss plus its penalties."""
    from .training import labels_for

    return twin.loss_and_grads(data.x_test, labels_for(spec, data.y_test))[0]


def learned(spec: Spec, row: dict) -> dict[str, np.ndarray]:
    """Each twin's learned inputs (class × values): its input layer's kernel after training."""
    return {fw: row["weights"][fw][f"{input_layer(spec).name}.kernel"] for fw in FRAMEWORKS}


def image_shape(spec: Spec, sources: dict) -> tuple:
    """The learned inputs drawn in the shape of the source spec's input where the sizes match
    (784 → 28×28), else as one row."""
    n = input_layer(spec).param_shapes["kernel"][1]
    for source in sources.values():
        shape = source.spec.input_shape
        if int(np.prod(shape)) == n:
            return tuple(shape[:2])
    return (1, n)


def class_means(source, shape: tuple) -> np.ndarray | None:
    """Per class, the mean of the source's test images (the post's "average pixel density")."""
    x, y = source.data.x_test, source.data.y_test
    if not np.issubdtype(y.dtype, np.integer) or int(np.prod(x.shape[1:])) != int(np.prod(shape)):
        return None
    return np.stack([x[y == k].reshape(-1, *shape).mean(axis=0) for k in range(int(y.max()) + 1)])


def plot(fig_rows: list[tuple[str, np.ndarray, dict]], title: str, path) -> None:
    """One row of images per (label, images, imshow options), one column per class."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from spec.atomic import atomic_path

    n = len(fig_rows[0][1])
    fig, axes = plt.subplots(len(fig_rows), n, figsize=(1.1 * n, 1.35 * len(fig_rows) + 0.5), squeeze=False)
    for i, (row_axes, (label, images, options)) in enumerate(zip(axes, fig_rows)):
        for k, (ax, image) in enumerate(zip(row_axes, images)):
            ax.imshow(image, **options)
            ax.set_xticks([])
            ax.set_yticks([])
            if k == 0:
                ax.set_ylabel(label, fontsize=8)
            if i == 0:
                ax.set_title(str(k), fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)


def picture(spec: Spec, row: dict, sources: dict, path) -> None:
    """The class means of the source's test set (when it has images of the inputs' size), then
    each twin's learned inputs on one shared colour scale centred on 0."""
    shape = image_shape(spec, sources)
    images = {fw: v.reshape(-1, *shape) for fw, v in learned(spec, row).items()}
    bound = max(float(np.abs(v).max()) for v in images.values())
    rows = []
    for source in sources.values():
        means = class_means(source, shape)
        if means is not None:
            rows.append((f"{source.spec.id}\ntest-set mean", means, {"cmap": "gray", "vmin": 0.0}))
    rows += [(f"{fw} twin", images[fw], {"cmap": "RdBu_r", "vmin": -bound, "vmax": bound}) for fw in FRAMEWORKS]
    plot(rows, f"{spec.id}: {row['steps']} steps; learned inputs on ±{bound:.3g} (red +, blue −)", path)


def _l1_note(spec: Spec, inputs: dict[str, np.ndarray]) -> list[str]:
    """Gradient descent under an L1 penalty moves every pixel by lr·λ₁ whatever its size, so the
    pixels the penalty holds at 0 hop across it; where one lands within float32 rounding of 0,
    sign(x) differs between the twins and that pixel parts by 2·lr·λ₁ (one such flip is where
    the twins first part)."""
    l1 = input_layer(spec).cfg.get("kernel_regularizer", {}).get("l1")
    if not l1 or spec.optimizer["type"] != "sgd":
        return []
    hop = 2 * spec.optimizer["learning_rate"] * l1
    d = np.abs(inputs["tf"] - inputs["torch"])
    return [f"Each step moves every pixel by lr·λ₁ = {hop / 2:g} through the L1 term, so the pixels it holds at 0 hop "
            f"across 0; where one lands within float32 rounding of 0, sign(x) differs between the twins and they part "
            f"there by 2·lr·λ₁ = {hop:g}. Pixels differing by more than 1e-4: {int((d > 1e-4).sum())} of {d.size}; "
            f"the largest difference {d.max():.4g}.", ""]


def note(spec: Spec, row: dict, sources: dict) -> list[str]:
    """Markdown: where the frozen weights came from, each twin's objective, how far the twins'
    inputs are apart, and per class the frozen classifier's prediction and confidence (its output
    for the class's one-hot vector, `row["fits"]`)."""
    lines = []
    for source in sources.values():
        r = source.result
        how = f"{source.epochs} epochs" if source.epochs else "its own schedule"
        lines.append(f"Frozen layers from `{source.spec.id}`, trained in the {source.framework} twin for {how} "
                     f"({r.steps_done} steps, {r.seconds:.0f} s): test accuracy {r.final_accuracy:.4f}.")
    inputs = learned(spec, row)
    gap = float(np.abs(inputs["tf"] - inputs["torch"]).max())
    lines += ["", f"Objective (the spec's loss plus its penalty) after the last step: TF {row['objective']['tf']:.6g}, "
                  f"torch {row['objective']['torch']:.6g}. Learned inputs: max |TF − torch| {gap:.2g} "
                  f"(max |input| {float(np.abs(inputs['torch']).max()):.3g}); pixels with |value| < 1e-3: "
                  + ", ".join(f"{fw} {int((np.abs(inputs[fw]) < 1e-3).sum())} of {inputs[fw].size}" for fw in FRAMEWORKS)
                  + ".", "",
              *_l1_note(spec, inputs),
              "| class | TF: predicted (its probability) | TF: p(class) | torch: predicted (its probability) | torch: p(class) |",
              "|---|---|---|---|---|"]
    for k in range(len(inputs["tf"])):
        cells = []
        for fw in FRAMEWORKS:
            p = row["fits"][fw][k]
            cells += [f"{int(p.argmax())} ({p.max():.4f})", f"{p[k]:.4f}"]
        lines.append(f"| {k} | " + " | ".join(cells) + " |")
    return lines
