"""Both twins run in float64 from the same emitted source (`to_float64`, the proof of
crosscheck.verdict): there the twins must agree to float64 rounding, orders of magnitude below the
verdict's EQUIVALENCE_TOL, which shows that what remains between the float32 twins is float32
rounding and nothing else."""
import numpy as np
import pytest

from crosscheck.conformance_inputs import calibrated_batchnorm, conformance_weights, dropout_free, make_batch
from crosscheck.measurement import measure
from crosscheck.tolerance import compare_arrays
from crosscheck.verdict import EQUIVALENCE_TOL
from spec import init_weights, load_spec
from tf_impl.twin import TFTwin
from torch_impl.twin import TorchTwin


@pytest.mark.parametrize("spec_id", ["ltfn6_convnet_he", "cifar10_colab", "dorian_mlp300"])
def test_float64_twins_agree_to_float64_rounding(spec_id):
    # training mode on the dropout-free path, as compare checks it (each framework draws its own masks)
    spec = load_spec(spec_id)
    spec = dropout_free(spec) or spec
    tf_twin, torch_twin = TFTwin(spec, "cpu"), TorchTwin(spec, "cpu")
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
        # cifar10_colab's L2 factor included: Keras would cast 0.001 through float32 (5e-8) but for the twin
        assert max(worst.values()) <= 1e-3 * EQUIVALENCE_TOL, worst
        # outputs agree far below float32's 6e-8: the float64 runs really are float64
        assert worst["train:logits" if training else "logits"] < 1e-12


def test_conformance_weights_are_the_same_every_time_on_a_spec_with_dropout_before_batchnorm():
    """cifar10_colab's drop1 feeds its batchnorm: calibrating with dropout on gave moving statistics
    from random masks, so every run checked other weights (a gradient's scale moved by 7 %)."""
    spec = load_spec("cifar10_colab")
    tf64 = TFTwin(spec, "cpu")
    tf64.to_float64()
    first, _ = conformance_weights(spec, tf64, 0, 8)
    second, _ = conformance_weights(spec, tf64, 0, 8)
    assert all(np.array_equal(first[k], second[k]) for k in first)
    # the statistics are those of the dropout-free forward: drop1 off, bn on batch statistics
    free = dropout_free(spec)
    twin = TFTwin(free, "cpu")
    twin.to_float64()
    twin.set_weights(init_weights(spec, 0))
    inputs = np.asarray(twin.batchnorm_inputs(make_batch(spec, 8, 1)[0])["bn"], np.float64)
    np.testing.assert_array_equal(first["bn.moving_mean"], inputs.mean((0, 1, 2)).astype(np.float32))


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


def test_a_float32_defect_in_one_twin_is_named():
    """The defective twin's float32 run is as far from its float64 run as from the other twin; the
    float64 twins agree. The verdict names the twin: its error is thousands of times the float32
    sensitivity of the computation, which the other twin's error is not."""
    from crosscheck.compare import compare_twins

    spec = load_spec("ltfn6_convnet_he")
    result = compare_twins(spec, TFTwin(spec, "cpu"), Float32DefectTwin(spec, "cpu"), batch=4)
    check = next(c for c in result.checks if c.name == "grad:conv2.kernel")
    assert check.verdict == "float32-defect" and check.defect_in == ["torch"], check.note
    assert check.errors["torch"] > 1000 * check.sensitivity and check.errors["tf"] < 10 * check.sensitivity
    assert check.float64_scaled < 1e-12
    assert result.first_divergent_layer == "conv2"
    assert not any(c.failed for c in result.checks if c.name != "grad:conv2.kernel")
