"""Post 003's optimal input images (`optimal_input`, `optimal_input_l1`): the fields they brought —
`weights_from`, the `l1` kernel penalty, `data.generate: one_hot` — validated field by field; the
L1 penalty of both twins against the numpy reference; frozen layers unchanged by training; the
gradient of the learned inputs checked by `compare`; and the experiment's page kept in pieces."""
import copy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from crosscheck import defects, experiments, training, weight_sources
from crosscheck.compare import compare_spec
from crosscheck.datasets import for_spec
from crosscheck.twins import FRAMEWORKS, make_twin
from spec import SpecError, build_spec, init_weights, load_spec, losses
from spec.reference import penalty, run

ROOT = Path(__file__).resolve().parents[1]


def _raw(**layer_changes) -> dict:
    """optimal_input's raw spec with layer i's fields replaced: `layer_changes` is {"i": {...}}."""
    raw = copy.deepcopy(load_spec("optimal_input").raw)
    for i, fields in layer_changes.items():
        raw["layers"][int(i)].update(fields)
    return raw


@pytest.mark.parametrize("changes, field, message", [
    ({"1": {"weights_from": {"spec": "no_such_spec"}}}, "layers[1].weights_from.spec", "no zoo spec 'no_such_spec'"),
    ({"1": {"weights_from": {"spec": "optimal_input"}}}, "layers[1].weights_from.spec", "from itself"),
    ({"1": {"weights_from": {"spec": "optimal_input_l1"}}}, "layers[1].weights_from.spec", "no chains"),
    ({"1": {"weights_from": {"spec": "dorian_mlp300", "layer": "fc9"}}}, "layers[1].weights_from.layer",
     "has no layer 'fc9'"),
    ({"1": {"weights_from": {"spec": "dorian_mlp300", "layer": "fc2"}}}, "layers[1].weights_from",
     "dorian_mlp300.fc2 is a dense with parameters"),
    ({"2": {"weights_from": {"spec": "dorian_mlp300", "layer": "fc1"}}}, "layers[2].weights_from",
     "has no parameters"),
    ({"1": {"weights_from": {"spec": "dorian_mlp300", "epochs": 3}}}, "layers[1].weights_from", "unknown field(s): 'epochs'"),
    ({"1": {"weights_from": "dorian_mlp300"}}, "layers[1].weights_from", "is not of type 'object'"),
    ({"0": {"kernel_regularizer": {"l1": -0.25}}}, "layers[0].kernel_regularizer.l1", "less than the minimum"),
    ({"0": {"kernel_regularizer": {}}}, "layers[0].kernel_regularizer", "should be non-empty"),
    ({"0": {"kernel_regularizer": {"l3": 0.25}}}, "layers[0].kernel_regularizer", "unknown field(s): 'l3'"),
])
def test_a_bad_new_field_is_one_error_naming_it(changes, field, message):
    with pytest.raises(SpecError) as err:
        build_spec(_raw(**changes), "bad.json")
    assert len(err.value.problems) == 1, err.value.lines()
    (where, what), = err.value.problems
    assert where == field and message in what, err.value.lines()


def test_a_one_hot_generator_of_one_class_is_refused_at_its_field():
    raw = _raw()
    raw["data"]["generate"]["one_hot"]["n"] = 1
    with pytest.raises(SpecError) as err:
        build_spec(raw, "bad.json")
    assert err.value.problems[0][0] == "data.generate.one_hot.n", err.value.lines()


def test_the_cli_names_the_field_in_one_line(tmp_path):
    import json

    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_raw(**{"1": {"weights_from": {"spec": "dorian_mlp300", "layer": "fc9"}}})))
    r = subprocess.run([sys.executable, "-m", "crosscheck", "validate", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert (r.stdout + r.stderr).strip() == f"{path}: layers[1].weights_from.layer: spec 'dorian_mlp300' has no layer 'fc9'"


def test_the_one_hot_data_and_the_frozen_layers_defaults():
    spec = load_spec("optimal_input")
    data = for_spec.load(spec, None)
    assert np.array_equal(data.x_train, np.eye(10, dtype=np.float32)) and np.array_equal(data.y_train, data.x_train)
    assert {n.name: n.weights_from for n in spec.nodes if n.weights_from} == {
        "fc1": {"spec": "dorian_mlp300", "layer": "fc1"}, "fc2": {"spec": "dorian_mlp300", "layer": "fc2"}}
    assert weight_sources.source_ids(spec) == ["dorian_mlp300"]
    # the conformance weights of the copied layers are dorian_mlp300's own initial weights
    mine, theirs = init_weights(spec, 0), init_weights(load_spec("dorian_mlp300"), 0)
    assert all(np.array_equal(mine[k], theirs[k]) for k in ("fc1.kernel", "fc1.bias", "fc2.kernel", "fc2.bias"))


def _penalised(regularizer: dict):
    return build_spec({"id": "penalised", "input": {"shape": [6]},
                       "layers": [{"name": "fc", "type": "dense", "units": 3, "kernel_regularizer": regularizer},
                                  {"name": "out", "type": "dense", "units": 2, "trainable": False,
                                   "kernel_regularizer": {"l1": 5.0}}],
                       "loss": {"type": "mse"}})


@pytest.mark.parametrize("regularizer", [{"l1": 0.3}, {"l1": 0.3, "l2": 0.05}])
def test_the_l1_penalty_of_both_twins_equals_the_numpy_reference(regularizer):
    """loss = the loss's reference + `spec.reference.penalty` (the frozen layer's penalty left out),
    and the penalty's gradient λ₁·sign(K) + 2λ₂·K: the twins with the penalty minus the same twins
    without it. Negative control: a twin penalising λ₁·ΣK² instead misses the reference."""
    spec, bare = _penalised(regularizer), _penalised({"l2": 0.0})
    rng = np.random.default_rng(3)
    weights = {k: rng.normal(0, 1, v.shape).astype(np.float32) for k, v in init_weights(spec, 0).items()}
    x, y = rng.uniform(0, 1, (5, 6)).astype(np.float32), rng.normal(0, 1, (5, 2)).astype(np.float32)
    kernel = weights["fc.kernel"].astype(np.float64)
    expected = losses.reference(spec.loss, y, run(spec, weights, x)["out"]) + penalty(spec, weights)
    assert penalty(spec, weights) == pytest.approx(0.3 * np.abs(kernel).sum() + regularizer.get("l2", 0) * (kernel ** 2).sum())
    expected_grad = 0.3 * np.sign(kernel) + 2 * regularizer.get("l2", 0.0) * kernel
    for fw in FRAMEWORKS:
        loss, grads = make_twin(spec, fw, "cpu", weights).loss_and_grads(x, y)
        _, bare_grads = make_twin(bare, fw, "cpu", weights).loss_and_grads(x, y)
        assert abs(loss - expected) <= 1e-5 * abs(expected), (fw, loss, expected)
        assert set(grads) == {"fc.kernel", "fc.bias"}  # the frozen layer: no gradient
        np.testing.assert_allclose(grads["fc.kernel"] - bare_grads["fc.kernel"], expected_grad, rtol=0, atol=1e-4 * 0.3)
    wrong = _penalised({"l2": 0.3})  # L2 where the spec says L1
    wrong_loss, _ = make_twin(wrong, "torch", "cpu", weights).loss_and_grads(x, y)
    assert abs(wrong_loss - expected) > 1e-2 * abs(expected)


def test_training_moves_the_inputs_and_never_the_frozen_layers():
    """Both twins, a few Adam steps on the ten one-hot vectors: fc1 and fc2 bit for bit what they
    were, the input kernel moved. Negative control: fc1 made trainable moves."""
    spec = load_spec("optimal_input")
    data = for_spec.load(spec, None)
    start = init_weights(spec, 0)
    for fw in FRAMEWORKS:
        twin = make_twin(spec, fw, "cpu")
        training.train(spec, fw, data, total_steps=3, batch_size=10, device="cpu", progress=False, twin=twin)
        after = twin.get_weights()
        for key in ("fc1.kernel", "fc1.bias", "fc2.kernel", "fc2.bias"):
            assert np.array_equal(after[key], start[key]), (fw, key)
        assert np.abs(after["image.kernel"] - start["image.kernel"]).max() > 1e-3, fw
    thawed = build_spec(_raw(**{"1": {"trainable": True}}))
    twin = make_twin(thawed, "torch", "cpu")
    training.train(thawed, "torch", data, total_steps=3, batch_size=10, device="cpu", progress=False, twin=twin)
    assert not np.array_equal(twin.get_weights()["fc1.kernel"], start["fc1.kernel"])


def test_compare_checks_the_gradient_of_the_learned_inputs():
    """`compare` checks grad:image.kernel (and no frozen parameter's gradient); a 1e-3 error
    injected into that gradient of one twin is caught and located there."""
    spec = load_spec("optimal_input_l1")
    result = compare_spec(spec, seed=0, device="cpu")
    grads = {c.name: c.verdict for c in result.checks if c.name.startswith("grad:")}
    assert grads == {"grad:image.kernel": "pass"}, grads
    outcome = defects.run(spec, defects.Defect("gradient", "torch", "image.kernel", 1e-3))
    assert outcome.verdict in ("fail", "float32-defect") and outcome.caught and outcome.named == outcome.expected, outcome


def test_overlay_takes_the_trained_layers_only():
    spec = load_spec("optimal_input")
    source = load_spec("dorian_mlp300")
    trained = {k: np.full(v.shape, 7.0, np.float32) for k, v in init_weights(source, 0).items()}
    fake = weight_sources.TrainedSource(source, "tf", trained, None, None, None)
    start = init_weights(spec, 0)
    out = weight_sources.overlay(spec, start, {"dorian_mlp300": fake})
    assert all((out[k] == 7.0).all() for k in ("fc1.kernel", "fc1.bias", "fc2.kernel", "fc2.bias"))
    assert np.array_equal(out["image.kernel"], start["image.kernel"])


def test_a_run_of_some_experiments_keeps_the_other_rows():
    before = "\n".join([
        "# Experiments", "", "| spec | steps × batch | cost, TF | cost, torch | outputs differ by | the post says |",
        "|---|---|---|---|---|---|", "| `b_old` | 1 × 1 | 1 | 1 | 0.0e+00 | old |", "| `z_old` | 1 × 1 | 2 | 2 | 0.0e+00 | old |", "",
        "## b_old", "", "![b_old](experiments/b_old.png)", "", "kept note", "",
        "## z_old", "", "![z_old](experiments/z_old.png)", ""])
    row = {"spec": "m_new", "steps": 5, "batch": 10, "final_cost": {"tf": 0.5, "torch": 0.5}, "curve_difference": 1e-7,
           "reported": {"outcome": "new"}, "note": "new note"}
    page = experiments.markdown([row], "crosscheck experiments m_new", before)
    assert "(other specs' rows kept from the file it rewrote)" in page
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert [r.split("`")[1] for r in rows] == ["b_old", "m_new", "z_old"]
    sections = [line for line in page.splitlines() if line.startswith("## ")]
    assert sections == ["## b_old", "## m_new", "## z_old"]
    assert "kept note" in page and "new note" in page
    assert experiments.markdown([row], "c", page) == page.replace("crosscheck experiments m_new", "c")


def test_the_l1_note_names_the_sign_flips_of_gradient_descent():
    """Under SGD with an L1 penalty the note gives the hop 2·lr·λ₁ and counts the pixels where the
    twins part; the L2 spec has no such note."""
    from crosscheck import ideal_inputs

    tf_inputs = np.zeros((10, 784), np.float32)
    torch_inputs = tf_inputs.copy()
    torch_inputs[3, 200] = 0.005
    text, blank = ideal_inputs._l1_note(load_spec("optimal_input_l1"), {"tf": tf_inputs, "torch": torch_inputs})
    assert blank == ""
    assert "2·lr·λ₁ = 0.005" in text and "more than 1e-4: 1 of 7840" in text and "largest difference 0.005" in text
    assert ideal_inputs._l1_note(load_spec("optimal_input"), {"tf": tf_inputs, "torch": torch_inputs}) == []
