"""Input preprocessing named in a spec's `data` section, implemented once for both twins.

`preprocess(images, data, rng=None, training=False)` turns uint8 NHWC images into the float32
NHWC batch the model takes. Both twins are fed this one array, so they see identical pixels.
Steps, in this order (each only when its field is present):

* `central_crop: f` — keep the central fraction f of height and width, with
  `tf.image.central_crop`'s arithmetic: offset = size // int(1 / ((1 − f) / 2)), kept size =
  size − 2·offset (32 at 0.75 → rows 4..27, 24 rows).
* `resize: [H, W]` — bilinear with half-pixel centres and edge clamping, no antialiasing: what
  TF 2's `tf.image.resize(..., "bilinear")` computes (the posts' call), done by torch's
  `F.interpolate(mode="bilinear", align_corners=False)`; tested equal to TF's to 1e-5 of the
  [0, 1] range (same sampling points and weights; float32 coordinate arithmetic differs in the
  last bits). Both twins get this one result.
* `random_flip: "left_right"` — in training only: each image is mirrored left-right when
  `rng.random() < 0.5`, one draw per image in batch order from the caller's
  `numpy.random.Generator` (the neutral RNG: the same decisions whichever twin trains).
* `scale` — `unit`: x / 255 → [0, 1]. `caffe`: RGB → BGR, then subtract the ImageNet means
  (103.939, 116.779, 123.68) in BGR order, no scaling — Keras' `resnet50.preprocess_input`
  (tested equal). `torch`: x / 255, minus (0.485, 0.456, 0.406), divided by (0.229, 0.224, 0.225)
  per RGB channel — torchvision's ImageNet normalisation (Keras' `mode="torch"`).
The arithmetic is float32 throughout.
"""
from __future__ import annotations

import numpy as np

CAFFE_MEAN_BGR = np.array([103.939, 116.779, 123.68], np.float32)
TORCH_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
TORCH_STD = np.array([0.229, 0.224, 0.225], np.float32)


def central_crop(images: np.ndarray, fraction: float) -> np.ndarray:
    if fraction == 1:
        return images
    step = int(1 / ((1 - fraction) / 2.0))
    h, w = images.shape[1:3]
    top, left = h // step, w // step
    return images[:, top:h - top, left:w - left]


def resize_bilinear(images: np.ndarray, size) -> np.ndarray:
    """float32 NHWC → float32 (N, H, W, C), as TF 2's `tf.image.resize(images, size)` (bilinear)."""
    import torch
    import torch.nn.functional as F

    if tuple(images.shape[1:3]) == tuple(size):
        return images
    t = torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2)))
    out = F.interpolate(t, size=tuple(size), mode="bilinear", align_corners=False, antialias=False)
    return np.ascontiguousarray(out.numpy().transpose(0, 2, 3, 1))


def flip_decisions(n: int, rng: np.random.Generator) -> np.ndarray:
    """Which of `n` images to mirror: one uniform draw each, in batch order."""
    return rng.random(n) < 0.5


def scale(images: np.ndarray, mode: str) -> np.ndarray:
    if mode == "unit":
        return images / np.float32(255)
    if mode == "caffe":
        return images[..., ::-1] - CAFFE_MEAN_BGR
    if mode == "torch":
        return (images / np.float32(255) - TORCH_MEAN) / TORCH_STD
    raise ValueError(f"unknown data.scale {mode!r}")


def preprocess(images: np.ndarray, data: dict, rng: np.random.Generator | None = None, training: bool = False) -> np.ndarray:
    """uint8 (or 0-255 float) NHWC images → the float32 NHWC batch the spec's model takes."""
    x = np.asarray(images)
    if x.ndim != 4:
        raise ValueError(f"preprocess expects NHWC images, got shape {list(x.shape)}")
    x = x.astype(np.float32)
    if "central_crop" in data:
        x = central_crop(x, data["central_crop"])
    if "resize" in data:
        x = resize_bilinear(x, data["resize"])
    if training and data.get("random_flip") == "left_right":
        if rng is None:
            raise ValueError("data.random_flip needs the neutral RNG (rng=numpy.random.Generator) in training")
        flip = flip_decisions(len(x), rng)
        x = np.where(flip[:, None, None, None], x[:, :, ::-1], x)
    x = scale(x, data.get("scale", "unit"))
    return np.ascontiguousarray(x, dtype=np.float32)
