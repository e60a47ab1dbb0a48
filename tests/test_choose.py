"""`crosscheck choose`: every number of the table from one run (the JSON it prints is what the table
and the chart are drawn from), on a small spec so the suite stays fast."""
import json

import numpy as np

from crosscheck import choose
from crosscheck.cli import main

SPEC = {"id": "tiny_cnn", "input": {"shape": [8, 8, 1]},
        "layers": [{"name": "conv", "type": "conv2d", "filters": 4, "kernel_size": 3}, {"name": "act", "type": "relu"},
                   {"name": "flat", "type": "flatten"}, {"name": "logits", "type": "dense", "units": 3}],
        "loss": {"type": "softmax_cross_entropy", "from_logits": True},
        "optimizer": {"type": "adam", "learning_rate": 0.001}, "training": {"batch_size": 16}}


def test_choose_measures_everything_in_one_run_and_draws_it(tmp_path, capsys):
    path = tmp_path / "tiny_cnn.json"
    path.write_text(json.dumps(SPEC))
    png = tmp_path / "charts" / "tiny.png"
    assert main(["choose", str(path), "--rounds", "2", "--min-time", "0.002", "--batches", "1", "5",
                 "--device", "cpu", "--json", "--chart", str(png)]) == 0
    m = json.loads(capsys.readouterr().out)
    assert m["spec"] == "tiny_cnn" and m["device"] == "cpu" and m["verdict"] in ("pass", "float32-limited")
    for batch in ("1", "5"):
        r = m["inference"][batch]
        assert r["tf (tf.function)"] > 0 and r["torch eager"] > 0 and r["ORT (tf export)"] > 0 and r["ORT (torch export)"] > 0
        assert isinstance(r["torch.compile"], float) or r["torch.compile"].startswith("n/a (")
    t = m["training"]
    assert t["batch"] == 16 and all(t[k] > 0 for k in ("tf emitted train_step", "torch emitted train_step",
                                                       "keras compile + fit"))
    # each framework alone: a real process's high-water mark, not the parent's carried over
    rss = m["peak_rss_bytes"]
    assert all(100 * 2**20 < rss[fw] < 8 * 2**30 for fw in ("tf", "torch")) and rss["tf"] != rss["torch"]
    assert {fw: m["onnx"][fw]["opset"] for fw in ("tf", "torch")} == {"tf": 18, "torch": 18}
    assert all(0 <= m["float32_error"][r] < 1e-4 for r in ("tf", "torch", "ort-tf", "ort-torch"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and m["chart"] == str(png)
    text = choose.table(m)
    assert "training, emitted step (batch 16)" in text and "inference batch 5, ORT on the export" in text
    ratio = m["inference"]["1"]["tf (tf.function)"] / m["inference"]["1"]["torch eager"]
    assert f"{ratio:.2f}x" in text and np.isfinite(ratio)
