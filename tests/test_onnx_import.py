"""`crosscheck import MODEL.onnx`: the project's own exports (tf2onnx's NHWC graphs with Transposes
around each conv, torch's NCHW graphs) come back as specs whose twins equal the original's; a
hand-built torch-style graph (NCHW input, NCHW flatten into a Gemm) imports with the dense rows
permuted, and imports with that permutation or the conv kernel layout broken are refused; a model
with ops the spec cannot express is refused with every such node listed, nothing written."""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from crosscheck import onnx_import, spec_import
from crosscheck.cli import main
from crosscheck.conformance_inputs import make_batch
from crosscheck.onnx_export import export_model
from crosscheck.tolerance import TOL_OUTPUT
from crosscheck.twins import FRAMEWORKS, make_twin
from spec import build_spec, init_weights, load_spec, load_weights

# Every layer type the exporters emit, in one small DAG (the zoo's networks, all of them, are
# scripts/onnx_roundtrip.py's → docs/onnx_import.md): uneven SAME padding for conv and both
# poolings, explicit zero padding, batchnorm, leaky ReLU, add, concat, softmax over H, polynomial,
# sum, reshape, flatten, global pooling, dense, dropout, tanh, sigmoid.
ALL_TYPES = {
    "id": "all_types", "input": {"name": "x", "shape": [8, 8, 2]}, "loss": {"type": "mse"},
    "layers": [
        {"name": "pad", "type": "zeropad2d", "padding": [[0, 1], [2, 1]]},
        {"name": "conv", "type": "conv2d", "filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
        {"name": "bn", "type": "batchnorm"},
        {"name": "act", "type": "leaky_relu", "negative_slope": 0.2},
        {"name": "avg", "type": "avgpool2d", "pool_size": 3, "strides": 2, "padding": "same"},
        {"name": "mx", "type": "maxpool2d", "pool_size": 3, "strides": 2, "padding": "same", "inputs": ["act"]},
        {"name": "both", "type": "add", "inputs": ["avg", "mx"]},
        {"name": "th", "type": "tanh"},
        {"name": "sg", "type": "sigmoid", "inputs": ["both"]},
        {"name": "cat", "type": "concat", "inputs": ["th", "sg"]},
        {"name": "sm", "type": "softmax", "axis": 0},
        {"name": "poly", "type": "polynomial", "degree": 3},
        {"name": "total", "type": "sum"},
        {"name": "rs", "type": "reshape", "target_shape": [1, 9]},
        {"name": "flat", "type": "flatten"},
        {"name": "gap", "type": "global_avgpool2d", "inputs": ["cat"]},
        {"name": "joined", "type": "concat", "inputs": ["flat", "gap"]},
        {"name": "hidden", "type": "dense", "units": 5},
        {"name": "relu", "type": "relu"},
        {"name": "drop", "type": "dropout", "rate": 0.5},
        {"name": "out", "type": "dense", "units": 3},
    ],
}


def noisy_weights(spec):
    """Initial weights plus noise: an exporter drops a zero bias's Add or a batchnorm of 0/1 statistics."""
    rng = np.random.default_rng(0)
    out = {}
    for k, v in init_weights(spec, 0).items():
        w = v + rng.normal(0, 0.1, v.shape)
        out[k] = (np.abs(w) if k.endswith("moving_variance") else w).astype(np.float32)
    return out


def scaled(a, b):
    return float(np.abs(a - b).max()) / float(np.abs(b).max())


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("spec_id", ["all_types", "tf2_metrics_mnist_cnn", "kadenze_poly4"])
def test_export_import_round_trip_equals_the_original(spec_id, framework, tmp_path):
    spec = build_spec(ALL_TYPES, "all_types") if spec_id == "all_types" else load_spec(spec_id)
    weights = noisy_weights(spec)
    path = export_model(spec, framework, make_twin(spec, framework, "cpu", weights), tmp_path / "m.onnx")
    imported = onnx_import.convert(onnx_import.load(path), "back", str(path))
    back = spec_import.validated(imported.raw, imported.weights, path, tmp_path / "back.json")
    x, _ = make_batch(spec, 4, 0)
    for fw in FRAMEWORKS:
        original = make_twin(spec, fw, "cpu", weights).forward(x)
        assert scaled(make_twin(back, fw, "cpu", imported.weights).forward(x), original) <= TOL_OUTPUT
    # Exporters fold (torch: batchnorm into the conv; both: a reshape into the flatten after it;
    # inference-mode dropout is no op), so the imported spec may be shorter, never of other types.
    assert {n.type for n in back.nodes} <= {n.type for n in spec.nodes}
    assert back.output == spec.output  # the output layer keeps the file's output name


def test_import_then_compare_from_the_command_line(tmp_path, capsys):
    spec = load_spec("kadenze_poly4")
    path = export_model(spec, "torch", make_twin(spec, "torch", "cpu", noisy_weights(spec)), tmp_path / "poly.onnx")
    assert main(["import", str(path), "--out", str(tmp_path / "poly.json")]) == 0
    out = capsys.readouterr().out
    assert "the spec's Keras twin reproduces the model to" in out and "the spec's torch twin reproduces the model to" in out
    assert json.loads((tmp_path / "poly.json").read_text())["layers"][0] == {"name": "polynomial_1", "type": "polynomial", "degree": 4}
    assert main(["compare", str(tmp_path / "poly.json"), "--weights", str(tmp_path / "poly.npz"), "--device", "cpu"]) == 0


def torch_style_model(path, rng=np.random.default_rng(1)):
    """What torch.onnx makes of a plain torch CNN: NCHW input, Conv, Relu, Flatten of NCHW, Gemm."""
    w = numpy_helper.from_array(rng.normal(0, 0.5, (4, 2, 3, 3)).astype(np.float32), "conv.weight")
    b = numpy_helper.from_array(rng.normal(0, 0.1, 4).astype(np.float32), "conv.bias")
    fc = numpy_helper.from_array(rng.normal(0, 0.3, (3, 4 * 5 * 4)).astype(np.float32), "fc.weight")
    fcb = numpy_helper.from_array(rng.normal(0, 0.1, 3).astype(np.float32), "fc.bias")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["image", "conv.weight", "conv.bias"], ["c"], name="conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["c"], ["r"], name="relu"),
         helper.make_node("Flatten", ["r"], ["f"], name="flatten", axis=1),
         helper.make_node("Gemm", ["f", "fc.weight", "fc.bias"], ["logits"], name="fc", transB=1)],
        "torch_style", [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 2, 5, 4])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])], [w, b, fc, fcb])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]), str(path))


def test_nchw_input_and_nchw_flatten_import_with_the_dense_rows_permuted(tmp_path, capsys):
    torch_style_model(tmp_path / "net.onnx")
    assert main(["import", str(tmp_path / "net.onnx"), "--out", str(tmp_path / "net.json")]) == 0
    assert "the file's input is channels first" in capsys.readouterr().out
    spec = load_spec(tmp_path / "net.json")
    assert spec.input_shape == (5, 4, 2) and [n.type for n in spec.nodes] == ["conv2d", "relu", "flatten", "dense"]
    assert [n.name for n in spec.nodes] == ["conv", "relu_1", "flatten_1", "logits"]
    weights = load_weights(tmp_path / "net.npz", spec)
    assert not np.array_equal(weights["logits.kernel"], numpy_helper.to_array(onnx.load(str(tmp_path / "net.onnx")).graph.initializer[2]).T)


@pytest.mark.parametrize("broken", ["_rows_in_logical_order", "_conv_kernel"])
def test_a_wrong_flatten_order_or_kernel_layout_is_refused(broken, tmp_path, capsys, monkeypatch):
    """Negative controls: the on-the-spot check must catch an import that gets the NCHW flatten's
    row order (dense rows left in the file's order) or the conv kernel layout (kh and kw swapped) wrong."""
    torch_style_model(tmp_path / "net.onnx")
    wrong = {"_rows_in_logical_order": lambda kernel, order: kernel,
             "_conv_kernel": lambda w: np.ascontiguousarray(w.transpose(3, 2, 1, 0))}[broken]
    monkeypatch.setattr(onnx_import, broken, wrong)
    assert main(["import", str(tmp_path / "net.onnx"), "--out", str(tmp_path / "net.json")]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: {tmp_path / 'net.onnx'}: the imported spec computes something else: max |Δ| / scale tf twin ")
    numbers = [float(t.rstrip(",")) for t in line.split("tf twin ")[1].split(" (")[0].replace("torch twin ", "").split()]
    assert min(numbers) > 1e-2  # far beyond the 1e-5 tolerance, not a rounding matter
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.onnx"]


def test_every_unsupported_node_is_listed_and_nothing_is_written(tmp_path, capsys):
    w = numpy_helper.from_array(np.ones((4, 1, 3, 3), np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("Transpose", ["x"], ["t"], name="to_nchw", perm=[0, 3, 1, 2]),
         helper.make_node("Conv", ["t", "w"], ["c"], name="grouped", kernel_shape=[3, 3], group=2),
         helper.make_node("Elu", ["c"], ["e"], name="elu"),
         helper.make_node("Shape", ["e"], ["s"], name="shape_is_fine"),
         helper.make_node("HardSigmoid", ["e"], ["h"], name="hard"),
         helper.make_node("Relu", ["h"], ["r"], name="relu_is_fine"),
         helper.make_node("Erf", ["r"], ["y"], name="")],
        "odd", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 6, 6, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 4, 4, 4])], [w])
    path = tmp_path / "odd.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]), str(path))
    assert main(["import", str(path), "--out", str(tmp_path / "odd.json")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"error: {path}: 4 node(s) of the model cannot be imported:",
                   "  node 'elu' (Elu): no spec layer type for it",
                   "  node 'hard' (HardSigmoid): no spec layer type for it",
                   "  node #6 (output 'y') (Erf): no spec layer type for it",
                   "  node 'grouped' (Conv): grouped or dilated convolution"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.onnx"]


@pytest.mark.parametrize("content", [b"not an onnx model at all", b""])
def test_a_file_that_is_not_onnx_is_one_line(content, tmp_path, capsys):
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(content)
    assert main(["import", str(bad), "--out", str(tmp_path / "x.json")]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: {bad}: not a readable ONNX model: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.onnx"]
