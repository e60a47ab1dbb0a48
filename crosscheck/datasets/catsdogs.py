"""Cats vs dogs from a folder of class subfolders (Microsoft's `PetImages/Cat`, `PetImages/Dog`).

* Classes are the subfolders in sorted order, so `Cat` = 0 and `Dog` = 1, as TensorFlow Datasets'
  `cats_vs_dogs` (which the seed post loads) labels them.
* Corrupt images are skipped with one warning that counts them and names the first few: a file
  is skipped when it is not a JFIF JPEG (TensorFlow Datasets' rule for this set, which drops
  1,738 of PetImages' 25,000 files) or when Pillow cannot decode it to the end (truncated files).
* Split: the post's 80/10/10 (train/validation/test). The readable files, sorted by path, are
  permuted by `numpy.random.default_rng(seed)`; the first ⌊0.8·n⌋ are the training set, the next
  ⌊0.1·n⌋ the validation set, the rest the test set. TFDS' own split cannot be reproduced
  outside TFDS; this one is deterministic for a seed and independent of the file system's order.
* Images are resized to the spec's H×W by `preprocessing.resize_bilinear` (TF 2's bilinear
  `tf.image.resize`, one implementation shared by both twins) and returned as float32
  (N, H, W, 3) in 0..255; scaling (to [0, 1], or Keras' "caffe" mode) is then
  `preprocessing.scale` with the spec's `data.scale`.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm import tqdm

from crosscheck.errors import UserError

from . import preprocessing

SPLIT = (0.8, 0.1, 0.1)
IMAGE_SUFFIXES = {".jpg", ".jpeg"}
_SHOWN = 5  # skipped files named in the warning


class CorruptImagesWarning(UserWarning):
    pass


@dataclass
class Split:
    x: np.ndarray  # float32 (N, H, W, 3), 0..255
    y: np.ndarray  # int64 (N,)
    files: list[Path]


@dataclass
class CatsDogs:
    train: Split
    val: Split
    test: Split
    class_names: list[str]
    skipped: list[Path] = field(default_factory=list)
    source: str = ""

    def summary(self) -> str:
        return (f"{self.source}: {len(self.train.y)} train / {len(self.val.y)} validation / {len(self.test.y)} test "
                f"images of {', '.join(self.class_names)}; {len(self.skipped)} corrupt files skipped")


def read_image(path: Path) -> np.ndarray | None:
    """The RGB pixels (uint8 H×W×3) of a JFIF JPEG, or None when it is not one or is damaged."""
    try:
        with open(path, "rb") as f:
            if b"JFIF" not in f.peek(10)[:10]:
                return None
            with Image.open(f) as img:
                img.load()  # decodes to the end: a truncated file raises here
                return np.asarray(img.convert("RGB"))
    except (OSError, SyntaxError, ValueError):  # Pillow's errors for undecodable data
        return None


def find_files(root: Path) -> tuple[list[str], list[tuple[Path, int]]]:
    """Class names (sorted subfolder names) and every image file with its class id."""
    root = Path(root)
    if not root.is_dir():
        raise UserError(f"{root}: not a directory")
    classes = sorted(d.name for d in root.iterdir() if d.is_dir() and not d.name.startswith("."))
    if len(classes) < 2:
        raise UserError(f"{root}: expected one subfolder per class (e.g. Cat, Dog), found {classes or 'none'}")
    files = [(p, i) for i, c in enumerate(classes) for p in sorted((root / c).iterdir())
             if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()]
    for i, c in enumerate(classes):
        if not any(label == i for _, label in files):
            raise UserError(f"{root / c}: no .jpg images")
    return classes, files


def split_indices(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    n_train, n_val = int(n * SPLIT[0]), int(n * SPLIT[1])
    return order[:n_train], order[n_train:n_train + n_val], order[n_train + n_val:]


def load(root: str | Path, size: tuple[int, int], seed: int = 0) -> CatsDogs:
    """PetImages-style folder → resized train/validation/test arrays (see the module docstring)."""
    root = Path(root)
    classes, files = find_files(root)
    x = np.empty((len(files), *size, 3), np.float32)  # filled in place: the full set is gigabytes
    labels, kept, skipped = [], [], []
    for path, label in tqdm(files, desc=f"reading {root.name}", unit="img", leave=False):
        pixels = read_image(path)
        if pixels is None:
            skipped.append(path)
            continue
        x[len(kept)] = preprocessing.resize_bilinear(pixels[None].astype(np.float32), size)[0]
        labels.append(label)
        kept.append(path)
    if skipped:
        names = ", ".join(str(p.relative_to(root)) for p in skipped[:_SHOWN]) + (" …" if len(skipped) > _SHOWN else "")
        warnings.warn(f"{root}: skipped {len(skipped)} corrupt or non-JFIF images ({names})", CorruptImagesWarning, stacklevel=2)
    if not kept:
        raise UserError(f"{root}: no readable JPEG images")
    x, y = x[:len(kept)], np.asarray(labels, dtype=np.int64)
    parts = [Split(x[i], y[i], [kept[j] for j in i]) for i in split_indices(len(kept), seed)]
    return CatsDogs(*parts, class_names=classes, skipped=skipped, source=str(root))
