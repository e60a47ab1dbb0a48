"""Timing every way this project can run a spec, for `crosscheck choose` and the benchmarks.

Inference runners: the generated Keras model under `tf.function`, the generated torch module
eager and under `torch.compile` (where it compiles), and ONNX Runtime on each export; all from the
same neutral weights, each call returning a NumPy array. Training runners: each twin's emitted
training step on batches gathered on its device, and Keras' own `compile` + `fit` on the same
generated model, optimiser and loss. Runners are timed in interleaved rounds (every runner once
per round), so a change in machine load hits all of them alike; a figure is the median over rounds.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np


def time_call(fn, x, min_time: float) -> float:
    """Seconds per call: repeat until `min_time` has passed, return the mean of that burst."""
    n, start = 0, time.perf_counter()
    while True:
        fn(x)
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return elapsed / n


def inference_runners(spec, weights, device: str, tmp: Path, threads: int | None = None) -> tuple[dict, dict]:
    """(name → callable taking a NumPy batch and returning a NumPy array or the reason it is n/a,
    framework → path of its ONNX export)."""
    import tensorflow as tf
    import torch

    from .onnx_export import export_model, run_session, session
    from .twins import make_twin

    tf_twin = make_twin(spec, "tf", device, weights)
    torch_twin = make_twin(spec, "torch", device, weights)
    keras_model = tf_twin.model
    serve = tf.function(lambda x: keras_model(x, training=False), reduce_retracing=True)
    model = torch_twin.model.eval()
    dev = torch_twin.device

    def tf_run(x):
        with tf.device(tf_twin.device):
            return serve(tf.constant(x)).numpy()

    def torch_runner(m):
        def run(x):
            with torch.inference_mode():
                return m(torch.from_numpy(x).to(dev)).cpu().numpy()
        return run

    out = {"tf (tf.function)": tf_run, "torch eager": torch_runner(model)}
    try:
        compiled = torch_runner(torch.compile(model))
        compiled(np.zeros((2, *spec.input_shape), np.float32))  # compile now, so a failure shows here
        out["torch.compile"] = compiled
    except Exception as e:  # inductor needs a working C++ toolchain; report why it is missing
        out["torch.compile"] = f"n/a ({type(e).__name__}: {str(e).strip().splitlines()[0][:80]})"
    paths = {}
    for fw in ("tf", "torch"):
        paths[fw] = export_model(spec, fw, make_twin(spec, fw, "cpu", weights), tmp / f"{spec.id}_{fw}.onnx")
        sess = session(paths[fw], device, threads)
        out[f"ORT ({fw} export)"] = lambda x, sess=sess: run_session(sess, x)
    return out, paths


def interleaved(fns: dict, arg, rounds: int, min_time: float) -> dict[str, float]:
    """name → median seconds per call of `fn(arg)` over `rounds` interleaved rounds."""
    samples = {k: [] for k in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            samples[name].append(time_call(fn, arg, min_time))
    return {k: statistics.median(v) for k, v in samples.items()}


def training_runners(spec, data, batch: int, device: str) -> dict:
    """name → callable running one training step per call (its argument is ignored)."""
    from spec import init_weights

    from . import training
    from .datasets.batches import Batches
    from .twins import make_twin

    out = {}
    for fw in ("tf", "torch"):
        twin = make_twin(spec, fw, device, init_weights(spec, 0))
        twin.start_training(neutral_dropout=True)
        dev = training.DeviceData(twin, spec, data)
        batches = Batches(len(data.x_train), batch, 0)

        def step(_, twin=twin, dev=dev, batches=batches, state={"step": 0}):
            s = state["step"]
            idx = batches.indices(s)
            twin.train_step(*dev.batch(idx, training.flip_decisions(spec, 0, s, len(idx))),
                            training.dropout_masks(spec, 0, s, len(idx)))
            state["step"] += 1
        out[f"{fw} emitted train_step"] = step
    out["keras compile + fit"] = _keras_fit(spec, data, batch, device)
    return out


def _keras_fit(spec, data, batch: int, device: str):
    """One `model.fit` step per call on the next batch (Keras' own compiled train function)."""
    import tensorflow as tf

    from . import training
    from .twins import make_twin

    twin = make_twin(spec, "tf", device)
    model = twin.model
    model.compile(optimizer=twin.module.make_optimizer(), loss=twin.module.loss_fn)
    y = training.labels_for(spec, data.y_train)
    n = len(data.x_train) // batch
    state = {"i": 0}

    def step(_):
        i = state["i"] % n
        with tf.device(twin.device):
            model.train_on_batch(data.x_train[i * batch:(i + 1) * batch], y[i * batch:(i + 1) * batch])
        state["i"] += 1
    return step
