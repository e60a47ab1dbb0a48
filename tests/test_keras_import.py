"""`crosscheck import`: Keras models built here with Keras itself (not from the zoo), saved as
`.keras` and as legacy `.h5`, become a spec and neutral weights whose generated torch twin equals
the user's model; a model with layers the spec cannot express is refused with every one listed."""
import json

import keras
import numpy as np
import pytest

from crosscheck.cli import main
from crosscheck.twins import make_twin
from spec import load_spec, load_weights


def functional():
    inp = keras.Input((12, 12, 3), name="image")
    a = keras.layers.Conv2D(6, 3, padding="same", activation="relu", name="conv_a")(inp)
    b = keras.layers.Conv2D(6, 1, kernel_regularizer=keras.regularizers.L2(1e-3), name="conv_b")(inp)
    s = keras.layers.Add(name="sum")([a, b])
    s = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-3, name="bn")(s)
    s = keras.layers.MaxPooling2D(2, name="pool")(s)
    c = keras.layers.Concatenate(name="cat")([s, keras.layers.AveragePooling2D(2, name="avg")(a)])
    c = keras.layers.Dropout(0.3, name="drop")(c)
    f = keras.layers.Flatten(name="flat")(c)
    out = keras.layers.Dense(5, activation="softmax", name="probs")(f)
    model = keras.Model(inp, out, name="users_net")
    rng = np.random.default_rng(3)
    bn = model.get_layer("bn")  # moving statistics that are not 0 and 1
    bn.set_weights([rng.uniform(0.5, 1.5, 6), rng.normal(0, 0.2, 6), rng.normal(0, 0.3, 6), rng.uniform(0.5, 2, 6)])
    return model


def sequential():
    return keras.Sequential([keras.Input((20,)), keras.layers.Dense(16, activation="tanh", name="h",
                                                                    kernel_regularizer=keras.regularizers.L1L2(l1=1e-3, l2=2e-3)),
                             keras.layers.Dropout(0.2), keras.layers.Dense(4, name="logits")], name="seq")


@pytest.mark.parametrize("build,suffix", [(functional, ".keras"), (sequential, ".h5")])
def test_imported_model_and_its_torch_twin_agree(build, suffix, tmp_path, capsys):
    model = build()
    path = tmp_path / f"user{suffix}"
    model.save(path)
    spec_path = tmp_path / "user_net.json"
    assert main(["import", str(path), "--out", str(spec_path)]) == 0
    out = capsys.readouterr().out
    assert "the spec's Keras twin reproduces the model" in out and f"--weights {tmp_path / 'user_net.npz'}" in out
    raw = json.loads(spec_path.read_text())
    assert raw["id"] == "user_net"
    spec = load_spec(spec_path)
    weights = load_weights(tmp_path / "user_net.npz", spec)

    # The chain of proof: the user's model == our Keras twin (import) == our torch twin (compare).
    assert main(["compare", str(spec_path), "--weights", str(tmp_path / "user_net.npz"), "--device", "cpu"]) == 0
    assert "FAIL" not in capsys.readouterr().out
    x = np.random.default_rng(7).random((6, *spec.input_shape), dtype=np.float32)
    theirs = np.asarray(model(x, training=False))
    torch_out = make_twin(spec, "torch", "cpu", weights).forward(x)
    assert np.abs(torch_out - theirs).max() <= 1e-5 * np.abs(theirs).max()
    if build is functional:
        types = {layer["name"]: layer["type"] for layer in raw["layers"]}
        assert types["conv_a"] == "conv2d" and types["conv_a_relu"] == "relu" and types["probs_"] == "dense" and types["probs_softmax"] == "softmax"
        assert next(la for la in raw["layers"] if la["name"] == "sum")["inputs"] == ["conv_a_relu", "conv_b"]
        assert next(la for la in raw["layers"] if la["name"] == "conv_b")["kernel_regularizer"] == {"l2": 1e-3}
        np.testing.assert_array_equal(weights["bn.moving_variance"], model.get_layer("bn").get_weights()[3])
    else:
        assert next(la for la in raw["layers"] if la["name"] == "h")["kernel_regularizer"] == {"l1": 1e-3, "l2": 2e-3}


def test_unsupported_layers_are_all_listed_and_nothing_is_written(tmp_path, capsys):
    inp = keras.Input((8, 8, 2))
    x = keras.layers.Conv2DTranspose(3, 3, name="up")(inp)
    x = keras.layers.Conv2D(3, 3, dilation_rate=2, name="dilated")(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(2, activation="gelu", name="head")(x)
    path = tmp_path / "odd.keras"
    keras.Model(inp, x).save(path)
    assert main(["import", str(path), "--out", str(tmp_path / "odd.json")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"error: {path}: 3 part(s) of the model cannot be imported:"
    assert err[1:] == ["  layer 'up' (Conv2DTranspose): no spec layer type for it",
                       "  layer 'dilated' (Conv2D): dilated or grouped convolution",
                       "  layer 'head' (Dense): activation 'gelu'"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.keras"]


def test_a_file_that_is_not_a_keras_model_is_one_line(tmp_path, capsys):
    bad = tmp_path / "broken.keras"
    bad.write_bytes(b"not a zip")
    assert main(["import", str(bad), "--out", str(tmp_path / "x.json")]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: {bad}: cannot load as a Keras model: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.keras"]
