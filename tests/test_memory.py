"""The memory estimate (spec.memory) and its guard: numbers by hand on a small spec, the field a
refusal names, and the CLI refusing a spec far too large for any machine with exit 2 and one
line, before it builds anything (today such a spec validates and compare dies in a TF OOM)."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crosscheck.commands.common import compare_need
from spec import SpecError, build_spec, load_spec, memory, spec_ids

ROOT = Path(__file__).resolve().parents[1]

# P = (10·6 + 6) + (6·3 + 3) = 87 parameters; A = 10 + 6 + 6 + 3 = 25 elements per sample;
# the largest forward live set is fc1's input and output, 10 + 6 = 16.
SMALL = build_spec({"id": "small", "input": {"shape": [10]}, "loss": {"type": "mse"},
                    "layers": [{"name": "fc1", "type": "dense", "units": 6}, {"name": "act", "type": "relu"},
                               {"name": "fc2", "type": "dense", "units": 3}]}, "small.json")
HUGE_DENSE = {"id": "huge_dense", "input": {"shape": [1_000_000]}, "loss": {"type": "mse"},
              "optimizer": {"type": "sgd", "learning_rate": 0.01},
              "layers": [{"name": "fc", "type": "dense", "units": 1_000_000}]}
HUGE_INPUT = {"id": "huge_input", "input": {"shape": [100_000, 100_000, 3]}, "loss": {"type": "mse"},
              "optimizer": {"type": "sgd", "learning_rate": 0.01},
              "layers": [{"name": "pool", "type": "global_avgpool2d"}, {"name": "out", "type": "dense", "units": 2}]}
SOME_GB = r"[\d.]+ [kMGT]?B are available"


def write(tmp_path, raw) -> Path:
    path = tmp_path / f"{raw['id']}.json"
    path.write_text(json.dumps(raw))
    return path


def crosscheck(*args):
    return subprocess.run([sys.executable, "-m", "crosscheck", *args], capture_output=True, text=True, cwd=ROOT)


def test_counts_of_a_small_spec():
    assert (memory.parameter_count(SMALL), memory.activation_count(SMALL), memory.live_count(SMALL)) == (87, 25, 16)


def test_compare_need_counts_four_twins_and_the_float64_activations():
    need = compare_need(SMALL, 8)
    # neutral 87·4, two float32 twins 2·87·4·2 (weights + gradients), two float64 ones 2·87·8·2
    assert need.parameters == 348 + 1392 + 2784
    assert need.activations == 25 * 2 * 8 * 8  # kept + gradient, batch 8, float64
    assert (need.data, need.batch, need.float64, need.total) == (0, 8, True, 7724)


def test_training_need_counts_slots_evaluation_and_data():
    need = memory.need(SMALL, 32, slots=2, eval_batch=256, data_examples=1280)
    assert need.parameters == 348 + 87 * 4 * (2 + 2)
    # the evaluation's 16·256 elements outweigh the step's 25·2·32, so it sets the batch
    assert (need.activations, need.batch) == (16 * 256 * 4, 256)
    assert need.data == 1280 * (10 + 3) * (4 + 4)
    forward = memory.need(SMALL, 1, copies=2, gradients=False)
    assert (forward.parameters, forward.activations, forward.float64) == (348 + 2 * 87 * 4, 16 * 4, False)


@pytest.mark.parametrize("optimizer,slots", [(None, 0), ({"type": "sgd", "learning_rate": 0.1}, 0),
                                             ({"type": "sgd", "learning_rate": 0.1, "momentum": 0.9}, 1),
                                             ({"type": "adagrad", "learning_rate": 0.1}, 1),
                                             ({"type": "adam", "learning_rate": 0.1}, 2)])
def test_optimizer_slots(optimizer, slots):
    assert memory.optimizer_slots(optimizer) == slots


def test_format_bytes():
    assert [memory.format_bytes(n) for n in (416, 999.7, 1234, 310e9, 52.00005e12, 5.2e18)] == [
        "416 B", "1 kB", "1.23 kB", "310 GB", "52 TB", "5.2 EB"]


def test_guard_passes_up_to_the_memory_available_and_names_the_largest_part():
    need = compare_need(SMALL, 8)
    memory.ensure_fits(SMALL, need, available=(7724, "available"))
    with pytest.raises(SpecError) as err:
        memory.ensure_fits(SMALL, need, available=(7723, "available"))
    assert err.value.lines() == ["small.json: layers[0]: model needs ~7.72 kB (parameters 4.52 kB, activations "
                                 "3.2 kB at batch 8, float64 reference included) but 7.72 kB are available"]
    padded = build_spec({"id": "pad", "input": {"shape": [2, 2, 1]}, "loss": {"type": "mse"},
                         "layers": [{"name": "pad", "type": "zeropad2d", "padding": 100}]}, "pad.json")
    with pytest.raises(SpecError) as err:  # an activation larger than the input: the layer is named
        memory.ensure_fits(padded, compare_need(padded, 8), available=(1000, "installed"))
    assert err.value.problems[0][0] == "layers[0]" and err.value.lines()[0].endswith("but 1 kB are installed")


def test_available_memory_reads_meminfo_else_physical_memory(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       32000000 kB\nMemFree:         1000000 kB\nMemAvailable:   21000000 kB\n")
    assert memory.available_memory(str(meminfo)) == (21_000_000 * 1024, "available")
    have, how = memory.available_memory(str(tmp_path / "missing"))
    assert how == "installed" and have > 2**28  # any machine that runs TensorFlow has more than 256 MiB


def test_the_zoo_compares_within_8_gb():
    """The estimate must not refuse what runs: the largest, resnet50_v15, is ~6.6 GB."""
    for spec_id in spec_ids():
        memory.ensure_fits(load_spec(spec_id), compare_need(load_spec(spec_id), 8), available=(8 * 10**9, "available"))


def test_cli_compare_refuses_a_spec_far_too_large(tmp_path):
    dense, wide = write(tmp_path, HUGE_DENSE), write(tmp_path, HUGE_INPUT)
    proc = crosscheck("compare", str(dense), "--device", "cpu")
    assert proc.returncode == 2 and proc.stdout == "", proc.stderr
    assert re.fullmatch(rf"{re.escape(str(dense))}: layers\[0\]: model needs ~52 TB \(parameters 52 TB, activations "
                        rf"256 MB at batch 8, float64 reference included\) but {SOME_GB}\n", proc.stderr), proc.stderr
    proc = crosscheck("compare", str(wide), "--device", "cpu", "--train-steps", "2")
    assert proc.returncode == 2 and proc.stdout == "", proc.stderr
    # compare cuts its batch to 1 for a model whose float64 runs would not fit (conformance_inputs)
    assert re.fullmatch(rf"{re.escape(str(wide))}: input.shape: model needs ~480 GB \(parameters 416 B, activations "
                        rf"480 GB at batch 1, float64 reference included\) but {SOME_GB}\n", proc.stderr), proc.stderr


def test_cli_train_refuses_it_and_writes_nothing(tmp_path):
    dense = write(tmp_path, HUGE_DENSE)
    proc = crosscheck("train", str(dense), "--out", str(tmp_path / "runs"), "--steps", "1", "--no-progress")
    assert proc.returncode == 2 and proc.stdout == "", proc.stderr
    # one twin in float32 with its gradients (12 TB), synthetic data: 1,280 examples of 2e6 floats, in numpy and on the device
    assert re.fullmatch(rf"{re.escape(str(dense))}: layers\[0\]: model needs ~12 TB \(parameters 12 TB, activations "
                        rf"2.05 GB at batch 256, training data 20.5 GB\) but {SOME_GB}\n", proc.stderr), proc.stderr
    assert not (tmp_path / "runs").exists()


def test_cli_summary_still_prints_with_the_estimate(tmp_path):
    proc = crosscheck("summary", str(write(tmp_path, HUGE_DENSE)))
    assert proc.returncode == 0, proc.stderr
    assert "Total params: 1,000,001,000,000" in proc.stdout
    lines = proc.stdout.splitlines()
    assert lines[-3:-1] == ["  parameters: 4 TB in float32, 8 TB in float64",
                            "  activations per sample (input and every layer's output): 8 MB in float32, 16 MB in float64"]
    assert re.fullmatch(rf"  compare at batch 8: ~20 TB for the float32 twins, ~52 TB with their float64 reference; "
                        rf"exceeds the {SOME_GB.replace(' are', '')}", lines[-1]), lines[-1]
