"""Inference latency and throughput of one spec, every way this project can run it, side by side.

Runners: native TF (the generated Keras model under `tf.function`), native torch (eager, and
`torch.compile` where it compiles), ONNX Runtime on the TF export and on the torch export. All
start from the same neutral weights and see the same input; each call includes getting the
output back as a NumPy array. The runners are timed in interleaved rounds (each round times every
runner once) so a change in machine load hits all of them alike; the figure is the median
per-call latency over all rounds. Not a test: nothing is asserted.

    .venv/bin/python benchmarks/inference_speed.py [--specs ltfn6_convnet_he eager_mnist_cnn]
        [--batches 1 64] [--rounds 15] [--min-time 0.05] [--device cpu] [--threads 1]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import crosscheck  # noqa: E402,F401  (triton before TensorFlow)
from crosscheck.speed import inference_runners, interleaved  # noqa: E402


def main(argv=None) -> int:
    import numpy as np
    import onnxruntime
    import tensorflow as tf
    import torch

    from crosscheck.conformance_inputs import make_batch
    from spec import init_weights, load_spec

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--specs", nargs="+", default=["ltfn6_convnet_he", "eager_mnist_cnn"])
    parser.add_argument("--batches", nargs="+", type=int, default=[1, 64])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--min-time", type=float, default=0.05, help="seconds per runner per round")
    parser.add_argument("--device", choices=["cpu", "cuda", "auto"], default="cpu")
    parser.add_argument("--threads", type=int, default=1,
                        help="intra-op threads of every runner (default 1: comparable, and stable on a shared machine)")
    args = parser.parse_args(argv)
    # Before any TensorFlow op runs, or TF ignores it. No conformance mode: deployments do not pay for determinism.
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    torch.set_num_threads(args.threads)

    print("# Inference speed\n")
    print(f"`benchmarks/inference_speed.py --specs {' '.join(args.specs)} --batches {' '.join(map(str, args.batches))} "
          f"--rounds {args.rounds} --min-time {args.min_time} --device {args.device} --threads {args.threads}`\n")
    print(f"CPU cores: {os.cpu_count()}; {args.threads} intra-op thread(s) per runner; tensorflow {tf.__version__}, "
          f"torch {torch.__version__}, onnxruntime {onnxruntime.__version__}. Median latency over {args.rounds} "
          "interleaved rounds; throughput = batch / latency; ratio = latency / the fastest runner's.\n")
    with tempfile.TemporaryDirectory() as tmp:
        for spec_id in args.specs:
            spec = load_spec(spec_id)
            weights = init_weights(spec, 0)
            run, _ = inference_runners(spec, weights, args.device, Path(tmp), args.threads)
            live = {k: v for k, v in run.items() if callable(v)}
            for batch in args.batches:
                x, _ = make_batch(spec, batch, seed=0)
                ref = live["torch eager"](x)
                for name, fn in live.items():  # warm-up, and a sanity check that all agree
                    for _ in range(3):
                        y = fn(x)
                    assert np.abs(y - ref).max() <= 1e-4 * max(np.abs(ref).max(), 1e-30), name
                lat = interleaved(live, x, args.rounds, args.min_time)
                best = min(lat.values())
                print(f"## {spec_id}, batch {batch}\n")
                print("| runner | latency (ms) | throughput (examples/s) | ratio to fastest |")
                print("|---|---|---|---|")
                for name in run:
                    if name in lat:
                        print(f"| {name} | {lat[name] * 1e3:.3f} | {batch / lat[name]:,.0f} | {lat[name] / best:.2f}× |")
                    else:
                        print(f"| {name} | {run[name]} | | |")
                print(flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
