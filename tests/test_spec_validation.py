"""Malformed specs: exit 2 from the CLI, one line per problem naming file and JSON path, no
traceback, and no output file written."""
import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from spec import SpecError, build_spec, load_spec

ROOT = Path(__file__).resolve().parents[1]
GOOD = json.loads((ROOT / "spec/models/ltfn5_convnet.json").read_text())


def mutated(fn) -> dict:
    raw = copy.deepcopy(GOOD)
    fn(raw)
    return raw


def _set(path, value):
    def apply(raw):
        obj = raw
        for k in path[:-1]:
            obj = obj[k]
        obj[path[-1]] = value
    return apply


def _del(path):
    def apply(raw):
        obj = raw
        for k in path[:-1]:
            obj = obj[k]
        del obj[path[-1]]
    return apply


# (name, mutation, field path the error must name, fragment of the message)
BAD = [
    ("unknown_layer_type", _set(["layers", 3, "type"], "conv3d"), "layers[3].type", "unknown type 'conv3d'"),
    ("missing_field", _del(["layers", 0, "filters"]), "layers[0]", "missing field: 'filters'"),
    ("wrong_type", _set(["layers", 2, "kernel_size"], "3"), "layers[2].kernel_size", "is not valid"),
    ("negative_filters", _set(["layers", 0, "filters"], -4), "layers[0].filters", "less than the minimum of 1"),
    ("unknown_input", _set(["layers", 5, "inputs"], ["conv9"]), "layers[5].inputs[0]", "no layer or input named 'conv9'"),
    ("cycle", lambda r: (r["layers"][0].__setitem__("inputs", ["relu2"])), "layers[0].inputs", "cycle"),
    ("shapes_cannot_connect",
     lambda r: r["layers"].insert(11, {"name": "fc_bad", "type": "dense", "units": 5, "inputs": ["pool2"]}),
     "layers[11]", "rank 1"),
    ("duplicate_name", _set(["layers", 1, "name"], "conv1"), "layers[1].name", "duplicate"),
    ("bad_initializer", _set(["layers", 0, "init"], {"kernel": {"type": "normal", "stddev": -1}}), "layers[0].init.kernel.stddev", ""),
    ("unknown_top_level", _set(["optimiser"], {"type": "sgd"}), "(root)", "optimiser"),
]


@pytest.mark.parametrize("name,mutate,field,fragment", BAD, ids=[b[0] for b in BAD])
def test_malformed_spec_names_the_field(name, mutate, field, fragment):
    with pytest.raises(SpecError) as err:
        build_spec(mutated(mutate), f"{name}.json")
    problems = err.value.problems
    assert any(p == field and fragment in m for p, m in problems), err.value.lines()
    assert all(line.startswith(f"{name}.json: ") for line in err.value.lines())


def test_cli_validate_exit_2_one_line_each_no_traceback(tmp_path):
    paths = []
    for name, mutate, _, _ in BAD:
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(mutated(mutate)))
        paths.append(p)
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": "x", "layers": [')
    out_dir = tmp_path / "generated"
    proc = subprocess.run([sys.executable, "-m", "crosscheck", "validate", *map(str, paths), str(broken)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    for (name, _, field, _), p in zip(BAD, paths):
        assert any(line.startswith(f"{p}: {field}") for line in lines), (name, lines)
    assert any(line.startswith(f"{broken}: (file): invalid JSON at line 1") for line in lines)

    # generate on an invalid spec writes nothing
    proc = subprocess.run([sys.executable, "-m", "crosscheck", "generate", str(paths[0]), "--out", str(out_dir)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert not out_dir.exists()


def test_cli_validate_ok_for_the_zoo():
    proc = subprocess.run([sys.executable, "-m", "crosscheck", "validate"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(": ok (") >= 15


def test_missing_file_is_a_clean_error():
    with pytest.raises(SpecError) as err:
        load_spec("/nonexistent/spec.json")
    assert "cannot read spec" in str(err.value)


def test_committed_json_schema_is_current():
    """spec/spec.schema.json, which every spec names in `$schema` (editors validate with it), is
    what `crosscheck schema` prints; `crosscheck schema --update` rewrites it."""
    import json
    from pathlib import Path

    from spec.schema import schema

    committed = json.loads((Path(__file__).resolve().parents[1] / "spec" / "spec.schema.json").read_text())
    assert committed == schema(), "stale: run `crosscheck schema --update`"
