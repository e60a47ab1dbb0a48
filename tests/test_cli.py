"""The CLI contract CI users rely on, exercised as subprocesses (the real entry point)."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return subprocess.run([sys.executable, "-m", "crosscheck", *args], capture_output=True, text=True, cwd=ROOT)


def test_list_prints_ids_one_per_line():
    proc = run("list")
    assert proc.returncode == 0
    ids = proc.stdout.split()
    assert "ltfn5_convnet" in ids and ids == sorted(ids)


def test_summary_shows_shapes_and_totals():
    proc = run("summary", "ltfn5_convnet")
    assert proc.returncode == 0
    assert "(None, 6272)" in proc.stdout and "Total params: 321,738" in proc.stdout


def test_compare_json_contract_and_exit_code():
    proc = run("compare", "ltfn1_softmax", "dorian_mlp300", "--json", "--seed", "3", "--device", "cpu")
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert [r["spec"] for r in payload["results"]] == ["ltfn1_softmax", "dorian_mlp300"]
    for r in payload["results"]:
        assert r["passed"] is True and r["first_divergent_layer"] is None
        names = [c["name"] for c in r["checks"]]
        assert names[:2] == ["logits", "loss"] and all(n.startswith("grad:") for n in names[2:])
        for c in r["checks"]:
            assert {"name", "max_abs", "max_rel", "tol", "passed"} <= set(c)
            assert c["max_abs"] >= 0 and c["tol"] in (1e-5, 1e-4)


def test_generate_writes_both_sources(tmp_path):
    proc = run("generate", "ltfn1_softmax", "--framework", "both", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ltfn1_softmax_tf.py", "ltfn1_softmax_torch.py"]
    assert "keras.Model(" in (tmp_path / "ltfn1_softmax_tf.py").read_text()
    assert "class Ltfn1Softmax(nn.Module)" in (tmp_path / "ltfn1_softmax_torch.py").read_text()


def test_report_writes_markdown_and_json(tmp_path):
    proc = run("report", "--out", str(tmp_path), "ltfn1_softmax", "ltfn3_mlp", "--device", "cpu")
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["environment"]["tf32"] == {"tensorflow": False, "torch_matmul": False, "torch_cudnn": False}
    assert [r["passed"] for r in data["results"]] == [True, True]
    assert "**2 specs: 2 pass.**" in (tmp_path / "report.md").read_text()
    assert [r["verdict"] for r in data["results"]] == ["pass", "pass"]


def test_tensorflow_then_triton_does_not_crash():
    """torch 2.14 + triton: TF loaded before triton segfaults; importing crosscheck first prevents it."""
    code = "import crosscheck, tensorflow, torch._dynamo; print('ok')"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-500:]
