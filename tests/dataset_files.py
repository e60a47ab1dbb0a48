"""Real images written into the data sets' on-disk formats, for the loader and training tests:
foolbox's first 20 CIFAR-10 test images (`foolbox/data/cifar10_NN_label.png`) as python batches,
and scikit-image's photographs as a `PetImages/{Cat,Dog}` folder of JPEGs."""
import io
import pickle
import struct
from pathlib import Path

import foolbox
import numpy as np
from PIL import Image
from skimage import data

from crosscheck.datasets import cifar10

FOOLBOX_DATA = Path(foolbox.__file__).parent / "data"


def cifar10_images() -> tuple[np.ndarray, np.ndarray]:
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


def py2_pickle(obj) -> bytes:
    buf = io.BytesIO()
    _Python2Pickler(buf, protocol=2).dump(obj)
    return buf.getvalue()


def batch_bytes(images, labels, name):
    """As the published files: byte-string keys, each row the R, G, then B plane."""
    rows = images.transpose(0, 3, 1, 2).reshape(len(images), 3072)
    return py2_pickle({b"batch_label": name.encode(), b"labels": [int(y) for y in labels], b"data": rows,
                        b"filenames": [f"img_{i}.png".encode() for i in range(len(images))]})


def write_cifar10(root, images, labels):
    """20 images: test_batch holds all of them in order; data_batch_k the k-th group of 4."""
    d = root / "cifar-10-batches-py"
    d.mkdir(parents=True)
    for k in range(5):
        (d / f"data_batch_{k + 1}").write_bytes(batch_bytes(images[4 * k:4 * k + 4], labels[4 * k:4 * k + 4], f"training batch {k + 1} of 5"))
    (d / "test_batch").write_bytes(batch_bytes(images, labels, "testing batch 1 of 1"))
    (d / "batches.meta").write_bytes(py2_pickle({b"label_names": [n.encode() for n in cifar10.CLASS_NAMES],
                                                  b"num_cases_per_batch": 10000, b"num_vis": 3072}))
    return d


def _crops(img, n):
    """n different real views of one photograph (shifted crops, some mirrored)."""
    h, w = img.shape[:2]
    out = []
    for k in range(n):
        top, left = (k * 7) % (h // 4), (k * 11) % (w // 4)
        crop = img[top:top + 3 * h // 4, left:left + 3 * w // 4]
        out.append(crop[:, ::-1] if k % 2 else crop)
    return out


def write_pets(root: Path, damaged: bool = True) -> Path:
    """root/Cat: 10 views of `chelsea`; root/Dog: 5 of `coffee`, 5 of `astronaut` (standing in for
    dogs: only the folder format is under test). `damaged`: as in the real PetImages, a truncated
    JPEG, an empty file, a PNG named .jpg, and a non-image."""
    (root / "Cat").mkdir(parents=True)
    (root / "Dog").mkdir()
    for i, img in enumerate(_crops(data.chelsea(), 10)):
        Image.fromarray(np.ascontiguousarray(img)).save(root / "Cat" / f"{i}.jpg", quality=90)
    for i, img in enumerate(_crops(data.coffee(), 5) + _crops(data.astronaut(), 5)):
        Image.fromarray(np.ascontiguousarray(img)).save(root / "Dog" / f"{i}.jpg", quality=90)
    if damaged:
        whole = (root / "Dog" / "0.jpg").read_bytes()
        (root / "Dog" / "truncated.jpg").write_bytes(whole[: len(whole) // 2])
        (root / "Cat" / "666.jpg").write_bytes(b"")
        Image.fromarray(data.chelsea()).save(root / "Cat" / "png_inside.jpg", format="PNG")
        (root / "Cat" / "Thumbs.db").write_bytes(b"\0" * 64)
    return root


def write_real_cats_dogs(root: Path) -> Path:
    """A `PetImages/{Cat,Dog}` folder of real photographs with their true labels, for training on
    real images where the post's cats-vs-dogs set is not at hand: Cat holds 6 views of scikit-image's
    `chelsea` and foolbox's two CIFAR-10 cats (class 3), Dog 3 views each of foolbox's ImageNet
    bull mastiff (243) and dalmatian (251) and its two CIFAR-10 dogs (class 5); 16 JFIF JPEGs."""
    (root / "Cat").mkdir(parents=True)
    (root / "Dog").mkdir()
    cifar, labels = cifar10_images()
    cats = _crops(data.chelsea(), 6) + list(cifar[labels == 3])
    dogs = [v for f in ("imagenet_00_243.jpg", "imagenet_16_251.jpg")
            for v in _crops(np.asarray(Image.open(FOOLBOX_DATA / f).convert("RGB")), 3)] + list(cifar[labels == 5])
    assert (len(cats), len(dogs)) == (8, 8)
    for folder, images in (("Cat", cats), ("Dog", dogs)):
        for i, img in enumerate(images):
            Image.fromarray(np.ascontiguousarray(img)).save(root / folder / f"{i}.jpg", quality=90)
    return root
