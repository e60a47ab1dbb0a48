"""The CIFAR-10 loader on real CIFAR-10 images: foolbox ships the first 20 test images
(`foolbox/data/cifar10_NN_label.png`); the test writes them into the python batch format."""
import io
import os
import pickle
import tarfile

import numpy as np
import pytest

from crosscheck.errors import UserError
from crosscheck.datasets import cifar10
from dataset_files import batch_bytes, cifar10_images, py2_pickle, write_cifar10


@pytest.fixture(scope="module")
def real():
    return cifar10_images()


def _check(ds, images, labels):
    assert ds.x_train.dtype == np.uint8 and ds.x_train.shape == (20, 32, 32, 3)
    assert ds.y_train.dtype == np.int64
    assert np.array_equal(ds.x_train, images) and np.array_equal(ds.x_test, images)
    assert np.array_equal(ds.y_train, labels) and np.array_equal(ds.y_test, labels)
    assert ds.class_names == cifar10.CLASS_NAMES


def test_directory_archive_and_keras_cache(real, tmp_path, monkeypatch):
    images, labels = real
    # The CIFAR-10 test set begins cat, ship, ship, airplane, frog: these are the real images.
    assert labels[:5].tolist() == [3, 8, 8, 0, 6]
    d = write_cifar10(tmp_path / "plain", images, labels)
    _check(cifar10.load(d), images, labels)
    _check(cifar10.load(d.parent), images, labels)

    archive = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(d, arcname="cifar-10-batches-py")
    ds = cifar10.load(archive)
    _check(ds, images, labels)
    assert ds.summary().endswith("20 train / 20 test images")

    keras_home = tmp_path / "keras"
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    with pytest.raises(UserError, match="CIFAR-10 not found"):
        cifar10.load()
    write_cifar10(keras_home / "datasets" / "cifar-10-batches-py-target", images, labels)  # Keras 3's place
    _check(cifar10.load(), images, labels)


def test_same_pixels_as_keras_reader(real, tmp_path):
    """Keras' own batch parser reads the test's files to the same arrays (format check)."""
    from keras.src.datasets.cifar import load_batch

    images, labels = real
    d = write_cifar10(tmp_path, images, labels)
    data, klabels = load_batch(str(d / "test_batch"))
    assert np.array_equal(data.transpose(0, 2, 3, 1), cifar10.load(d).x_test)
    assert list(klabels) == labels.tolist()


def test_malformed_input_is_named(real, tmp_path):
    images, labels = real
    d = write_cifar10(tmp_path / "t", images, labels)
    (d / "data_batch_3").write_bytes((d / "data_batch_3").read_bytes()[:500])
    with pytest.raises(UserError, match="data_batch_3: not a CIFAR-10 python batch"):
        cifar10.load(d)
    (d / "data_batch_3").unlink()
    with pytest.raises(UserError, match="data_batch_3: no such file"):
        cifar10.load(d)
    (d / "data_batch_3").write_bytes(py2_pickle({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]}))
    with pytest.raises(UserError, match=r"data_batch_3: data is uint8 \[2, 100\]"):
        cifar10.load(d)
    (d / "data_batch_3").write_bytes(batch_bytes(images[:2], [0, 10], "x"))
    with pytest.raises(UserError, match="data_batch_3: labels outside 0..9"):
        cifar10.load(d)
    # A pickle that would run code when loaded is refused, not executed.
    (d / "data_batch_3").write_bytes(pickle.dumps(_Evil()))
    with pytest.raises(UserError, match="data_batch_3: .*refusing to load posix.system|data_batch_3: .*refusing to load os.system"):
        cifar10.load(d)
    bad = tmp_path / "cifar-10-python.tar.gz"
    bad.write_bytes(b"not a tarball")
    with pytest.raises(UserError, match="cifar-10-python.tar.gz: not a readable tar archive"):
        cifar10.load(bad)
    partial = tmp_path / "partial.tar.gz"
    with tarfile.open(partial, "w:gz") as tar:
        info = tarfile.TarInfo("cifar-10-batches-py/test_batch")
        payload = batch_bytes(images, labels, "t")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    with pytest.raises(UserError, match="partial.tar.gz: no member cifar-10-batches-py/data_batch_1"):
        cifar10.load(partial)


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo should-not-run",))
