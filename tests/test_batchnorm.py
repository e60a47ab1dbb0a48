"""Batchnorm semantics both twins must follow (spec/layers/batchnorm.py), written out by hand:
"the twins agree" is not enough where both frameworks' defaults would agree on the wrong thing."""
import numpy as np
import pytest

from crosscheck.compare import compare_twins
from spec import build_spec
from tf_impl.twin import TFTwin
from torch_impl.twin import TorchTwin

X = np.array([1.0, 2.0, 4.0, 9.0], np.float32).reshape(4, 1)  # mean 4, biased var 9.5, unbiased 12.67


def bn_spec(**layer):
    return build_spec({"id": "bn", "input": {"name": "x", "shape": [1]}, "loss": {"type": "mse"},
                       "layers": [{"name": "bn", "type": "batchnorm", **layer}]})


def weights(mean=0.0, var=1.0):
    return {"bn.gamma": np.array([2.0], np.float32), "bn.beta": np.array([0.5], np.float32),
            "bn.moving_mean": np.array([mean], np.float32), "bn.moving_variance": np.array([var], np.float32)}


@pytest.fixture(scope="module", params=[TFTwin, TorchTwin], ids=["tf", "torch"])
def twin_cls(request):
    return request.param


def test_training_forward_uses_biased_batch_variance_and_keras_momentum(twin_cls):
    twin = twin_cls(bn_spec(momentum=0.9), "cpu")
    twin.set_weights(weights(mean=1.0, var=2.0))
    out = twin.forward(X, training=True)
    np.testing.assert_allclose(out, (X - 4.0) / np.sqrt(9.5 + 1e-3) * 2.0 + 0.5, rtol=1e-6)
    after = twin.get_weights()
    np.testing.assert_allclose(after["bn.moving_mean"], [0.9 * 1.0 + 0.1 * 4.0], rtol=1e-6)
    # Keras: the biased 9.5 (torch's own BatchNorm would use 12.67 and give 3.0667).
    np.testing.assert_allclose(after["bn.moving_variance"], [0.9 * 2.0 + 0.1 * 9.5], rtol=1e-6)


def test_inference_uses_moving_statistics_and_updates_nothing(twin_cls):
    twin = twin_cls(bn_spec(epsilon=1e-5), "cpu")
    twin.set_weights(weights(mean=1.0, var=4.0))
    np.testing.assert_allclose(twin.forward(X), (X - 1.0) / np.sqrt(4.0 + 1e-5) * 2.0 + 0.5, rtol=1e-6)
    assert twin.get_weights()["bn.moving_variance"] == np.float32(4.0)


def test_frozen_batchnorm_runs_in_inference_mode_while_training(twin_cls):
    twin = twin_cls(bn_spec(trainable=False), "cpu")
    twin.set_weights(weights(mean=1.0, var=4.0))
    out = twin.forward(X, training=True)
    np.testing.assert_allclose(out, (X - 1.0) / np.sqrt(4.0 + 1e-3) * 2.0 + 0.5, rtol=1e-6)
    assert twin.get_weights()["bn.moving_mean"] == np.float32(1.0)
    loss, grads = twin.loss_and_grads(X, np.zeros_like(X), training=True)
    assert grads == {}


def test_training_mode_checks_cover_moving_statistics_and_gradients():
    spec = bn_spec()
    result = compare_twins(spec, TFTwin(spec, "cpu"), TorchTwin(spec, "cpu"), batch=6, weights=weights(0.3, 0.7))
    names = {c.name for c in result.checks}
    assert {"train:logits", "train:loss", "train:bn.moving_mean", "train:bn.moving_variance",
            "train:grad:bn.gamma", "train:grad:bn.beta"} <= names
    assert result.passed, [(c.name, c.verdict, c.note) for c in result.checks if not c.passed]


def test_first_divergent_layer_finds_a_wrong_moving_variance_update():
    """Negative control: a torch twin with torch's own (unbiased) running_var update is caught."""
    spec = build_spec({"id": "bn2", "input": {"name": "x", "shape": [4, 4, 2]}, "loss": {"type": "mse"},
                       "layers": [{"name": "conv", "type": "conv2d", "filters": 3, "kernel_size": 3},
                                  {"name": "bn", "type": "batchnorm"}, {"name": "flat", "type": "flatten"}]})
    torch_twin = TorchTwin(spec, "cpu")
    torch_twin.model.bn.__class__ = torch_twin.model.bn.__class__.__mro__[2]  # plain nn.BatchNorm2d
    result = compare_twins(spec, TFTwin(spec, "cpu"), torch_twin, batch=4)
    failed = {c.name for c in result.checks if c.failed}
    assert failed == {"train:bn.moving_variance"}, failed
    assert result.first_divergent_layer == "bn"


def test_first_divergent_layer_on_an_rgb_spec_names_the_batchnorm_with_torchs_default_epsilon():
    """Negative control on cifar10_tf2: a hand port that keeps torch's eps=1e-5 in bn1."""
    from spec import load_spec
    from torch_impl.codegen import generate

    spec = load_spec("cifar10_tf2")
    source = generate(spec)
    old = "self.bn1 = BatchNorm2dKeras(64, eps=0.001, momentum=0.01)"
    assert old in source
    broken = TorchTwin(spec, "cpu", source=source.replace(old, "self.bn1 = BatchNorm2dKeras(64, eps=1e-05, momentum=0.01)"))
    result = compare_twins(spec, TFTwin(spec, "cpu"), broken, batch=4)
    assert result.verdict == "fail"
    assert result.first_divergent_layer == "bn1"
    # the twins' float64 runs disagree as much as their float32 runs: a different function, not rounding
    logits = next(c for c in result.checks if c.name == "logits")
    assert logits.verdict == "fail" and "float64 twins differ" in logits.note, logits.note
