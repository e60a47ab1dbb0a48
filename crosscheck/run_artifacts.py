"""What a training run leaves behind, and how it is read back: the run's record (`RunResult`),
its logs (`steps.csv`, `eval.csv`, `metrics.json`), TensorBoard scalars, the resumable checkpoint
(`checkpoint.npz` + `checkpoint.state.npz`) and the curves' plot. The files are described in
`crosscheck.training`, which writes them through these functions.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from spec import Spec, load_weights, save_weights
from spec.atomic import atomic_path, write_text_atomic

from .errors import UserError


@dataclass
class RunResult:
    framework: str
    steps_done: int
    losses: list[float] = field(default_factory=list)
    evals: list[tuple[int, float, float]] = field(default_factory=list)
    seconds: float = 0.0
    stopped: str | None = None
    device: str = ""

    @property
    def final_accuracy(self) -> float | None:
        return self.evals[-1][2] if self.evals else None

    @property
    def final_test_loss(self) -> float | None:
        return self.evals[-1][1] if self.evals else None


class TensorBoard:
    """Scalars in TensorBoard's event format, written with TensorFlow's core `tf.summary.write`
    (the `tensorboard` package, which `tf.summary.scalar` needs, is not a dependency)."""

    def __init__(self, logdir: Path):
        import tensorflow as tf
        from tensorflow.core.framework import summary_pb2

        self.tf = tf
        self.writer = tf.summary.create_file_writer(str(logdir))
        self.meta = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars"))

    def scalar(self, tag: str, value: float, step: int) -> None:
        with self.writer.as_default():
            self.tf.summary.write(tag, self.tf.constant(value, self.tf.float32), step=step, metadata=self.meta)

    def flush(self) -> None:
        self.writer.flush()


def write_logs(run_dir: Path, settings: dict, result: RunResult) -> None:
    write_text_atomic(run_dir / "steps.csv", "step,loss\n" + "".join(f"{i},{v!r}\n" for i, v in enumerate(result.losses)))
    write_text_atomic(run_dir / "eval.csv", "step,test_loss,test_accuracy\n"
                      + "".join(f"{s},{l!r},{a!r}\n" for s, l, a in result.evals))
    def number(v):  # strict JSON has no NaN: an undefined accuracy is null
        return None if v is None or math.isnan(v) else v

    summary = {**settings, "steps_done": result.steps_done, "seconds": round(result.seconds, 3),
               "stopped": result.stopped, "final_test_loss": result.final_test_loss,
               "final_test_accuracy": number(result.final_accuracy), "losses": result.losses,
               "evals": [{"step": s, "test_loss": l, "test_accuracy": number(a)} for s, l, a in result.evals]}
    write_text_atomic(run_dir / "metrics.json", json.dumps(summary, indent=1) + "\n")


def checkpoint(run_dir: Path, twin, spec: Spec, settings: dict, result: RunResult) -> None:
    save_weights(run_dir / "checkpoint.npz", spec, twin.get_weights())
    state = {f"optimizer/{k}": v for k, v in twin.get_optimizer_state().items()}
    state.update({"log/losses": np.asarray(result.losses, np.float64), "log/evals": np.asarray(result.evals, np.float64).reshape(-1, 3),
                  "log/steps_done": np.asarray(result.steps_done), "log/seconds": np.asarray(result.seconds),
                  "settings": np.asarray(json.dumps(settings, sort_keys=True))})
    with atomic_path(run_dir / "checkpoint.state.npz") as tmp, open(tmp, "wb") as f:
        np.savez(f, **state)
    write_logs(run_dir, settings, result)


def restore(run_dir: Path, twin, spec: Spec, settings: dict, result: RunResult) -> None:
    path = run_dir / "checkpoint.state.npz"
    if not path.exists():
        raise UserError(f"{path}: no checkpoint to resume from")
    with np.load(path, allow_pickle=False) as z:
        state = {k: z[k] for k in z.files}
    saved = json.loads(str(state["settings"]))
    # a setting the checkpoint does not record is one it predates (initial_weights): not a difference
    differ = {k: (saved.get(k), v) for k, v in settings.items()
              if k not in ("device", "total_steps") and k in saved and saved[k] != v}
    if differ:
        raise UserError(f"{path}: checkpoint was made with different settings: "
                        + ", ".join(f"{k} {a!r} (now {b!r})" for k, (a, b) in differ.items()))
    weights = load_weights(run_dir / "checkpoint.npz", spec)
    twin.set_weights(weights)
    twin.set_optimizer_state({k.split("/", 1)[1]: v for k, v in state.items() if k.startswith("optimizer/")})
    result.losses = [float(v) for v in state["log/losses"]]
    result.evals = [(int(s), float(l), float(a)) for s, l, a in state["log/evals"]]
    result.steps_done = int(state["log/steps_done"])
    result.seconds = float(state["log/seconds"])


def plot(results: dict[str, RunResult], path: Path, title: str) -> None:
    """Training loss (per step, and its running mean) and test accuracy of each framework, overlaid."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    styles = {"tf": {"color": "tab:orange"}, "torch": {"color": "tab:blue", "linestyle": "--"}}
    for fw, r in results.items():
        if r.losses:
            ax1.plot(np.arange(len(r.losses)), r.losses, alpha=0.25, **styles[fw])
            w = max(1, len(r.losses) // 100)
            smooth = np.convolve(r.losses, np.ones(w) / w, mode="valid")
            ax1.plot(np.arange(len(smooth)) + w - 1, smooth, label=f"{fw} (running mean of {w})", **styles[fw])
        if r.evals:
            s, _, a = zip(*r.evals)
            ax2.plot(s, a, marker=".", label=fw, **styles[fw])
    ax1.set(xlabel="step", ylabel="training loss", title=f"{title}: training loss")
    if any(min(r.losses, default=1) > 0 for r in results.values()):
        ax1.set_yscale("log")
    ax2.set(xlabel="step", ylabel="test accuracy", title=f"{title}: test accuracy")
    ax1.legend()
    ax2.legend()
    fig.tight_layout()
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        fig.savefig(f, format="png", dpi=90)
    plt.close(fig)
