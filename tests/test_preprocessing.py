"""crosscheck.datasets.preprocessing against the library calls the posts used, on real images."""
import numpy as np
import pytest
import tensorflow as tf
from skimage import data as skdata

from crosscheck.datasets.preprocessing import central_crop, preprocess, resize_bilinear


@pytest.fixture(scope="module")
def photos():
    """Two real RGB photos (scikit-image's chelsea 300x451, coffee 400x600), cropped to one size."""
    return np.stack([skdata.chelsea()[:300, :400], skdata.coffee()[:300, :400]]).astype(np.uint8)


def test_caffe_scale_equals_keras_resnet50_preprocess_input(photos):
    import keras

    ours = preprocess(photos, {"scale": "caffe"})
    theirs = keras.applications.resnet50.preprocess_input(photos.astype(np.float32))
    np.testing.assert_array_equal(ours, np.asarray(theirs))
    assert ours.dtype == np.float32
    # BGR: channel 0 is the blue channel minus the blue mean.
    np.testing.assert_allclose(ours[0, 0, 0, 0], photos[0, 0, 0, 2] - 103.939, atol=1e-4)


def test_torch_scale_is_torchvision_normalisation(photos):
    ours = preprocess(photos, {"scale": "torch"})
    expected = (photos[0, 5, 7] / 255.0 - np.array([0.485, 0.456, 0.406])) / np.array([0.229, 0.224, 0.225])
    np.testing.assert_allclose(ours[0, 5, 7], expected, rtol=1e-5)


@pytest.mark.parametrize("size", [(100, 100), (224, 224), (450, 500)], ids=["down", "down224", "up"])
def test_resize_equals_tf_image_resize_bilinear(photos, size):
    x = photos.astype(np.float32) / 255
    ours = resize_bilinear(x, size)
    theirs = tf.image.resize(x, size, method="bilinear").numpy()
    assert ours.shape == theirs.shape == (2, *size, 3)
    # Same sampling positions and weights; the float32 coordinate arithmetic differs in the last
    # bits, so a few pixels differ by up to ~1e-5 of the [0, 1] range (0.003 of a grey level).
    np.testing.assert_allclose(ours, theirs, atol=1e-5, rtol=0)


def test_resize_is_not_nearest_or_aligned_corners(photos):
    """The check above can fail: the other usual conventions differ from TF's by far more."""
    x = photos.astype(np.float32) / 255
    ours = resize_bilinear(x, (100, 100))
    for method in ("nearest", "area"):
        assert np.abs(ours - tf.image.resize(x, (100, 100), method=method).numpy()).max() > 1e-2
    aligned = tf.compat.v1.image.resize_bilinear(x, (100, 100), align_corners=True).numpy()
    assert np.abs(ours - aligned).max() > 1e-2


@pytest.mark.parametrize("fraction", [0.75, 0.5, 0.875])
def test_central_crop_equals_tf(fraction):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(3, 32, 30, 3)).astype(np.float32)
    theirs = tf.image.central_crop(x, fraction).numpy()
    np.testing.assert_array_equal(central_crop(x, fraction), theirs)
    assert central_crop(x, 0.75).shape == (3, 24, 24, 3)  # offsets 32 // 8 = 4 and 30 // 8 = 3


def test_cifar_colab_pipeline_and_seeded_flips():
    data = {"scale": "unit", "central_crop": 0.75, "random_flip": "left_right"}
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(6, 32, 32, 3)).astype(np.uint8)
    out = preprocess(x, data, np.random.default_rng(5), training=True)
    again = preprocess(x, data, np.random.default_rng(5), training=True)
    np.testing.assert_array_equal(out, again)
    flips = np.random.default_rng(5).random(6) < 0.5
    assert 0 < flips.sum() < 6  # the seed exercises both branches
    plain = x[:, 4:28, 4:28].astype(np.float32) / 255
    for i in range(6):
        np.testing.assert_array_equal(out[i], plain[i, :, ::-1] if flips[i] else plain[i])
    # evaluation: no flips, no RNG needed
    np.testing.assert_array_equal(preprocess(x, data), plain)
    with pytest.raises(ValueError, match="random_flip"):
        preprocess(x, data, training=True)


def test_mnist_data_section_still_works():
    x = np.arange(2 * 28 * 28, dtype=np.int64).reshape(2, 28, 28, 1) % 256
    out = preprocess(x.astype(np.uint8), {"dataset": "mnist", "scale": "unit"})
    np.testing.assert_allclose(out, x / 255.0, rtol=1e-6)
