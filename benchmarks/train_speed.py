"""Training speed of the twins next to idiomatic hand-written loops, measured in one run.

For each spec: steps/s of
* the TF twin (`TFTwin.train_step`: a `tf.function` step, batches gathered on the device),
* the torch twin (`TorchTwin.train_step`),
* Keras `model.compile(...)` + `model.fit(...)` (its own `tf.function` train step) on the same
  generated Keras model, optimiser and loss,
* a plain PyTorch loop (zero_grad / forward / loss / backward / step) on the same generated module,
all on the same data and batch size, after warm-up steps. Printed: steps/s and the ratios
twin / idiomatic. A script, not a test: numbers depend on the machine and its load.

    .venv/bin/python benchmarks/train_speed.py [--steps 20] [--threads 1] [--data fallback|npm]
"""
import argparse
import time

import crosscheck  # noqa: F401  (triton before TensorFlow)
from crosscheck import environment, training, twins
from crosscheck.commands.common import load_data
from spec import init_weights, load_spec


def timed(fn, steps: int, warmup: int) -> float:
    fn(warmup)
    start = time.perf_counter()
    fn(steps)
    return steps / (time.perf_counter() - start)


def twin_speed(spec, fw, data, bs, steps, warmup):
    from crosscheck.datasets.batches import Batches

    twin = twins.make_twin(spec, fw, "cpu")
    twin.set_weights(init_weights(spec, 0))
    twin.start_training(neutral_dropout=True)
    dev = training.DeviceData(twin, spec, data)
    batches = Batches(len(data.x_train), bs, 0)
    state = {"step": 0}

    def run(n):
        for _ in range(n):
            s = state["step"]
            idx = batches.indices(s)
            twin.train_step(*dev.batch(idx), training.dropout_masks(spec, 0, s, len(idx)))
            state["step"] += 1

    return timed(run, steps, warmup)


def keras_fit_speed(spec, data, bs, steps, warmup):
    from tf_impl.twin import TFTwin

    twin = TFTwin(spec, "cpu")
    model = twin.model
    model.compile(optimizer=twin.module.make_optimizer(), loss=twin.module.loss_fn)
    y = training.labels_for(spec, data.y_train)

    def run(n):
        model.fit(data.x_train[:n * bs], y[:n * bs], batch_size=bs, epochs=1, shuffle=False, verbose=0)

    return timed(run, steps, warmup)


def torch_loop_speed(spec, data, bs, steps, warmup):
    import torch

    from torch_impl.twin import TorchTwin

    twin = TorchTwin(spec, "cpu")
    model, loss_fn = twin.model, twin.module.loss_fn
    o = spec.optimizer
    if o["type"] == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=o["learning_rate"], betas=(o.get("beta_1", 0.9), o.get("beta_2", 0.999)),
                               eps=o.get("epsilon", 1e-8))
    else:
        opt = torch.optim.SGD(model.parameters(), lr=o["learning_rate"])
    x = torch.from_numpy(data.x_train)
    y = torch.from_numpy(training.labels_for(spec, data.y_train))
    model.train()

    def run(n):
        for i in range(n):
            xb, yb = x[i * bs:(i + 1) * bs], y[i * bs:(i + 1) * bs]
            opt.zero_grad()
            loss = loss_fn(yb, model(xb))
            loss.backward()
            opt.step()

    return timed(run, steps, warmup)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("specs", nargs="*", default=["ltfn6_convnet_he", "eager_mnist_cnn"])
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int)
    p.add_argument("--data", default="fallback")
    args = p.parse_args()
    if args.threads:
        environment.set_threads(args.threads)
    environment.conformance_mode()
    env = environment.describe("/CPU:0", "cpu")
    print(f"TF {env['tensorflow']}, torch {env['torch']}, {env['platform']}, threads: {env['threads']}; "
          f"{args.steps} timed steps after {args.warmup} warm-up steps each")
    for sid in args.specs:
        spec = load_spec(sid)
        data = load_data(spec, args.data)
        bs, _ = training.schedule(spec, len(data.x_train))
        r = {"tf twin": twin_speed(spec, "tf", data, bs, args.steps, args.warmup),
             "keras fit": keras_fit_speed(spec, data, bs, args.steps, args.warmup),
             "torch twin": twin_speed(spec, "torch", data, bs, args.steps, args.warmup),
             "torch loop": torch_loop_speed(spec, data, bs, args.steps, args.warmup)}
        print(f"{sid} (batch {bs}, {spec.optimizer['type']}): "
              + ", ".join(f"{k} {v:.2f} steps/s" for k, v in r.items()))
        print(f"  tf twin / keras fit = {r['tf twin'] / r['keras fit']:.2f}   "
              f"torch twin / torch loop = {r['torch twin'] / r['torch loop']:.2f}   "
              f"tf twin / torch twin = {r['tf twin'] / r['torch twin']:.2f}")


if __name__ == "__main__":
    main()
