"""Initialisers: sample statistics match the documented maths, and both twins' native
initialisers draw from the same distributions as the neutral numpy sampler."""
import math

import numpy as np
import pytest

from spec import initializers as I


def sample(init, shape=(400, 500), seed=0):
    return I.sample(init, shape, seed, "layer.kernel").astype(np.float64)


def test_truncated_variance_scaling_keeps_the_intended_variance():
    # He on a (400, 500) kernel: σ² = 2/400. The truncated draws must have exactly that variance
    # (Keras' 1/0.87962566 widening); TF1 contrib's √1.3 would give 1.006×, no widening 0.774×.
    w = sample({"type": "variance_scaling", "scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"})
    target = 2.0 / 400
    assert abs(w.var() / target - 1) < 0.01  # 200,000 samples: sampling error of the ratio ≈ 0.3 %
    assert np.abs(w).max() <= 2 * math.sqrt(target) / I.TRUNCATED_NORMAL_STDDEV_OF_UNIT + 1e-7


def test_truncated_normal_is_cut_not_widened():
    w = sample({"type": "truncated_normal", "stddev": 0.1})
    assert np.abs(w).max() <= 0.2 + 1e-7
    assert abs(w.var() / (0.01 * 0.7737413) - 1) < 0.01


@pytest.mark.parametrize("init,var", [
    ({"type": "glorot_uniform"}, 2.0 / 900),
    ({"type": "glorot_normal"}, 2.0 / 900),
    ({"type": "he_normal"}, 2.0 / 400),
    ({"type": "variance_scaling", "scale": 1.0, "mode": "fan_out", "distribution": "untruncated_normal"}, 1.0 / 500),
    ({"type": "normal", "stddev": 0.03}, 0.03 ** 2),
    ({"type": "uniform", "minval": -0.05, "maxval": 0.05}, 0.1 ** 2 / 12),
])
def test_sample_variance(init, var):
    assert abs(sample(init).var() / var - 1) < 0.01


def test_conv_fans_are_receptive_field_times_channels():
    assert I.fans((3, 3, 16, 32)) == (144.0, 288.0)
    assert I.fans((784, 10)) == (784.0, 10.0)


def test_draws_are_independent_per_parameter_and_deterministic():
    a = I.sample({"type": "normal"}, (5,), 0, "a.kernel")
    assert np.array_equal(a, I.sample({"type": "normal"}, (5,), 0, "a.kernel"))
    assert not np.array_equal(a, I.sample({"type": "normal"}, (5,), 0, "b.kernel"))
    assert not np.array_equal(a, I.sample({"type": "normal"}, (5,), 1, "a.kernel"))


@pytest.mark.parametrize("init", [
    {"type": "variance_scaling", "scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"},
    {"type": "glorot_uniform"},
    {"type": "truncated_normal", "stddev": 0.1},
])
def test_native_initialisers_match_the_spec_distribution(init):
    """The generated Keras and torch initialisers draw with the spec's variance (1 %)."""
    import keras
    import torch
    from torch import nn  # noqa: F401  (the generated snippet uses `nn`)

    from tf_impl.initializers import initializer_source
    from torch_impl.initializers import TRUNC_HELPER
    from torch_impl.initializers import initializer_source as torch_initializer_source

    init = I.normalize(init)
    shape = (300, 400)
    target = sample(init, shape).var()

    keras_init = eval(initializer_source(init), {"initializers": keras.initializers})
    keras_init = keras.initializers.get(keras_init) if isinstance(keras_init, str) else keras_init
    k = np.asarray(keras_init(shape)).astype(np.float64)
    assert abs(k.var() / target - 1) < 0.02

    weight = torch.empty(shape[1], shape[0])  # nn.Linear layout (out, in)
    scope = {"nn": nn, "math": math, "w": weight}
    exec(TRUNC_HELPER, scope)
    exec(torch_initializer_source(init, "w", shape), scope)
    assert abs(weight.double().var().item() / target - 1) < 0.02
