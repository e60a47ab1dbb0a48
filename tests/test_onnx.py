"""ONNX export of both twins and ONNX Runtime parity (issue 4).

Exports are slow (seconds each), so three representative specs cover every registered layer
type: `eager_mnist_cnn` (valid conv, max pool, dropout, relu, flatten, dense), `dorian_mlp300`
(softmax output, probabilities) and `MIXED` below (SAME conv with stride 2 and an uneven pad,
batchnorm with non-trivial moving statistics, SAME max and average pooling, tanh, sigmoid, add,
concat, zeropad2d, global average pooling, reshape). The report runs every spec of the zoo.
"""
import subprocess
import sys

import numpy as np
import onnx
import pytest

from crosscheck import cli
from crosscheck.conformance_inputs import make_batch
from crosscheck.onnx_export import DEFAULT_OPSET, ExportError, class_probabilities, export_model, metadata, session
from crosscheck.twins import make_twin
from crosscheck import onnx_parity
from crosscheck.onnx_parity import PAIR_NAMES, REFERENCE_PAIRS, parity_checks, parse_check_name
from spec import build_spec, init_weights, load_spec
from spec.layers import registry

MIXED = {
    "id": "onnx_mixed",
    "input": {"name": "pixels", "shape": [8, 8, 2]},
    "layers": [
        {"name": "conv_s2", "type": "conv2d", "filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"},
        {"name": "norm", "type": "batchnorm"},
        {"name": "act_a", "type": "tanh"},
        {"name": "pool_avg", "type": "avgpool2d", "pool_size": 3, "strides": 2, "padding": "same", "inputs": ["pixels"]},
        {"name": "proj", "type": "conv2d", "filters": 4, "kernel_size": 1},
        {"name": "act_b", "type": "sigmoid"},
        {"name": "merge", "type": "add", "inputs": ["act_a", "act_b"]},
        {"name": "stack", "type": "concat", "inputs": ["merge", "pool_avg"]},
        {"name": "padded", "type": "zeropad2d", "padding": [[0, 1], [1, 0]]},
        {"name": "pool_max", "type": "maxpool2d", "pool_size": 3, "strides": 2, "padding": "same"},
        {"name": "gap", "type": "global_avgpool2d"},
        {"name": "regroup", "type": "reshape", "target_shape": [9, 6], "inputs": ["pool_max"]},
        {"name": "flat", "type": "flatten"},
        {"name": "both", "type": "concat", "inputs": ["flat", "gap"]},
        {"name": "scores", "type": "dense", "units": 5},
        {"name": "powers", "type": "polynomial", "degree": 3},
        {"name": "mixed_out", "type": "dense", "units": 5},
        {"name": "total", "type": "sum", "inputs": ["powers"]},
        {"name": "outputs_and_total", "type": "concat", "inputs": ["mixed_out", "total"]},
    ],
    "loss": {"type": "softmax_cross_entropy"},
    "data": {"dataset": "synthetic", "scale": "unit"},
}
SPECS = ["eager_mnist_cnn", "dorian_mlp300", "mixed"]


def _spec(name):
    return build_spec(MIXED, "onnx_mixed.json") if name == "mixed" else load_spec(name)


def _weights(spec, seed):
    """The spec's initial weights with moving statistics away from (0, 1), so an export that
    normalised with batch statistics, or skipped batchnorm, would differ."""
    weights = init_weights(spec, seed)
    rng = np.random.default_rng(seed)
    for key, value in weights.items():
        if key.endswith(".moving_mean"):
            weights[key] = rng.normal(0, 0.5, value.shape).astype(np.float32)
        elif key.endswith(".moving_variance"):
            weights[key] = rng.uniform(0.5, 2.0, value.shape).astype(np.float32)
    return weights


def test_representative_specs_cover_every_zoo_layer_type():
    covered = {n.type for s in SPECS for n in _spec(s).nodes}
    zoo = {n.type for sid in __import__("spec").spec_ids() for n in load_spec(sid).nodes}
    assert zoo <= covered, f"not exported by these tests: {sorted(zoo - covered)}"


@pytest.mark.parametrize("layer_type", sorted(registry()))
def test_every_layer_types_example_exports_with_parity(layer_type):
    """Each registered type, in the one-layer spec of its own `example` (spec/layers): both exports
    pass every parity pair at batch 1 and more, so a new type is exported by a test of its own."""
    from spec.reference import one_layer_spec

    fields, shape = registry()[layer_type].example
    spec = build_spec(one_layer_spec(layer_type, fields, shape), f"{layer_type} example")
    weights = _weights(spec, 3)
    twins = {fw: make_twin(spec, fw, "cpu", weights) for fw in ("tf", "torch")}
    checks = parity_checks(spec, twins["tf"], twins["torch"], seed=1, device="cpu", batches=(1, 5))
    assert len(checks) == 2 * len(PAIR_NAMES) + len(REFERENCE_PAIRS)
    failed = [(c.name, c.verdict, c.note) for c in checks if c.failed]
    assert not failed, failed


@pytest.fixture(scope="module", params=SPECS)
def exported(request, tmp_path_factory):
    spec = _spec(request.param)
    weights = _weights(spec, 3)
    twins = {fw: make_twin(spec, fw, "cpu", weights) for fw in ("tf", "torch")}
    out = tmp_path_factory.mktemp(spec.id)
    paths = {fw: export_model(spec, fw, twins[fw], out / f"{spec.id}_{fw}.onnx") for fw in twins}
    return spec, twins, paths


def test_exports_pass_the_checker_with_one_interface_and_metadata(exported):
    spec, _, paths = exported
    for fw, path in paths.items():
        onnx.checker.check_model(str(path), full_check=True)
        model = onnx.load(str(path))
        (inp,) = model.graph.input
        dims = inp.type.tensor_type.shape.dim
        assert inp.name == spec.input_name
        assert not dims[0].HasField("dim_value") and dims[0].dim_param == "batch", f"{fw}: batch dimension is not dynamic `batch`"
        assert model.graph.output[0].type.tensor_type.shape.dim[0].dim_param == "batch"
        assert tuple(d.dim_value for d in dims[1:]) == spec.input_shape  # NHWC, the logical layout
        assert [o.name for o in model.graph.output] == [spec.output]
        meta = metadata(model)
        assert meta["spec_id"] == spec.id and meta["spec_sha256"] == spec.sha256()
        assert meta["source_framework"] == {"tf": "tensorflow", "torch": "torch"}[fw]
        assert meta["exporter"] == {"tf": "tf2onnx", "torch": "torch.onnx"}[fw]
        assert meta["source_framework_version"] and meta["exporter_version"]
        assert meta["opset"] == str(DEFAULT_OPSET)
        assert {o.version for o in model.opset_import if o.domain in ("", "ai.onnx")} == {DEFAULT_OPSET}
        # Inference mode: no dropout op survives (dropout is the identity).
        assert "Dropout" not in {n.op_type for n in model.graph.node}


def test_both_exports_take_the_same_array_under_the_same_name(exported):
    spec, twins, paths = exported
    x, _ = make_batch(spec, 5, seed=11)
    feeds = {spec.input_name: x}
    outs = [session(p, "cpu").run([spec.output], feeds)[0] for p in paths.values()]
    assert outs[0].shape == outs[1].shape == (5, *spec.output_shape)
    assert np.abs(outs[0] - outs[1]).max() <= 1e-5 * np.abs(outs[1]).max()


def test_parity_every_pair_at_batch_1_and_32(exported):
    spec, twins, _ = exported
    checks = parity_checks(spec, twins["tf"], twins["torch"], seed=5, device="cpu")
    names = {c.name for c in checks}
    for batch in (1, 32):
        for pair in ("onnx:tf-vs-native", "onnx:torch-vs-native", "onnx:tf-vs-torch"):
            assert f"{pair}@b{batch}" in names
            assert parse_check_name(f"{pair}@b{batch}") == (pair, batch)
    assert len(checks) == 2 * len(PAIR_NAMES) + len(REFERENCE_PAIRS)
    not_passed = [(c.name, c.verdict, c.note) for c in checks if not c.passed]
    assert not not_passed, not_passed
    assert all(c.tol == 1e-5 and c.scale > 0 and c.float64_scaled < 1e-12 for c in checks)


def test_parity_detects_exports_of_different_weights():
    """Negative control: the torch twin gets one bias changed by 1e-3 of the output scale."""
    spec = load_spec("ltfn1_softmax")
    weights = init_weights(spec, 0)
    tf_twin = make_twin(spec, "tf", "cpu", weights)
    weights = dict(weights)
    bias = next(k for k in weights if k.endswith(".bias"))
    weights[bias] = weights[bias] + np.float32(1e-3) * np.abs(tf_twin.forward(make_batch(spec, 4, 0)[0])).max()
    torch_twin = make_twin(spec, "torch", "cpu", weights)
    checks = {c.name: c for c in parity_checks(spec, tf_twin, torch_twin, seed=0, device="cpu", batches=(1,))}
    assert checks["onnx:tf-vs-torch@b1"].verdict == "fail"
    assert "float64 twins differ" in checks["onnx:tf-vs-torch@b1"].note  # a different function, not rounding
    assert checks["onnx:tf-vs-native@b1"].passed and checks["onnx:torch-vs-native@b1"].passed


def test_the_onnx_reference_evaluator_is_a_third_opinion(monkeypatch):
    """Each export also runs on onnx.reference.ReferenceEvaluator at batch 1 against its native
    twin. Negative control: the reference runner's output off by 1e-3 of scale fails both reference
    checks, as a float32 defect of the reference runner, and nothing else; a model it cannot run
    is a note, not a silent gap."""
    spec = load_spec("ltfn6_convnet_he")
    twins = {fw: make_twin(spec, fw, "cpu", _weights(spec, 3)) for fw in ("tf", "torch")}
    run = onnx_parity._run_reference
    monkeypatch.setattr(onnx_parity, "_run_reference", lambda ev, x: (y := run(ev, x)) + 1e-3 * np.abs(y).max())
    checks = {c.name: c for c in parity_checks(spec, twins["tf"], twins["torch"], seed=0, device="cpu", batches=(1, 3))}
    failed = sorted(n for n, c in checks.items() if c.failed)
    assert failed == ["onnx:reference-tf-vs-native@b1", "onnx:reference-torch-vs-native@b1"]
    assert all(checks[n].verdict == "float32-defect" and checks[n].defect_in[0].startswith("reference-") for n in failed)
    assert "onnx:reference-tf-vs-native@b3" not in checks

    monkeypatch.setattr(onnx_parity, "REFERENCE_MAX_PARAMETERS", 10)
    notes = []
    checks = parity_checks(spec, twins["tf"], twins["torch"], seed=0, device="cpu", batches=(1,), notes=notes)
    assert len(checks) == len(PAIR_NAMES) and notes[0].startswith("ONNX reference evaluator not run: ")


def test_export_is_atomic_when_the_exporter_fails(tmp_path, monkeypatch):
    spec = load_spec("ltfn5_convnet")
    twin = make_twin(spec, "tf", "cpu", init_weights(spec, 0))
    # A real exporter failure: at opset 5 tf2onnx emits a Cast the checker rejects.
    with pytest.raises(ExportError, match="ONNX checker"):
        export_model(spec, "tf", twin, tmp_path / "old.onnx", opset=5)

    # A failure half-way through writing: bytes on disk, then the writer dies.
    def half_write(proto, path, *a, **k):
        with open(path, "wb") as f:
            f.write(proto.SerializeToString()[:100])
        raise OSError("disk full")

    monkeypatch.setattr(onnx, "save_model", half_write)
    with pytest.raises(OSError, match="disk full"):
        export_model(spec, "tf", twin, tmp_path / "partial.onnx")
    assert list(tmp_path.iterdir()) == []


def _tf_export_structure(spec, twin, monkeypatch, fresh_messages: bool) -> list:
    """The TF export as a list of its nodes (op, attributes, and each input as the initializer's
    bytes, the producing node's position, or the graph input), free of the names tf2onnx numbers
    per conversion or picks among equal constants."""
    from onnx import numpy_helper

    from crosscheck import onnx_export

    if not fresh_messages:
        monkeypatch.setattr(onnx_export, "_in_fresh_message", lambda update_proto: update_proto)
    proto = onnx_export._tf_proto(spec, twin, DEFAULT_OPSET)[0]
    onnx_export._name_batch_dim(proto)
    graph = proto.graph
    consts = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    made = {out: (k, j) for k, node in enumerate(graph.node) for j, out in enumerate(node.output)}

    def source(name):
        if name in consts:
            return str(consts[name].dtype), consts[name].shape, consts[name].tobytes()
        return made.get(name, name)

    return [(n.op_type, n.domain, [a.SerializeToString() for a in n.attribute], [source(i) for i in n.input])
            for n in graph.node] + [str(graph.input), str(graph.output)]


def test_the_memory_saving_tf_export_writes_what_tf2onnx_writes(monkeypatch):
    """`_in_fresh_message` (a new NodeProto per attribute rewrite, so upb frees the old copies of
    the weights) must leave the exported model as tf2onnx makes it, node for node."""
    spec = _spec("mixed")
    twin = make_twin(spec, "tf", "cpu", _weights(spec, 0))
    fresh = _tf_export_structure(spec, twin, monkeypatch, fresh_messages=True)
    plain = _tf_export_structure(spec, twin, monkeypatch, fresh_messages=False)
    assert len(fresh) > 12
    assert fresh == plain


def test_compare_onnx_json_lists_the_onnx_checks(capsys):
    assert cli.main(["compare", "ltfn1_softmax", "--onnx", "--json", "--device", "cpu"]) == 0
    import json

    (result,) = json.loads(capsys.readouterr().out)["results"]
    names = {c["name"] for c in result["checks"]}
    assert {f"{p}@b{b}" for p in ("onnx:tf-vs-native", "onnx:torch-vs-native", "onnx:tf-vs-torch") for b in (1, 32)} <= names
    assert "logits" in names and result["passed"]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "crosscheck", *args], capture_output=True, text=True, timeout=300)


def test_export_and_infer_commands_end_to_end(tmp_path):
    """The entry points in fresh processes (import order), on .npy, a PNG, and a corrupt file."""
    from PIL import Image
    from scipy.special import softmax

    from crosscheck.datasets.preprocessing import preprocess

    proc = _cli("export", "eager_mnist_cnn", "--framework", "both", "--out", str(tmp_path / "onnx"), "--seed", "2")
    assert proc.returncode == 0, proc.stderr
    files = sorted((tmp_path / "onnx").iterdir())
    assert [f.name for f in files] == ["eager_mnist_cnn_tf.onnx", "eager_mnist_cnn_torch.onnx"]

    spec = load_spec("eager_mnist_cnn")
    tf_twin = make_twin(spec, "tf", "cpu", init_weights(spec, 2))

    # .npy: a batch of two preprocessed examples; probabilities = softmax of the native logits.
    x, _ = make_batch(spec, 2, seed=9)
    np.save(tmp_path / "batch.npy", x)
    # PNG: RGB and the wrong size, so infer must convert to grayscale and resize to 28x28.
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (40, 36, 3), dtype=np.uint8)).save(tmp_path / "digit.png")
    pixels = np.asarray(Image.open(tmp_path / "digit.png").convert("L"))
    img = preprocess(pixels.reshape(1, 40, 36, 1), {"resize": [28, 28], **spec.data})
    assert img.shape == (1, 28, 28, 1) and 0 <= img.min() and img.max() <= 1

    for model in files:
        proc = _cli("infer", str(model), str(tmp_path / "batch.npy"), str(tmp_path / "digit.png"), "--top-k", "3", "--device", "cpu")
        assert proc.returncode == 0, proc.stderr
        lines = proc.stdout.strip().splitlines()
        assert len(lines) == 3
        for line, probs in zip(lines, softmax(np.concatenate([tf_twin.forward(x), tf_twin.forward(img)]).astype(np.float64), axis=1)):
            top = np.argsort(-probs, kind="stable")[:3]
            pairs = [p.strip().rstrip(")").split(" (") for p in line.split(": ", 1)[1].split(",")]
            assert [int(c) for c, _ in pairs] == list(top), line
            assert np.allclose([float(p) for _, p in pairs], probs[top], atol=1e-4), line

    data = files[0].read_bytes()
    (tmp_path / "truncated.onnx").write_bytes(data[: len(data) // 2])
    (tmp_path / "garbage.onnx").write_bytes(b"\x08\x07not an onnx file at all" * 10)
    for bad in ("truncated.onnx", "garbage.onnx"):
        proc = _cli("infer", str(tmp_path / bad), str(tmp_path / "batch.npy"))
        assert proc.returncode == 2, proc.stdout + proc.stderr
        err = proc.stderr.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"error: {tmp_path / bad}:"), proc.stderr


def test_op_table_has_no_stale_rows():
    """docs/onnx_ops.md is generated (scripts/onnx_op_table.py): every row is a registered type. A new
    type gets its row when the table is next generated; its export is tested by its own example above."""
    from pathlib import Path

    table = (Path(__file__).resolve().parents[1] / "docs" / "onnx_ops.md").read_text()
    rows = {line.split("|")[1].strip().strip("`") for line in table.splitlines() if line.startswith("| `")}
    assert rows and rows <= set(registry()), f"rerun scripts/onnx_op_table.py: rows for {sorted(rows - set(registry()))}"


def test_an_exporter_crash_is_a_failed_check_not_a_crash(monkeypatch):
    import crosscheck.onnx_parity as onnx_parity
    from crosscheck.compare import compare_spec

    def broken(*a, **k):
        raise ValueError("no converter for op Foo")

    monkeypatch.setattr(onnx_parity, "parity_checks", broken)
    result = compare_spec(load_spec("ltfn1_softmax"), seed=0, device="cpu", onnx=True)
    failed = [c for c in result.checks if c.failed]
    assert result.verdict == "fail" and [c.name for c in failed] == ["onnx:export"]
    assert "no converter for op Foo" in failed[0].note


def test_class_probabilities_follow_the_spec():
    logits = np.array([[1.0, 2.0, 0.5]], np.float32)
    softmax_of = np.exp(logits) / np.exp(logits).sum()
    assert np.allclose(class_probabilities(load_spec("ltfn1_softmax"), logits), softmax_of)  # logits
    probs = np.array([[0.2, 0.5, 0.3]], np.float32)
    assert np.allclose(class_probabilities(load_spec("dorian_mlp300"), probs), probs)  # softmax output layer
    binary = load_spec("resnet50_transfer")  # one sigmoid unit, binary cross entropy on probabilities
    assert np.allclose(class_probabilities(binary, np.array([[0.8]], np.float32)), [[0.2, 0.8]])
