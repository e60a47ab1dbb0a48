"""The training loop of either twin of a spec on its data set (or synthetic data shaped from the
spec), with the same batches, the same initial weights, the same random flips and (in conformance
mode) the same dropout masks, and everything a run writes.

A run of framework F in directory OUT writes, under OUT/F/:
* `steps.csv` (step, loss — the training loss of each step, before its update),
* `eval.csv` (step, test_loss, test_accuracy — after `step` updates; test loss is the spec's
  loss without its L2 term, averaged over the test set; accuracy is NaN, `null` in
  metrics.json, where the targets are not class ids: regression values, binary labels),
* `metrics.json` (the run's settings, both logs, wall time, and `stopped` when the loss went
  non-finite), `events.out.tfevents.*` (TensorBoard scalars `train/loss`, `test/loss`,
  `test/accuracy`), and
* `checkpoint.npz` (weights in the neutral format of `spec.weights`) with
  `checkpoint.state.npz` (optimiser slots in the spec's conventions, the step, and the logs up to
  it), rewritten atomically at each evaluation, so `resume=True` continues bit-for-bit the same
  curve: batches and dropout masks are functions of (seed, step), not of an iterator's state.
Files are always consistent with each other: they are written together, after a step completes
(`crosscheck.run_artifacts`).
"""
from __future__ import annotations

import math
import time
import zlib
from pathlib import Path

import numpy as np

from spec import Spec, losses

from . import run_artifacts as artifacts
from .conformance_inputs import starting_weights
from .datasets import preprocessing
from .datasets.batches import Batches
from .errors import UserError
from .twins import make_twin

EVAL_BATCH = 1000


def is_class_ids(y: np.ndarray) -> bool:
    """Integer targets are class ids (MNIST's labels); float ones already have the output's shape."""
    return np.issubdtype(y.dtype, np.integer)


def _one_binary_unit(spec: Spec) -> bool:
    return losses.label_kind(spec.loss) == losses.BINARY and spec.output_shape[-1] == 1


def labels_for(spec: Spec, y: np.ndarray) -> np.ndarray:
    """Targets as the spec's loss wants them: class ids as sparse ids or one-hot float32 (for a
    binary cross entropy on one unit, the id itself, 0 or 1, shaped like the output); binary
    labels and regression targets, already shaped like the output, as float32."""
    if not is_class_ids(y):
        return y.astype(np.float32, copy=False)
    if _one_binary_unit(spec):
        return y.astype(np.float32).reshape(len(y), *spec.output_shape)
    if losses.sparse_labels(spec.loss):
        return y.astype(np.int64)
    return np.eye(spec.output_shape[-1], dtype=np.float32)[y]


def predicted_classes(spec: Spec, outputs: np.ndarray) -> np.ndarray:
    """Class ids from the model's outputs: the arg max, or for one binary unit whether it is
    above 0.5 (probabilities) or 0 (logits)."""
    if _one_binary_unit(spec):
        threshold = 0.5 if losses.takes_probabilities(spec.loss) else 0.0
        return (outputs.reshape(len(outputs)) > threshold).astype(np.int64)
    return outputs.argmax(-1)


def dropout_masks(spec: Spec, seed: int, step: int, batch: int) -> dict[str, np.ndarray]:
    """Conformance-mode dropout: for each dropout layer, a mask of 0 and 1/(1−rate) drawn from
    numpy with seed (seed, step, crc32(layer name)), in the layer's logical (NHWC) shape."""
    masks = {}
    for node in spec.nodes:
        if node.layer_type.random_mask:
            rate = node.cfg["rate"]
            rng = np.random.default_rng([seed, step, zlib.crc32(node.name.encode())])
            keep = rng.random((batch, *node.out_shape), dtype=np.float32) >= rate
            masks[node.name] = keep.astype(np.float32) / np.float32(1.0 - rate)
    return masks


def flip_decisions(spec: Spec, seed: int, step: int, batch: int) -> np.ndarray | None:
    """`data.random_flip: left_right`: which images of step s's batch are mirrored, one numpy draw
    per image with seed (seed, step, crc32("random_flip")); None when the spec has no flips."""
    if spec.data.get("random_flip") != "left_right":
        return None
    return preprocessing.flip_decisions(batch, np.random.default_rng([seed, step, zlib.crc32(b"random_flip")]))


def schedule(spec: Spec, data_size: int, steps: int | None = None, epochs: int | None = None,
             batch_size: int | None = None) -> tuple[int, int]:
    """(batch size, total steps): explicit arguments first, then the spec's `training` section
    (`steps` wins over `epochs`), then Keras' default batch size 32 and one epoch."""
    t = spec.training
    bs = batch_size or t.get("batch_size", 32)
    if steps is None and epochs is None:
        steps, epochs = t.get("steps"), t.get("epochs", 1)
    total = steps if steps is not None else epochs * math.ceil(data_size / bs)
    return bs, total


class DeviceData:
    """The data set on a twin's device, moved once; batches are gathered there by index."""

    def __init__(self, twin, spec: Spec, data):
        self.twin, self.spec = twin, spec
        self.x = twin.to_device(data.x_train)
        self.y = twin.to_device(labels_for(spec, data.y_train))
        self.x_test = [twin.to_device(data.x_test[i:i + EVAL_BATCH]) for i in range(0, len(data.x_test), EVAL_BATCH)]
        self.y_test = [twin.to_device(labels_for(spec, data.y_test[i:i + EVAL_BATCH]))
                       for i in range(0, len(data.y_test), EVAL_BATCH)]
        self.y_test_ids = data.y_test if is_class_ids(data.y_test) else None  # no accuracy without classes

    def batch(self, idx: np.ndarray, flip: np.ndarray | None = None):
        """The examples `idx`, those where `flip` is true mirrored left-right (NHWC width axis)."""
        if self.twin.framework == "tf":
            import tensorflow as tf

            with tf.device(self.twin.device):
                x, y = tf.gather(self.x, tf.constant(idx)), tf.gather(self.y, tf.constant(idx))
                if flip is not None:
                    x = tf.where(tf.constant(flip.reshape(-1, 1, 1, 1)), tf.reverse(x, [2]), x)
                return x, y
        import torch

        i = torch.from_numpy(idx).to(self.twin.device)
        x = self.x[i]
        if flip is not None:
            x = torch.where(torch.from_numpy(flip.reshape(-1, 1, 1, 1)).to(x.device), x.flip(2), x)
        return x, self.y[i]

    def evaluate(self) -> tuple[float, float]:
        total, preds = 0.0, []
        for x, y in zip(self.x_test, self.y_test):
            loss, outputs = self.twin.evaluate(x, y)
            total += loss * len(outputs)
            preds.append(predicted_classes(self.spec, outputs))
        pred = np.concatenate(preds)
        if self.y_test_ids is None:
            return total / len(pred), math.nan
        return total / len(pred), float((pred == self.y_test_ids).mean())


def train(spec: Spec, framework: str, data, *, total_steps: int, batch_size: int, seed: int = 0,
          device: str = "auto", out: Path | None = None, eval_every: int | None = None,
          neutral_dropout: bool = True, resume: bool = False, weights: dict | None = None,
          origin: str = "given", progress: bool = True, twin=None) -> artifacts.RunResult:
    """Train one twin for `total_steps` steps from `weights`: by default where the spec starts
    (`conformance_inputs.starting_weights`: its declared pretrained weights, e.g. resnet50_transfer's
    ImageNet backbone, else `init_weights(spec, seed)`); `weights="native"` keeps the framework's own
    initialisation. `origin` says where given weights come from, for the run's settings."""
    from tqdm import tqdm

    if not spec.optimizer:
        raise UserError(f"spec {spec.id!r} has no optimizer section: nothing to train with")
    twin = twin or make_twin(spec, framework, device)
    if weights is None:
        weights, origin = starting_weights(spec, seed)
    if weights != "native":
        twin.set_weights(weights)
    twin.start_training(neutral_dropout=neutral_dropout)
    dev = DeviceData(twin, spec, data)
    batches = Batches(len(data.x_train), batch_size, seed)
    eval_every = eval_every or max(1, total_steps // 20)
    result = artifacts.RunResult(framework, 0, device=str(twin.device))
    run_dir = out / framework if out else None
    settings = {"spec": spec.id, "framework": framework, "seed": seed, "batch_size": batch_size,
                "total_steps": total_steps, "eval_every": eval_every, "neutral_dropout": neutral_dropout,
                "optimizer": spec.optimizer, "data": getattr(data, "source", "?"), "device": str(twin.device),
                "initial_weights": "native" if weights == "native" else origin}
    if run_dir:
        run_dir.mkdir(parents=True, exist_ok=True)
        if resume:
            artifacts.restore(run_dir, twin, spec, settings, result)
        tb = artifacts.TensorBoard(run_dir)
    elapsed0 = result.seconds
    start = time.perf_counter()
    bar = tqdm(total=total_steps, initial=result.steps_done, desc=f"{spec.id} {framework}", unit="step",
               disable=not progress, leave=False, mininterval=1.0)
    try:
        for step in range(result.steps_done, total_steps):
            idx = batches.indices(step)
            x, y = dev.batch(idx, flip_decisions(spec, seed, step, len(idx)))
            masks = dropout_masks(spec, seed, step, len(idx)) if neutral_dropout else None
            loss = twin.train_step(x, y, masks)
            if not math.isfinite(loss):
                result.stopped = f"loss is {loss} at step {step} (0-based: after {step} updates); training stopped"
                break
            result.losses.append(loss)
            result.steps_done = step + 1
            if run_dir:
                tb.scalar("train/loss", loss, step)
            bar.update(1)
            if result.steps_done % eval_every == 0 or result.steps_done == total_steps:
                test_loss, acc = dev.evaluate()
                result.evals.append((result.steps_done, test_loss, acc))
                bar.set_postfix(loss=f"{loss:.4g}", test_acc=f"{acc:.4f}")
                if run_dir:
                    tb.scalar("test/loss", test_loss, result.steps_done)
                    tb.scalar("test/accuracy", acc, result.steps_done)
                    result.seconds = elapsed0 + time.perf_counter() - start
                    artifacts.checkpoint(run_dir, twin, spec, settings, result)
    finally:
        bar.close()
    result.seconds = elapsed0 + time.perf_counter() - start
    if run_dir:
        tb.flush()
        artifacts.write_logs(run_dir, settings, result)
    return result
