"""Both twins run in float64 from the same emitted source (`to_float64`, the rounding-floor
reference of crosscheck.compare): there the twins must agree to float64 rounding, which shows that
what remains between the float32 twins is float32 rounding and nothing else."""
import numpy as np
import pytest

from crosscheck.compare import FLOAT64_TOL, _dropout_free, calibrated_batchnorm, make_batch, measure
from crosscheck.tolerance import compare_arrays
from spec import init_weights, load_spec
from tf_impl.twin import TFTwin
from torch_impl.twin import TorchTwin


@pytest.mark.parametrize("spec_id", ["ltfn6_convnet_he", "cifar10_colab", "dorian_mlp300"])
def test_float64_twins_agree_to_float64_rounding(spec_id):
    # training mode on the dropout-free path, as compare checks it (each framework draws its own masks)
    spec = load_spec(spec_id)
    spec, tf_twin, torch_twin = _dropout_free(spec, TFTwin(spec, "cpu"), TorchTwin(spec, "cpu"))
    weights = init_weights(spec, 0)
    if any(n.type == "batchnorm" for n in spec.nodes):
        weights = calibrated_batchnorm(tf_twin, weights, make_batch(spec, 4, 1)[0])
    x, labels = make_batch(spec, 4, 0)
    tf_twin.to_float64()
    torch_twin.to_float64()
    assert tf_twin.forward(x).dtype == np.float64
    for training in (False, True):
        a = measure(spec, tf_twin, weights, x, labels, training=training)
        b = measure(spec, torch_twin, weights, x, labels, training=training)
        assert a.keys() == b.keys()
        worst = {k: compare_arrays(k, a[k], b[k], 1e-5).max_scaled for k in b}
        assert max(worst.values()) <= FLOAT64_TOL, worst
        # outputs agree far below float32's 6e-8: the float64 runs really are float64
        assert worst["train:logits" if training else "logits"] < 1e-12


def test_to_float64_keeps_the_weights_and_restores_keras_defaults():
    import keras

    spec = load_spec("eager_mnist_cnn")
    twin = TFTwin(spec, "cpu")
    weights = init_weights(spec, 3)
    twin.set_weights(weights)
    twin.to_float64()
    after = twin.get_weights()
    assert all(after[k].dtype == np.float64 and np.array_equal(after[k], weights[k]) for k in weights)
    assert keras.config.floatx() == "float32" and keras.config.dtype_policy().name == "float32"
    assert TFTwin(spec, "cpu").forward(make_batch(spec, 2, 0)[0]).dtype == np.float32


class Float32DefectTwin(TorchTwin):
    """A torch twin whose float32 gradient of one kernel is off by 1 % of its scale (as torch's
    oneDNN channels-last conv was), and exact in float64."""

    def loss_and_grads(self, x, labels, training=False):
        loss, grads = super().loss_and_grads(x, labels, training)
        if self.dtype.is_floating_point and self.dtype.itemsize == 4:
            g = grads["conv2.kernel"]
            grads["conv2.kernel"] = g + 0.01 * np.abs(g).max() * np.sign(g)
        return loss, grads


def test_rounding_floor_does_not_excuse_a_float32_defect_in_one_twin():
    """The defective twin's float32 run is as far from its float64 run as from the other twin, so a
    floor of 'each twin's float32 error' alone would pass it; the floors' spread fails it."""
    from crosscheck.compare import compare_twins

    spec = load_spec("ltfn6_convnet_he")
    result = compare_twins(spec, TFTwin(spec, "cpu"), Float32DefectTwin(spec, "cpu"), batch=4)
    check = next(c for c in result.checks if c.name == "grad:conv2.kernel")
    assert not check.passed and "a float32 defect in torch" in check.note, check.note
    assert all(c.passed for c in result.checks if c.name != "grad:conv2.kernel")
