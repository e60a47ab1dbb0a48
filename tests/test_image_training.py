"""Training the CIFAR-10 and cats-vs-dogs specs on real images written by the test into the data
sets' own formats (crosscheck.datasets.for_spec): the posts' preprocessing, the random flips drawn
once for both twins, lockstep conformance on those images, and the data set that is not here or
does not fit the spec."""
import json
from pathlib import Path
import warnings

import numpy as np
import pytest

from crosscheck import lockstep, training, twins
from crosscheck.cli import main
from crosscheck.datasets import catsdogs, for_spec, preprocessing, synthetic
from crosscheck.errors import UserError
from dataset_files import cifar10_images, write_cifar10, write_pets
from spec import SpecError, build_spec, load_spec


@pytest.fixture(scope="module")
def cifar_dir(tmp_path_factory):
    images, labels = cifar10_images()
    return write_cifar10(tmp_path_factory.mktemp("cifar"), images, labels)


@pytest.fixture(scope="module")
def pets_dir(tmp_path_factory):
    return write_pets(tmp_path_factory.mktemp("pets") / "PetImages", damaged=False)


def test_cifar10_preprocessing_is_the_posts(cifar_dir):
    images, labels = cifar10_images()
    colab = for_spec.load(load_spec("cifar10_colab"), str(cifar_dir))  # central crop 0.75 → 24x24, /255
    assert colab.x_train.shape == (20, 24, 24, 3) and colab.x_train.dtype == np.float32
    np.testing.assert_array_equal(colab.x_test, images[:, 4:28, 4:28].astype(np.float32) / np.float32(255))
    assert np.array_equal(colab.y_test, labels) and colab.summary().endswith("20 train / 20 test images")
    tf2 = for_spec.load(load_spec("cifar10_tf2"), cifar_dir.parent)  # the folder holding the batches, too
    np.testing.assert_array_equal(tf2.x_train[:4], images[:4].astype(np.float32) / np.float32(255))


def test_catsdogs_preprocessing_and_split(pets_dir):
    spec = load_spec("catsdogs_head_gap")
    data = for_spec.load(spec, str(pets_dir))
    raw = catsdogs.load(pets_dir, (100, 100))
    assert data.x_train.shape == (16, 100, 100, 3) and len(data.x_test) == 2
    np.testing.assert_array_equal(data.x_train, preprocessing.scale(raw.train.x, "unit"))
    assert data.y_train.tolist() == raw.train.y.tolist() and "2 validation images unused" in data.source
    assert for_spec.examples(spec, str(pets_dir)) == (16, 2)
    # one sigmoid unit: class ids become 0/1 targets shaped like the output, predictions a threshold
    np.testing.assert_array_equal(training.labels_for(spec, np.array([1, 0])), np.array([[1.0], [0.0]], np.float32))
    np.testing.assert_array_equal(training.predicted_classes(spec, np.array([[0.7], [0.2], [0.5]])), [1, 0, 0])


def test_flips_are_drawn_once_and_applied_alike_by_both_twins(cifar_dir):
    spec = load_spec("cifar10_colab")
    data = for_spec.load(spec, str(cifar_dir))
    flip = training.flip_decisions(spec, 0, 3, 20)
    assert np.array_equal(flip, training.flip_decisions(spec, 0, 3, 20)) and 0 < flip.sum() < 20
    assert not np.array_equal(flip, training.flip_decisions(spec, 0, 4, 20))
    assert training.flip_decisions(load_spec("catsdogs_head_gap"), 0, 3, 20) is None  # no random_flip
    idx = np.arange(19, -1, -1)
    expected = np.where(flip[:, None, None, None], data.x_train[idx][:, :, ::-1], data.x_train[idx])
    for fw in twins.FRAMEWORKS:
        twin = twins.make_twin(spec, fw, "cpu")
        x, y = training.DeviceData(twin, spec, data).batch(idx, flip)
        np.testing.assert_array_equal(np.asarray(x), expected)
        np.testing.assert_array_equal(np.asarray(y), training.labels_for(spec, data.y_train[idx]))


@pytest.mark.parametrize("spec_id,data", [("cifar10_colab", "cifar"), ("cifar10_tf2", "cifar"),
                                          ("catsdogs_head_gap", "pets")])
def test_cli_trains_image_specs_end_to_end(spec_id, data, cifar_dir, pets_dir, tmp_path, capsys):
    path = cifar_dir if data == "cifar" else pets_dir
    assert main(["train", spec_id, "--data", str(path), "--steps", "3", "--batch-size", "8", "--eval-every", "3",
                 "--out", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{spec_id}: 3 steps of batch 8 on {path}")
    for fw in twins.FRAMEWORKS:
        run = tmp_path / spec_id / fw
        metrics = json.loads((run / "metrics.json").read_text())
        assert metrics["steps_done"] == 3 and metrics["data"].startswith(str(path))
        assert 0 <= metrics["final_test_accuracy"] <= 1 and np.isfinite(metrics["final_test_loss"])
        assert list(run.glob("events.out.tfevents.*"))
    assert (tmp_path / spec_id / "curves.png").stat().st_size > 10_000


def test_lockstep_conformance_on_real_cifar10_images_with_flips(cifar_dir, monkeypatch):
    spec = load_spec("cifar10_tf2")
    data = for_spec.load(spec, str(cifar_dir))
    result = lockstep.train_conformance(spec, data, 3, device="cpu", batch_size=8)
    assert not result.failed, [(c.name, c.note) for c in result.checks if c.failed]
    loss = next(c for c in result.checks if c.name == "loss")
    assert loss.float64_scaled <= 1e-10 and loss.max_scaled <= 1e-3
    # conv1's bias feeds a batchnorm (through ReLU and max pooling): its gradient nearly cancels and
    # Adam divides it by √v + ε̂, so float64 rounding alone moves it by ~1e-8 of scale; the float64
    # rounding model measures that, and the check says float32 cannot resolve it.
    bias = next(c for c in result.checks if c.name == "param:conv1.bias")
    assert bias.float64_scaled > 1e-9 and bias.float64_sensitivity > 1e-9 and bias.verdict == "float32-limited"

    # Negative control: the TF twin given unflipped batches. The float64 proof sees it at once.
    batch = training.DeviceData.batch
    monkeypatch.setattr(training.DeviceData, "batch",
                        lambda self, idx, flip=None: batch(self, idx, None if self.twin.framework == "tf" else flip))
    runs = lockstep.lockstep(spec, data, 2, 0, "cpu", 8, spec.optimizer, float64=True)
    a, b = (np.asarray(runs[fw].losses) for fw in twins.FRAMEWORKS)
    assert a[0] != b[0] and np.abs(a - b).max() > 1e-6 * np.abs(b).max()


def test_an_image_dataset_that_is_not_here(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # an empty Keras cache
    spec = load_spec("cifar10_colab")
    assert for_spec.choice(spec, None) == "missing:cifar10"
    with pytest.raises(UserError, match=r"cifar10_colab.json: data.dataset 'cifar10' is not here: pass --data DIR"):
        for_spec.load(spec, None)
    data = for_spec.load(spec, None, synthetic_if_missing=True)  # lockstep conformance needs batches, not images
    assert isinstance(data, synthetic.Synthetic) and data.x_train.shape[1:] == (24, 24, 3)
    assert "data.dataset 'cifar10' is not here" in capsys.readouterr().err
    assert main(["train", "catsdogs_head_gap", "--steps", "1", "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert "catsdogs_head_gap.json: data.dataset 'catsdogs' is not here: pass --data DIR (a PetImages-style folder" in err
    assert not (tmp_path / "runs").exists()


def test_an_image_dataset_that_does_not_fit_the_spec_names_the_field(cifar_dir):
    raw = json.loads(Path(load_spec("cifar10_colab").source).read_text())
    raw["input"]["shape"] = [32, 32, 3]  # the crop makes 24x24
    with warnings.catch_warnings(), pytest.raises(SpecError) as err:
        for_spec.load(build_spec(raw, "big.json"), str(cifar_dir))
    assert err.value.lines() == [f"big.json: input.shape: the spec takes (32, 32, 3), but CIFAR-10 ({cifar_dir}) gives "
                                 "(24, 24, 3) after the data section's preprocessing"]
