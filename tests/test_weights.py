"""The neutral weight file: round trip through both twins, and clean errors for bad files."""
import numpy as np
import pytest

from spec import WeightsError, init_weights, load_spec, load_weights, save_weights
from tf_impl.twin import TFTwin
from torch_impl.twin import TorchTwin


@pytest.fixture(scope="module")
def spec():
    return load_spec("eager_mnist_cnn")


def test_round_trip_through_both_twins(spec, tmp_path):
    weights = init_weights(spec, seed=3)
    path = tmp_path / "w.npz"
    save_weights(path, spec, weights)
    loaded = load_weights(path, spec)
    for twin in (TFTwin(spec, "cpu"), TorchTwin(spec, "cpu")):
        twin.set_weights(loaded)
        back = twin.get_weights()
        assert set(back) == set(weights)
        for k in weights:
            assert np.array_equal(back[k], weights[k]), (twin.framework, k)


def test_corrupt_file_is_a_clean_error(spec, tmp_path):
    path = tmp_path / "w.npz"
    save_weights(path, spec, init_weights(spec))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(WeightsError, match="not a readable .npz"):
        load_weights(path, spec)


def test_wrong_shape_and_missing_keys_name_the_parameter(spec, tmp_path):
    weights = init_weights(spec)
    weights["fc1.kernel"] = weights["fc1.kernel"].T
    with pytest.raises(WeightsError, match=r"fc1.kernel has shape \[750, 4096\]"):
        save_weights(tmp_path / "w.npz", spec, weights)
    del weights["fc1.kernel"]
    with pytest.raises(WeightsError, match="missing"):
        save_weights(tmp_path / "w.npz", spec, weights)
    assert not any(tmp_path.iterdir()), "a rejected save must leave no file behind"


def test_nan_weights_are_rejected(spec, tmp_path):
    weights = init_weights(spec)
    weights["logits.bias"][0] = np.nan
    with pytest.raises(WeightsError, match="NaN"):
        save_weights(tmp_path / "w.npz", spec, weights)
