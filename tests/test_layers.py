"""One runner for every layer case table (tests/cases): the same checks for each case.

For each valid case: the one-layer spec validates, shape inference gives the expected shape,
both twins agree on output, loss and every gradient at the project's tolerances, and, where the
case writes its input and output by hand, both twins equal that. Invalid cases must be rejected
with an error naming the field. A registry test keeps spec, both backends and the tables in step.
"""
import numpy as np
import pytest

from cases import Case, all_cases, all_invalid, covered_types
from crosscheck.compare import compare_twins
from crosscheck.conformance_inputs import has_training_mode
from crosscheck.tolerance import TOL_OUTPUT, compare_arrays
from spec import SpecError, build_spec, init_weights
from spec.layers import registry as spec_registry
from tf_impl.layers import registry as tf_registry
from tf_impl.twin import TFTwin
from torch_impl.layers import registry as torch_registry
from torch_impl.twin import TorchTwin


def one_layer_spec(layer: dict, input_shape) -> dict:
    layer = {"name": "under_test", **layer}
    layers = [layer]
    if spec_registry()[layer["type"]].arity is None:  # two different branches of the input
        layers = [{"name": "branch_a", "type": "tanh"}, {"name": "branch_b", "type": "sigmoid", "inputs": ["x"]},
                  {**layer, "inputs": ["branch_a", "branch_b"]}]
    return {"id": "case", "input": {"name": "x", "shape": list(input_shape)}, "layers": layers, "outputs": ["under_test"],
            "loss": {"type": "mse"}}


def test_every_layer_type_has_both_translations_and_a_case_table():
    assert set(spec_registry()) == set(tf_registry()) == set(torch_registry())
    missing = set(spec_registry()) - covered_types()
    assert not missing, f"layer types without conformance cases: {sorted(missing)}"


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: c.name)
def test_layer_case(case: Case):
    spec = build_spec(one_layer_spec(case.layer, case.input_shape))
    assert spec.node("under_test").out_shape == tuple(case.expected_shape)

    weights = init_weights(spec, seed=7)
    if case.weights:
        weights.update({f"under_test.{k}": v for k, v in case.weights.items()})
    tf_twin, torch_twin = TFTwin(spec, "cpu"), TorchTwin(spec, "cpu")
    result = compare_twins(spec, tf_twin, torch_twin, seed=7, batch=4, weights=weights)
    failed = [c for c in result.checks if not c.passed]
    assert result.passed, f"{[(c.name, c.verdict, c.note) for c in failed]}; first divergent: {result.first_divergent_layer}"
    assert any(c.name.startswith("grad:") for c in result.checks) == bool(spec.node("under_test").trainable_params())
    assert any(c.name.startswith("train:") for c in result.checks) == has_training_mode(spec)

    if case.expected is not None:
        for twin in (tf_twin, torch_twin):
            check = compare_arrays(twin.framework, twin.forward(case.x), case.expected, case.tol or TOL_OUTPUT)
            assert check.passed, f"{twin.framework}: got {twin.forward(case.x).ravel()}, expected {case.expected.ravel()}"


@pytest.mark.parametrize("case", all_invalid(), ids=lambda c: c.name)
def test_invalid_layer_is_rejected_naming_the_field(case):
    raw = one_layer_spec(case.layer, case.input_shape)
    with pytest.raises(SpecError) as err:
        build_spec(raw, "case.json")
    paths = [p for p, _ in err.value.problems]
    assert case.field in paths, err.value.lines()
    assert any(case.message in m for p, m in err.value.problems if p == case.field), err.value.lines()


def test_hand_cases_would_catch_the_classic_mistakes():
    """The hand-written expectations differ from what the usual wrong conventions produce."""
    cases = {c.name: c for c in all_cases()}
    flat = cases["flatten_order_hand"]
    channels_first = np.transpose(flat.x, (0, 3, 1, 2)).reshape(1, -1)
    assert not np.array_equal(channels_first, flat.expected)
    conv = cases["conv2d_same_stride2_hand"]
    top_left = np.pad(conv.x[0, :, :, 0], ((1, 0), (1, 0)))
    wrong = np.array([[top_left[i * 2:i * 2 + 3, j * 2:j * 2 + 3].sum() for j in range(2)] for i in range(2)])
    assert not np.array_equal(wrong.reshape(conv.expected.shape), conv.expected)
