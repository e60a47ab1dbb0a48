"""Spec files that are not UTF-8 JSON with finite numbers: one SpecError line per problem,
naming the file and the field, exit 2 from the CLI without a traceback."""
import codecs
import json
import subprocess
import sys
from pathlib import Path

import pytest

from spec import SpecError, build_spec, load_spec

ROOT = Path(__file__).resolve().parents[1]

# NaN, ±Infinity and a number too large for a float, each in a field of another kind
NON_FINITE = """{"id": "nonfinite", "input": {"shape": [8]},
 "layers": [{"name": "fc1", "type": "dense", "units": 4, "init": {"kernel": {"type": "normal", "stddev": Infinity}}},
            {"name": "act", "type": "relu"},
            {"name": "drop", "type": "dropout", "rate": NaN},
            {"name": "out", "type": "dense", "units": 2, "kernel_regularizer": {"l2": -1e999}}],
 "loss": {"type": "mse"},
 "optimizer": {"type": "sgd", "learning_rate": NaN, "momentum": -Infinity},
 "reported": {"curve": [0.5, 1e400]}}
"""
NON_FINITE_PROBLEMS = [
    ("layers[0].init.kernel.stddev", "Infinity is not allowed"),
    ("layers[2].rate", "NaN is not allowed"),
    ("layers[3].kernel_regularizer.l2", "-1e999 is not allowed (too large to be finite: it reads as -Infinity)"),
    ("optimizer.learning_rate", "NaN is not allowed"),
    ("optimizer.momentum", "-Infinity is not allowed"),
    ("reported.curve[1]", "1e400 is not allowed (too large to be finite: it reads as Infinity)"),
]
TINY = {"id": "tiny", "input": {"shape": [4]}, "layers": [{"name": "fc", "type": "dense", "units": 2}]}


def crosscheck(*args):
    return subprocess.run([sys.executable, "-m", "crosscheck", *args], capture_output=True, text=True, cwd=ROOT)


def test_a_byte_that_is_not_utf8_is_named_with_its_offset(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"id": "caf\u00e9"}'.encode("latin-1"))  # é is the single byte 0xe9, at offset 11
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert err.value.lines() == [f"{path}: (file): not UTF-8 text (invalid byte 0xe9 at offset 11)"]


def test_a_utf16_file_says_so(tmp_path):
    path = tmp_path / "utf16.json"
    path.write_bytes(json.dumps(TINY).encode("utf-16"))  # Python writes the little-endian mark FF FE
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert err.value.lines() == [f"{path}: (file): not UTF-8 text (invalid byte 0xff at offset 0; "
                                 "it starts with a UTF-16 byte-order mark, save it as UTF-8)"]


def test_a_utf8_byte_order_mark_is_skipped(tmp_path):
    plain, marked = tmp_path / "plain.json", tmp_path / "marked.json"
    plain.write_text(json.dumps(TINY), encoding="utf-8")
    marked.write_bytes(codecs.BOM_UTF8 + json.dumps(TINY).encode("utf-8"))
    spec = load_spec(marked)
    assert spec.id == "tiny" and spec.output_shape == (2,)
    assert spec.sha256() == load_spec(plain).sha256()


def test_every_non_finite_number_is_named_at_its_path(tmp_path):
    path = tmp_path / "nonfinite.json"
    path.write_text(NON_FINITE)
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert err.value.problems == NON_FINITE_PROBLEMS
    assert err.value.lines()[3] == f"{path}: optimizer.learning_rate: NaN is not allowed"


def test_non_finite_floats_built_in_python_are_refused_too():
    raw = {**TINY, "optimizer": {"type": "adam", "learning_rate": float("nan"), "epsilon": float("-inf")}}
    with pytest.raises(SpecError) as err:
        build_spec(raw, "built.json")
    assert err.value.lines() == ["built.json: optimizer.learning_rate: NaN is not allowed",
                                 "built.json: optimizer.epsilon: -Infinity is not allowed"]


def test_json_the_parser_cannot_hold_is_a_clean_error(tmp_path):
    deep, long_int = tmp_path / "deep.json", tmp_path / "long_int.json"
    deep.write_text('{"source": ' + "[" * 100_000 + "]" * 100_000 + "}")
    long_int.write_text('{"id": 1' + "0" * 5000 + "}")
    for path, message in ((deep, "invalid JSON: arrays or objects nested too deeply"),
                          (long_int, f"invalid JSON: an integer has more than {sys.get_int_max_str_digits()} digits")):
        with pytest.raises(SpecError) as err:
            load_spec(path)
        assert err.value.lines() == [f"{path}: (file): {message}"]


def test_cli_exit_2_one_line_per_problem_and_nothing_written(tmp_path):
    latin1, nonfinite = tmp_path / "latin1.json", tmp_path / "nonfinite.json"
    latin1.write_bytes(b'{"id": "\xff"}')
    nonfinite.write_text(NON_FINITE)
    proc = crosscheck("validate", str(latin1), str(nonfinite))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == [f"{latin1}: (file): not UTF-8 text (invalid byte 0xff at offset 8)"] + [
        f"{nonfinite}: {field}: {message}" for field, message in NON_FINITE_PROBLEMS]

    out = tmp_path / "generated"
    proc = crosscheck("generate", str(nonfinite), "--out", str(out))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == len(NON_FINITE_PROBLEMS)
    assert not out.exists()
