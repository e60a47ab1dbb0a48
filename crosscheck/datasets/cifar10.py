"""CIFAR-10 from its "python version" files, as uint8 NHWC images and int64 labels (numpy only).

Accepted sources (`load(path)`):
* the directory `cifar-10-batches-py` (or a directory holding it): `data_batch_1` … `data_batch_5`,
  `test_batch`, `batches.meta`;
* the archive `cifar-10-python.tar.gz` as published, read without unpacking it;
* nothing: Keras' cache, `$KERAS_HOME` or `~/.keras`, under `datasets/cifar-10-batches-py`
  (Keras 2) or `datasets/cifar-10-batches-py-target/cifar-10-batches-py` (Keras 3).

Each batch is a Python 2 pickle of a dict with byte-string keys: `data`, a uint8 array
(n, 3072) holding each image's red, green, then blue 32x32 plane, rows top to bottom, and
`labels`, n ints in 0..9. They are unpickled with only numpy's array constructors allowed (a
pickle can otherwise run arbitrary code). Images come out as (n, 32, 32, 3) uint8, the layout of
`keras.datasets.cifar10.load_data()`; labels as (n,) int64 (Keras gives (n, 1) uint8).
The full set has 50,000 training and 10,000 test images; fewer are accepted (a subset),
and `summary()` says how many were read.
"""
from __future__ import annotations

import io
import os
import pickle
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from crosscheck.errors import UserError

from .arrays import TrainTest

DIRNAME = "cifar-10-batches-py"
TRAIN_BATCHES = [f"data_batch_{i}" for i in range(1, 6)]
TEST_BATCH = "test_batch"
META = "batches.meta"
CLASS_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
_NUMPY_GLOBALS = {("numpy", "ndarray"), ("numpy", "dtype"),
                  ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct")}


@dataclass
class CIFAR10(TrainTest):
    """uint8 (N, 32, 32, 3) images, int64 (N,) labels."""
    unit = "images"
    class_names: list[str] = field(default_factory=list)


class _NumpyOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _NUMPY_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")


def _unpickle(data: bytes, name: str) -> dict:
    try:
        obj = _NumpyOnlyUnpickler(io.BytesIO(data), encoding="bytes").load()
    except Exception as e:  # any malformed pickle raises one of many types
        raise UserError(f"{name}: not a CIFAR-10 python batch ({type(e).__name__}: {e})") from None
    if not isinstance(obj, dict):
        raise UserError(f"{name}: not a CIFAR-10 python batch (a pickled {type(obj).__name__}, not a dict)")
    return {k.decode("latin1") if isinstance(k, bytes) else k: v for k, v in obj.items()}


def read_batch(data: bytes, name: str) -> tuple[np.ndarray, np.ndarray]:
    """One pickled batch → (images uint8 (n, 32, 32, 3), labels int64 (n,)); `name` is for errors."""
    d = _unpickle(data, name)
    if "data" not in d or "labels" not in d:
        raise UserError(f"{name}: batch has keys {sorted(d)}, expected data and labels")
    pixels, labels = np.asarray(d["data"]), np.asarray(d["labels"])
    if pixels.dtype != np.uint8 or pixels.ndim != 2 or pixels.shape[1] != 3 * 32 * 32:
        raise UserError(f"{name}: data is {pixels.dtype} {list(pixels.shape)}, expected uint8 [n, 3072]")
    if labels.shape != (len(pixels),):
        raise UserError(f"{name}: {labels.size} labels for {len(pixels)} images")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise UserError(f"{name}: labels outside 0..9 (min {labels.min()}, max {labels.max()})")
    return pixels.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy(), labels.astype(np.int64)


def _class_names(data: bytes, name: str) -> list[str]:
    names = _unpickle(data, name).get("label_names")
    if names is None or len(names) != 10:
        raise UserError(f"{name}: expected label_names with 10 entries")
    return [n.decode() if isinstance(n, bytes) else str(n) for n in names]


def _assemble(read, source: str) -> CIFAR10:
    """`read(member)` → that file's bytes."""
    train = [read_batch(read(n), f"{source}/{n}") for n in TRAIN_BATCHES]
    x_test, y_test = read_batch(read(TEST_BATCH), f"{source}/{TEST_BATCH}")
    names = _class_names(read(META), f"{source}/{META}")
    return CIFAR10(np.concatenate([x for x, _ in train]), np.concatenate([y for _, y in train]),
                   x_test, y_test, source, class_names=names)


def from_directory(directory: str | Path) -> CIFAR10:
    directory = Path(directory)
    if (directory / DIRNAME).is_dir():
        directory = directory / DIRNAME
    if not directory.is_dir():
        raise UserError(f"{directory}: not a directory")

    def read(member):
        try:
            return (directory / member).read_bytes()
        except FileNotFoundError:
            raise UserError(f"{directory / member}: no such file (a CIFAR-10 python directory holds "
                            f"{', '.join(TRAIN_BATCHES)}, {TEST_BATCH}, {META})") from None

    return _assemble(read, str(directory))


def from_archive(path: str | Path) -> CIFAR10:
    """`cifar-10-python.tar.gz`: members `cifar-10-batches-py/<file>`."""
    path = Path(path)
    try:
        with tarfile.open(path, "r:*") as tar:
            def read(member):
                try:
                    f = tar.extractfile(f"{DIRNAME}/{member}")
                except KeyError:
                    raise UserError(f"{path}: no member {DIRNAME}/{member}") from None
                if f is None:
                    raise UserError(f"{path}: {DIRNAME}/{member} is not a regular file")
                return f.read()

            return _assemble(read, str(path))
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except (tarfile.TarError, OSError, EOFError) as e:
        raise UserError(f"{path}: not a readable tar archive ({e})") from None


def keras_cache_dirs() -> list[Path]:
    """Where `keras.datasets.cifar10.load_data()` leaves the batches (Keras 2, then Keras 3)."""
    datasets = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets"
    return [datasets / DIRNAME, datasets / f"{DIRNAME}-target" / DIRNAME]


def load(path: str | Path | None = None) -> CIFAR10:
    """CIFAR-10 from PATH (a directory or the .tar.gz archive), else from Keras' cache."""
    if path is None:
        found = [d for d in keras_cache_dirs() if d.is_dir()]
        if not found:
            raise UserError("CIFAR-10 not found: pass the cifar-10-batches-py directory or cifar-10-python.tar.gz "
                            f"(looked in {', '.join(map(str, keras_cache_dirs()))})")
        return from_directory(found[0])
    path = Path(path)
    return from_directory(path) if path.is_dir() else from_archive(path)
