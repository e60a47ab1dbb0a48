"""Facts for choosing a backend for one spec, measured side by side in one run (`crosscheck choose`).

* Training steps/s: each twin's emitted training step (the code `crosscheck generate` hands out),
  and Keras' `compile` + `train_on_batch` on the same generated model (torch's idiomatic loop is
  the emitted step itself), on seeded synthetic batches of the spec's batch size.
* Inference latency at each batch size: `tf.function`, torch eager, `torch.compile` where it
  compiles, ONNX Runtime on each export (`crosscheck.speed`, interleaved rounds).
* Peak RSS of a process that runs one framework alone (its twin, inference at the largest batch
  and three training steps): what the framework costs in memory, measured, not estimated.
* Each ONNX export's size and opset.
* Each runner's float32 error against the float64 reference, the largest over `compare --onnx`'s
  checks (in units of each check's scale), and that comparison's verdict.
Times depend on the machine and its load; only ratios within one run mean much, so the table
gives TF / torch ratios measured in the same rounds.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from spec import Spec, init_weights

from . import speed

WARMUP = 3
FOOTPRINT_STEPS = 3


def measure(spec: Spec, device: str = "cpu", rounds: int = 7, min_time: float = 0.05, batches=(1, 64),
            threads: int | None = None) -> dict:
    from .compare import compare_spec
    from .conformance_inputs import make_batch
    from .datasets import synthetic
    from .training import schedule

    import torch

    device = "cuda" if device == "cuda" or (device == "auto" and torch.cuda.is_available()) else "cpu"
    out = {"spec": spec.id, "device": device, "threads": threads, "rounds": rounds, "inference": {}, "onnx": {}}
    with tempfile.TemporaryDirectory(prefix=f"choose-{spec.id}-") as tmp:
        runners, paths = speed.inference_runners(spec, init_weights(spec, 0), device, Path(tmp), threads)
        live = {k: v for k, v in runners.items() if callable(v)}
        for batch in batches:
            x, _ = make_batch(spec, batch, seed=0)
            for fn in live.values():
                for _ in range(WARMUP):
                    fn(x)
            times = speed.interleaved(live, x, rounds, min_time)
            out["inference"][str(batch)] = {k: times.get(k, v) for k, v in runners.items()}
        for fw, path in paths.items():
            import onnx

            model = onnx.load(str(path), load_external_data=False)
            out["onnx"][fw] = {"bytes": path.stat().st_size,
                               "opset": next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))}
    if spec.optimizer:
        data = synthetic.generate(spec)
        batch, _ = schedule(spec, len(data.x_train))
        steps = speed.training_runners(spec, data, batch, device)
        for fn in steps.values():
            for _ in range(WARMUP):
                fn(None)
        out["training"] = {"batch": batch, **speed.interleaved(steps, None, rounds, min_time)}
    out["peak_rss_bytes"] = {fw: footprint_of(spec, fw, device, max(batches)) for fw in ("tf", "torch")}
    result = compare_spec(spec, device=device, onnx=True)
    errors: dict[str, float] = {}
    for c in result.checks:
        for runner, e in c.errors.items():
            if np.isfinite(e):
                errors[runner] = max(errors.get(runner, 0.0), e)
    out["float32_error"] = errors
    out["verdict"] = result.verdict
    return out


def footprint_of(spec: Spec, framework: str, device: str, batch: int) -> int | None:
    """Peak RSS (bytes) of a child process running only `framework` (see `footprint`)."""
    code = ("import sys, json; from crosscheck.choose import footprint; "
            f"print(json.dumps(footprint({spec.source!r}, {framework!r}, {device!r}, {batch})))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def footprint(spec_path: str, framework: str, device: str, batch: int) -> int:
    """In a fresh process: one framework's twin, inference at `batch`, three training steps."""
    import resource

    from spec import load_spec

    from .conformance_inputs import make_batch
    from .datasets import synthetic
    from .training import DeviceData, dropout_masks, schedule
    from .twins import make_twin

    spec = load_spec(spec_path)
    twin = make_twin(spec, framework, device, init_weights(spec, 0))
    twin.forward(make_batch(spec, batch, seed=0)[0])
    if spec.optimizer:
        data = synthetic.generate(spec)
        bs, _ = schedule(spec, len(data.x_train))
        twin.start_training(neutral_dropout=True)
        dev = DeviceData(twin, spec, data)
        for s in range(FOOTPRINT_STEPS):
            idx = np.arange(s * bs, (s + 1) * bs) % len(data.x_train)
            twin.train_step(*dev.batch(idx), dropout_masks(spec, 0, s, len(idx)))
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the parent across exec
    status = Path("/proc/self/status")
    if status.exists():
        hwm = next(line for line in status.read_text().splitlines() if line.startswith("VmHWM:"))
        return int(hwm.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _ms(v) -> str:
    return f"{v * 1e3:.3f} ms" if isinstance(v, float) else str(v)


def _ratio(a, b) -> str:
    return f"{a / b:.2f}x" if isinstance(a, float) and isinstance(b, float) and b > 0 else ""


def table(m: dict) -> str:
    rows = [("", "TensorFlow", "PyTorch", "TF / torch")]
    t = m.get("training")
    if t:
        tf_s, pt_s = t["tf emitted train_step"], t["torch emitted train_step"]
        rows.append((f"training, emitted step (batch {t['batch']})", f"{1 / tf_s:.1f} steps/s", f"{1 / pt_s:.1f} steps/s",
                     _ratio(pt_s, tf_s)))  # a ratio of rates: TF's steps/s over torch's
        rows.append(("training, idiomatic", f"keras train_on_batch {1 / t['keras compile + fit']:.1f} steps/s",
                     "the emitted step is the plain loop", ""))
    for batch, r in m["inference"].items():
        rows.append((f"inference batch {batch}, native", _ms(r["tf (tf.function)"]) + " (tf.function)",
                     _ms(r["torch eager"]) + " (eager)", _ratio(r["tf (tf.function)"], r["torch eager"])))
        rows.append((f"inference batch {batch}, torch.compile", "", _ms(r["torch.compile"]), ""))
        rows.append((f"inference batch {batch}, ORT on the export", _ms(r["ORT (tf export)"]), _ms(r["ORT (torch export)"]),
                     _ratio(r["ORT (tf export)"], r["ORT (torch export)"])))
    rss = m["peak_rss_bytes"]
    rows.append(("peak RSS, the framework alone", *(f"{rss[fw] / 2**20:,.0f} MiB" if rss[fw] else "n/a" for fw in ("tf", "torch")),
                 _ratio(float(rss["tf"] or 0), float(rss["torch"] or 0))))
    rows.append(("ONNX export", *(f"{m['onnx'][fw]['bytes'] / 2**20:.2f} MiB, opset {m['onnx'][fw]['opset']}"
                                  for fw in ("tf", "torch")), ""))
    e = m["float32_error"]
    rows.append(("float32 error vs float64, native (outputs, loss, gradients)", f"{e.get('tf', float('nan')):.1e}",
                 f"{e.get('torch', float('nan')):.1e}", ""))
    rows.append(("float32 error vs float64, ORT (outputs)", f"{e.get('ort-tf', float('nan')):.1e}",
                 f"{e.get('ort-torch', float('nan')):.1e}", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    head = (f"{m['spec']} on {m['device']}: {m['rounds']} interleaved rounds, "
            f"{m['threads'] or 'default'} intra-op thread(s); one run, so compare within a row. "
            f"Conformance (compare --onnx): {m['verdict']}; errors in units of each check's scale.")
    return "\n".join([head] + ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows])


def chart(m: dict, path: Path) -> None:
    """Bars for people: training steps/s, and inference latency per batch, every runner."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from spec.atomic import atomic_path

    panels = ([("training steps/s (higher is better)", {k: 1 / v for k, v in m["training"].items() if k != "batch"})]
              if m.get("training") else [])
    panels += [(f"inference latency, batch {b} (ms, lower is better)",
                {k: v * 1e3 for k, v in r.items() if isinstance(v, float)}) for b, r in m["inference"].items()]
    fig, axes = plt.subplots(len(panels), 1, figsize=(8, 2.2 * len(panels) + 0.6), squeeze=False)
    for ax, (title, values) in zip(axes[:, 0], panels):
        names = list(values)
        colors = ["#ff8f00" if n.startswith(("tf", "keras", "ORT (tf")) else "#1565c0" for n in names]
        ax.barh(names, [values[n] for n in names], color=colors)
        ax.set_title(title, fontsize=10)
        ax.invert_yaxis()
        for i, n in enumerate(names):
            ax.text(values[n], i, f" {values[n]:.3g}", va="center", fontsize=8)
    fig.suptitle(f"{m['spec']} on {m['device']} (one run; orange TensorFlow, blue PyTorch)", fontsize=11)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
