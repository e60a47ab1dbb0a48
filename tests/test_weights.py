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


def test_native_formats_round_trip_through_the_cli(spec, tmp_path):
    """neutral → Keras .weights.h5 → neutral → torch .pt → neutral is the identity."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]

    def cli(*args):
        proc = subprocess.run([sys.executable, "-m", "crosscheck", "weights", *map(str, args)],
                              capture_output=True, text=True, cwd=root)
        assert proc.returncode == 0, proc.stderr
        return proc

    w0, h5, w1, pt, w2 = (tmp_path / n for n in ("w0.npz", "m.weights.h5", "w1.npz", "m.pt", "w2.npz"))
    cli("init", spec.id, "--out", w0, "--seed", 5)
    cli("export", spec.id, "--weights", w0, "--framework", "tf", "--out", h5)
    cli("import", spec.id, "--native", h5, "--framework", "tf", "--out", w1)
    cli("export", spec.id, "--weights", w1, "--framework", "torch", "--out", pt)
    cli("import", spec.id, "--native", pt, "--framework", "torch", "--out", w2)
    a, b = load_weights(w0, spec), load_weights(w2, spec)
    assert all(np.array_equal(a[k], b[k]) for k in a)

    pt.write_bytes(pt.read_bytes()[:100])
    proc = subprocess.run([sys.executable, "-m", "crosscheck", "weights", "import", spec.id, "--native", str(pt),
                           "--framework", "torch", "--out", str(tmp_path / "bad.npz")], capture_output=True, text=True, cwd=root)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "bad.npz").exists()
