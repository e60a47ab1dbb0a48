"""One runner for every layer case table (tests/cases): the same checks for each case.

For each valid case: the one-layer spec validates, shape inference gives the expected shape,
both twins agree on output, loss and every gradient at the project's tolerances, each twin's
float32 output matches the numpy float64 reference (`spec.reference`) on the same batch and
weights, and, where the case writes its input and output by hand, both twins and the reference
equal that. Invalid cases must be rejected with an error naming the field. A registry test keeps
spec, both backends and the tables in step; every layer type's `example` passes the same
reference checks; and references with a deliberately wrong formula must fail them.
"""
import numpy as np
import pytest

from cases import Case, all_cases, all_invalid, covered_types, raw_spec
from crosscheck.compare import compare_twins
from crosscheck.conformance_inputs import has_batchnorm, has_training_mode, make_batch
from crosscheck.tolerance import TOL_OUTPUT, Check, compare_arrays
from spec import SpecError, build_spec, init_weights
from spec.layers import _windows, registry as spec_registry
from spec.layers.base import pair
from spec.padding import same_padding
from spec.reference import UNDER_TEST, one_layer_spec, run
from tf_impl.layers import registry as tf_registry
from tf_impl.twin import TFTwin
from torch_impl.layers import registry as torch_registry
from torch_impl.twin import TorchTwin

SEED, BATCH = 7, 4  # the weights' seed and the batch compare_twins draws in test_layer_case


def twins(spec):
    return TFTwin(spec, "cpu"), TorchTwin(spec, "cpu")


def case_weights(spec, case: Case) -> dict:
    weights = init_weights(spec, seed=SEED)
    if case.weights:
        weights.update({f"{UNDER_TEST}.{k}": v for k, v in case.weights.items()})
    return weights


def reference_checks(spec, weights, pair_of_twins) -> list[Check]:
    """Each twin's float32 output against the float64 reference, on the batch compare_twins draws:
    in inference mode and, for a spec with batchnorm, in training mode (a frozen one must stay in
    inference mode there)."""
    x, _ = make_batch(spec, BATCH, SEED)
    checks = []
    for training in (False, True) if has_batchnorm(spec) else (False,):
        expected = run(spec, weights, x, training)[UNDER_TEST]
        for twin in pair_of_twins:
            twin.set_weights(weights)  # a training-mode forward moves the moving statistics
            name = f"{'train:' if training else ''}{twin.framework}-vs-reference"
            checks.append(compare_arrays(name, twin.forward(x, training=training), expected, TOL_OUTPUT))
    return checks


def hand_check(spec, weights, case: Case) -> Check:
    """The reference on the hand-written input, rounded to float32, equals the hand-written output."""
    got = run(spec, weights, case.x)[UNDER_TEST].astype(np.float32)
    return compare_arrays("reference-vs-hand", got, case.expected, 0.0)


def case_reference_checks(case: Case, spec, weights, pair_of_twins) -> list[Check]:
    hand = [hand_check(spec, weights, case)] if case.expected is not None else []
    return reference_checks(spec, weights, pair_of_twins) + hand


def failures(checks) -> dict[str, float]:
    return {c.name: c.max_scaled for c in checks if not c.passed}


def test_every_layer_type_has_both_translations_and_a_case_table():
    assert set(spec_registry()) == set(tf_registry()) == set(torch_registry())
    missing = set(spec_registry()) - covered_types()
    assert not missing, f"layer types without conformance cases: {sorted(missing)}"


@pytest.mark.parametrize("layer_type", sorted(spec_registry()))
def test_a_layer_type_is_four_files(layer_type):
    """spec/layers/<type>.py, tf_impl/layers/<type>.py, torch_impl/layers/<type>.py and
    tests/cases/<type>.py, each holding that type and only what is about it: adding a type touches
    these four files and nothing else (the README's promise)."""
    import importlib

    for registry, package in ((spec_registry, "spec.layers"), (tf_registry, "tf_impl.layers"), (torch_registry, "torch_impl.layers")):
        assert type(registry()[layer_type]).__module__ == f"{package}.{layer_type}", (package, layer_type)
    cases = importlib.import_module(f"cases.{layer_type}")
    assert cases.CASES, f"tests/cases/{layer_type}.py has no cases"
    stray = {c.name for c in (*cases.CASES, *getattr(cases, "INVALID", [])) if c.layer["type"] != layer_type}
    assert not stray, f"tests/cases/{layer_type}.py holds cases of other types: {sorted(stray)}"


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: c.name)
def test_layer_case(case: Case):
    spec = build_spec(raw_spec(case))
    assert spec.node(UNDER_TEST).out_shape == tuple(case.expected_shape)

    weights = case_weights(spec, case)
    tf_twin, torch_twin = twins(spec)
    result = compare_twins(spec, tf_twin, torch_twin, seed=SEED, batch=BATCH, weights=weights)
    failed = [c for c in result.checks if not c.passed]
    assert result.passed, f"{[(c.name, c.verdict, c.note) for c in failed]}; first divergent: {result.first_divergent_layer}"
    assert any(c.name.startswith("grad:") for c in result.checks) == bool(spec.node(UNDER_TEST).trainable_params())
    assert any(c.name.startswith("train:") for c in result.checks) == has_training_mode(spec)

    checks = case_reference_checks(case, spec, weights, (tf_twin, torch_twin))
    assert not failures(checks), f"max error in scale: {failures(checks)}"

    if case.expected is not None:
        for twin in (tf_twin, torch_twin):
            twin.set_weights(weights)  # undo the moving statistics of reference_checks' training forward
            check = compare_arrays(twin.framework, twin.forward(case.x), case.expected, case.tol or TOL_OUTPUT)
            assert check.passed, f"{twin.framework}: got {twin.forward(case.x).ravel()}, expected {case.expected.ravel()}"


@pytest.mark.parametrize("case", all_invalid(), ids=lambda c: c.name)
def test_invalid_layer_is_rejected_naming_the_field(case):
    raw = raw_spec(case)
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


@pytest.mark.parametrize("trainable", [True, False])
def test_reference_runs_a_frozen_batchnorm_in_inference_mode_also_in_training(trainable):
    spec = build_spec(one_layer_spec("batchnorm", {"trainable": trainable}, (3, 3, 2)))
    weights, (x, _) = init_weights(spec, seed=SEED), make_batch(spec, BATCH, SEED)
    change = np.abs(run(spec, weights, x, training=True)[UNDER_TEST] - run(spec, weights, x)[UNDER_TEST]).max()
    # Batch statistics of uniform [0, 1) inputs (mean 1/2, variance 1/12) against the moving 0 and 1.
    assert change > 1.0 if trainable else change == 0.0


def test_every_layer_type_has_an_example():
    missing = sorted(t for t, lt in spec_registry().items() if not hasattr(lt, "example"))
    assert not missing, f"layer types without an example: {missing}"


@pytest.mark.parametrize("layer_type", sorted(spec_registry()))
def test_example_validates_and_both_twins_match_its_reference(layer_type):
    fields, input_shape = spec_registry()[layer_type].example
    spec = build_spec(one_layer_spec(layer_type, fields, input_shape), f"{layer_type}.example")
    checks = reference_checks(spec, init_weights(spec, seed=SEED), twins(spec))
    assert len(checks) == (4 if has_batchnorm(spec) else 2)
    assert not failures(checks), f"max error in scale: {failures(checks)}"


def top_left_same_split(size, kernel, stride):
    """TF's SAME split mirrored: the odd extra row/column top/left, as symmetric-padding ports get."""
    before, after = same_padding(size, kernel, stride)
    return after, before


def flatten_channels_first(self, cfg, inputs, params, training=False):
    return inputs[0].transpose(0, 3, 1, 2).reshape(len(inputs[0]), -1)


def avgpool_counting_padding(self, cfg, inputs, params, training=False):
    kh, kw = pair(cfg["pool_size"])
    views = _windows.offset_views(inputs[0], cfg["pool_size"], cfg["strides"], cfg["padding"], fill=0.0)
    return sum(v for _, _, v in views) / (kh * kw)


# (layer type, what to patch, attribute, wrong version, the cases whose checks must then fail)
WRONG_REFERENCES = {
    # conv2d's windows (the pools share them; only conv2d cases run here)
    "conv2d_top_left_padding": ("conv2d", _windows, "same_padding", top_left_same_split,
                                {"conv2d_same_stride2_even_input", "conv2d_same_even_kernel", "conv2d_rect_kernel_stride",
                                 "conv2d_same_stride2_hand"}),
    "flatten_channels_first": ("flatten", type(spec_registry()["flatten"]), "reference", flatten_channels_first,
                               {"flatten_order_hand", "flatten_image"}),
    "avgpool_counting_padding": ("avgpool2d", type(spec_registry()["avgpool2d"]), "reference", avgpool_counting_padding,
                                 {"avgpool2d_same_stride1", "avgpool2d_same_stride2_even", "avgpool2d_same_hand"}),
}


@pytest.mark.parametrize("mistake", sorted(WRONG_REFERENCES))
def test_reference_with_a_wrong_formula_fails_the_twin_checks(mistake, monkeypatch):
    """The cases the mistake affects fail both twin checks (and their hand check) by far more than
    the tolerance; the others still pass; unpatched, every one passes again."""
    layer_type, target, attribute, wrong, affected = WRONG_REFERENCES[mistake]
    cases = [c for c in all_cases() if c.layer["type"] == layer_type]
    assert affected <= {c.name for c in cases}
    for case in cases:
        spec = build_spec(raw_spec(case))
        weights, pair_of_twins = case_weights(spec, case), twins(spec)
        with monkeypatch.context() as m:
            m.setattr(target, attribute, wrong)
            broken = failures(case_reference_checks(case, spec, weights, pair_of_twins))
        if case.name in affected:
            expected = {"tf-vs-reference", "torch-vs-reference"} | ({"reference-vs-hand"} if case.expected is not None else set())
            assert set(broken) == expected, (case.name, broken)
            assert min(broken.values()) > 0.1, (case.name, broken)  # a tenth of the scale: 10⁴ × the tolerance
        else:
            assert not broken, (case.name, broken)
        assert not failures(case_reference_checks(case, spec, weights, pair_of_twins)), case.name
