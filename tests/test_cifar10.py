"""The CIFAR-10 loader on real CIFAR-10 images: foolbox ships the first 20 test images
(`foolbox/data/cifar10_NN_label.png`); the test writes them into the python batch format."""
import io
import os
import pickle
import struct
import tarfile
from pathlib import Path

import foolbox
import numpy as np
import pytest
from PIL import Image

from crosscheck.errors import UserError
from crosscheck.datasets import cifar10

FOOLBOX_DATA = Path(foolbox.__file__).parent / "data"


@pytest.fixture(scope="module")
def real():
    files = sorted(FOOLBOX_DATA.glob("cifar10_*_*.png"))
    assert len(files) == 20
    images = np.stack([np.asarray(Image.open(f).convert("RGB")) for f in files])
    labels = np.array([int(f.stem.split("_")[2]) for f in files])
    return images, labels


class _Python2Pickler(pickle._Pickler):
    """Pickles bytes as Python 2 `str` (SHORT_BINSTRING/BINSTRING), as the published batches were
    written by Python 2's cPickle; Python 3's protocol 2 would route bytes through _codecs.encode."""
    dispatch = pickle._Pickler.dispatch.copy()

    def _save_str(self, obj):
        op = pickle.SHORT_BINSTRING + bytes([len(obj)]) if len(obj) < 256 else pickle.BINSTRING + struct.pack("<i", len(obj))
        self.write(op + obj)
        self.memoize(obj)

    dispatch[bytes] = _save_str


def _py2_pickle(obj) -> bytes:
    buf = io.BytesIO()
    _Python2Pickler(buf, protocol=2).dump(obj)
    return buf.getvalue()


def _batch_bytes(images, labels, name):
    """As the published files: byte-string keys, each row the R, G, then B plane."""
    rows = images.transpose(0, 3, 1, 2).reshape(len(images), 3072)
    return _py2_pickle({b"batch_label": name.encode(), b"labels": [int(y) for y in labels], b"data": rows,
                        b"filenames": [f"img_{i}.png".encode() for i in range(len(images))]})


def _write_tree(root, images, labels):
    """20 images: test_batch holds all of them in order; data_batch_k the k-th group of 4."""
    d = root / "cifar-10-batches-py"
    d.mkdir(parents=True)
    for k in range(5):
        (d / f"data_batch_{k + 1}").write_bytes(_batch_bytes(images[4 * k:4 * k + 4], labels[4 * k:4 * k + 4], f"training batch {k + 1} of 5"))
    (d / "test_batch").write_bytes(_batch_bytes(images, labels, "testing batch 1 of 1"))
    (d / "batches.meta").write_bytes(_py2_pickle({b"label_names": [n.encode() for n in cifar10.CLASS_NAMES],
                                                  b"num_cases_per_batch": 10000, b"num_vis": 3072}))
    return d


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
    d = _write_tree(tmp_path / "plain", images, labels)
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
    _write_tree(keras_home / "datasets" / "cifar-10-batches-py-target", images, labels)  # Keras 3's place
    _check(cifar10.load(), images, labels)


def test_same_pixels_as_keras_reader(real, tmp_path):
    """Keras' own batch parser reads the test's files to the same arrays (format check)."""
    from keras.src.datasets.cifar import load_batch

    images, labels = real
    d = _write_tree(tmp_path, images, labels)
    data, klabels = load_batch(str(d / "test_batch"))
    assert np.array_equal(data.transpose(0, 2, 3, 1), cifar10.load(d).x_test)
    assert list(klabels) == labels.tolist()


def test_malformed_input_is_named(real, tmp_path):
    images, labels = real
    d = _write_tree(tmp_path / "t", images, labels)
    (d / "data_batch_3").write_bytes((d / "data_batch_3").read_bytes()[:500])
    with pytest.raises(UserError, match="data_batch_3: not a CIFAR-10 python batch"):
        cifar10.load(d)
    (d / "data_batch_3").unlink()
    with pytest.raises(UserError, match="data_batch_3: no such file"):
        cifar10.load(d)
    (d / "data_batch_3").write_bytes(_py2_pickle({b"data": np.zeros((2, 100), np.uint8), b"labels": [0, 1]}))
    with pytest.raises(UserError, match=r"data_batch_3: data is uint8 \[2, 100\]"):
        cifar10.load(d)
    (d / "data_batch_3").write_bytes(_batch_bytes(images[:2], [0, 10], "x"))
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
        payload = _batch_bytes(images, labels, "t")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    with pytest.raises(UserError, match="partial.tar.gz: no member cifar-10-batches-py/data_batch_1"):
        cifar10.load(partial)


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo should-not-run",))
