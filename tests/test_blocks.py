"""Repeated blocks (spec/blocks.py): expansion, templated names, and errors that name both the
instance and the block's layer."""
import copy
import subprocess
import sys
from pathlib import Path

import pytest

from spec import SpecError, build_spec, load_spec, param_counts

ROOT = Path(__file__).resolve().parents[1]

BASE = {
    "id": "blocky",
    "input": {"name": "x", "shape": [8, 8, 3]},
    "blocks": {
        "unit": {
            "params": ["n", "filters", "strides"],
            "defaults": {"strides": 1},
            "layers": [
                {"name": "conv{n}", "type": "conv2d", "filters": "$filters", "kernel_size": 3, "strides": "$strides", "padding": "same"},
                {"name": "bn{n}", "type": "batchnorm"},
                {"name": "relu{n}", "type": "relu"},
            ],
        },
        "residual": {
            "params": ["n"],
            "layers": [
                {"name": "res{n}_conv", "type": "conv2d", "filters": 4, "kernel_size": 1},
                {"name": "res{n}_add", "type": "add", "inputs": ["res{n}_conv", "$input"]},
            ],
        },
    },
    "layers": [
        {"use": "unit", "with": {"n": 1, "filters": 4}},
        {"use": "residual", "with": {"n": 1}},
        {"name": "side", "type": "relu", "inputs": ["x"]},
        {"use": "unit", "with": {"n": 2, "filters": 6, "strides": 2}, "inputs": ["res1_add"], "trainable": False},
        {"name": "flat", "type": "flatten"},
    ],
}


def mutated(fn):
    raw = copy.deepcopy(BASE)
    fn(raw)
    return raw


def test_expansion_names_inputs_parameters():
    spec = build_spec(BASE)
    names = [n.name for n in spec.nodes]
    assert names == ["conv1", "bn1", "relu1", "res1_conv", "res1_add", "side", "conv2", "bn2", "relu2", "flat"]
    assert spec.node("conv1").inputs == ["x"]
    assert spec.node("res1_conv").inputs == ["relu1"] and spec.node("res1_add").inputs == ["res1_conv", "relu1"]
    assert spec.node("conv2").inputs == ["res1_add"]  # the instance's inputs, not the previous layer "side"
    assert spec.node("conv2").cfg["strides"] == 2 and spec.node("conv1").cfg["strides"] == 1  # default
    assert spec.node("conv2").out_shape == (4, 4, 6)
    assert not spec.node("bn2").trainable and spec.node("bn1").trainable
    assert spec.node("flat").inputs == ["relu2"]
    assert spec.node("bn2").path == "layers[3]->blocks.unit.layers[1]"
    assert "blocks" in spec.raw and "blocks" not in spec.flat_raw
    total, trainable = param_counts(spec)
    assert total - trainable == 2 * 4 + 2 * 6 + (3 * 3 * 4 * 6 + 6) + 2 * 6  # moving stats + frozen unit 2


# (mutation, path the error must name, message fragment)
BAD = [
    ("unknown_block", lambda r: r["layers"][1].__setitem__("use", "bottleneck"), "layers[1].use", "no block named 'bottleneck'"),
    ("missing_param", lambda r: r["layers"][0]["with"].pop("filters"), "layers[0].with", "needs parameter(s) filters"),
    ("unknown_param", lambda r: r["layers"][0]["with"].__setitem__("filter", 3), "layers[0].with", "has no parameter(s) filter"),
    ("bad_value_in_block", lambda r: r["layers"][3]["with"].__setitem__("filters", -6),
     "layers[3]->blocks.unit.layers[0].filters", "less than the minimum"),
    ("undefined_template", lambda r: r["blocks"]["residual"]["layers"][0].__setitem__("name", "res{m}_conv"),
     "layers[1]->blocks.residual.layers[0].name", "'{m}' names no parameter"),
    ("duplicate_expanded_name", lambda r: r["layers"][3]["with"].__setitem__("n", 1),
     "layers[3]->blocks.unit.layers[0].name", "duplicate name 'conv1'"),
    ("shape_error_in_block", lambda r: r["layers"][0]["with"].__setitem__("filters", 6),
     "layers[1]->blocks.residual.layers[1].inputs", "(res1_add) add needs equal shapes"),
    ("cycle_through_blocks", lambda r: r["layers"][3].__setitem__("inputs", ["flat"]),
     "layers[3]->blocks.unit.layers[0].inputs", "cycle: conv2 -> flat -> relu2 -> bn2 -> conv2"),
    ("bad_block_definition", lambda r: r["blocks"]["unit"].__setitem__("params", "n"), "blocks.unit.params", "not of type"),
    ("use_with_layer_fields", lambda r: r["layers"][0].__setitem__("type", "relu"), "layers[0]", "unknown field"),
]


@pytest.mark.parametrize("name,mutate,path,fragment", BAD, ids=[b[0] for b in BAD])
def test_block_errors_name_instance_and_block_layer(name, mutate, path, fragment):
    with pytest.raises(SpecError) as err:
        build_spec(mutated(mutate), f"{name}.json")
    assert any(p == path and fragment in m for p, m in err.value.problems), err.value.lines()


def test_cli_validate_reports_block_error_in_one_line(tmp_path):
    import json

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(mutated(BAD[3][1])))
    proc = subprocess.run([sys.executable, "-m", "crosscheck", "validate", str(bad)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"{bad}: layers[3]->blocks.unit.layers[0].filters: " in proc.stderr


def test_resnet50_spec_is_short_and_expands_to_the_keras_graph():
    raw_lines = (ROOT / "spec/models/resnet50.json").read_text().count("\n")
    spec = load_spec("resnet50")
    assert raw_lines < 500 and len(spec.nodes) == 177
    kinds = [n.type for n in spec.nodes]
    assert kinds.count("conv2d") == 53 and kinds.count("batchnorm") == 53 and kinds.count("add") == 16
    assert spec.node("res3a_branch1").inputs == ["res2c_out"] and spec.node("res3a_branch2a").cfg["strides"] == 2
    assert spec.node("res2a_branch2a").cfg["strides"] == 1  # stage 2 keeps the pool's resolution
    assert spec.node("res5c_out").out_shape == (7, 7, 2048)
    assert all(n.cfg["epsilon"] == 1.001e-5 for n in spec.nodes if n.type == "batchnorm")
