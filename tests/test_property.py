"""Property: any valid spec built from the registered layer types, chains and DAGs, has conforming twins.

CI replays the same 200 examples (seeds 0..199) every run; PROPERTY_EXPLORE=1 draws new seeds."""
import os

import numpy as np
import pytest

from crosscheck.compare import compare_spec
from spec import build_spec


# -- DAGs over every registered layer type -----------------------------------------------------
# Types are drawn from the registry, each configured from its own `example` (plus, for some, a
# few other settings), so a new layer type joins this property without an edit here. Each new
# layer reads the newest one (every layer is used); a type of several inputs also reads an earlier
# layer (a skip connection, branches that meet again). A draw whose shapes do not connect is
# skipped, and the chain ends in flatten → dense when it is not a vector yet.
DAG_EXAMPLES = 200
VARIATIONS = {  # other settings worth drawing, per type (a type absent here uses its example)
    "conv2d": [{"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
               {"filters": 2, "kernel_size": 1, "strides": 1, "padding": "valid",
                "init": {"kernel": {"type": "normal", "stddev": 0.5}}}],
    "maxpool2d": [{"pool_size": 3, "strides": 2, "padding": "same"}, {"pool_size": 2, "strides": 1, "padding": "valid"}],
    "avgpool2d": [{"pool_size": 3, "strides": 2, "padding": "same"}, {"pool_size": 2, "strides": 1, "padding": "valid"}],
    "concat": [{"axis": -1}, {"axis": 1}],
    "softmax": [{"axis": -1}],
    "reshape": [{"target_shape": [-1]}],
    "batchnorm": [{"momentum": 0.9, "epsilon": 1e-5}],
}
LOSSES = [{"type": "softmax_cross_entropy"}, {"type": "mse"}, {"type": "mae"}]


def _fits(raw: dict) -> tuple | None:
    """The last layer's output shape, or None when the layers do not connect."""
    from spec import SpecError

    try:
        shape = build_spec(raw).node(raw["layers"][-1]["name"]).out_shape
    except SpecError:
        return None
    return tuple(shape) if int(np.prod(shape)) > 0 else None


def random_dag(seed: int) -> dict:
    from spec.layers import registry

    rng = np.random.default_rng([seed, 0xDA6])
    types = sorted(registry())
    shape = (int(rng.integers(4, 9)), int(rng.integers(4, 9)), int(rng.integers(1, 4)))
    raw = {"id": "prop_dag", "input": {"name": "x", "shape": list(shape)}, "layers": []}
    names, last = ["x"], "x"
    shapes = {"x": shape}
    for i in range(int(rng.integers(3, 9))):
        kind = types[rng.integers(len(types))]
        options = [registry()[kind].example[0], *VARIATIONS.get(kind, [])]
        layer = {"name": f"l{i}", "type": kind, **options[rng.integers(len(options))], "inputs": [last]}
        if registry()[kind].arity is None:  # an earlier layer of the same shape where there is one
            earlier = [n for n in names if n != last]
            alike = [n for n in earlier if shapes[n] == shape] or earlier
            layer["inputs"].append(alike[rng.integers(len(alike))] if alike else last)
        new = _fits({**raw, "layers": [*raw["layers"], layer]})
        if new is None:
            continue
        raw["layers"].append(layer)
        names.append(layer["name"])
        last, shape = layer["name"], new
        shapes[last] = new
    if len(shape) != 1:
        raw["layers"].append({"name": "flat", "type": "flatten", "inputs": [last]})
    raw["layers"].append({"name": "logits", "type": "dense", "units": int(rng.integers(2, 6))})
    raw["loss"] = LOSSES[rng.integers(len(LOSSES))]
    return raw


def test_the_dag_property_reaches_every_layer_type():
    """The generator draws every registered layer type, and branches, many times in as many seeds
    as the property runs examples (each type in ≥ 10 % of them: missing one in CI's draws is a
    ~1e-9 chance)."""
    from spec.layers import registry

    drawn = [{layer["type"] for layer in random_dag(s)["layers"]} for s in range(DAG_EXAMPLES)]
    rare = {t: n for t in registry() if (n := sum(t in d for d in drawn)) < DAG_EXAMPLES // 10}
    assert not rare, f"drawn in fewer than {DAG_EXAMPLES // 10} of {DAG_EXAMPLES} examples: {rare}"
    merges = {t for t, layer in registry().items() if layer.arity is None}
    assert sum(bool(d & merges) for d in drawn) >= DAG_EXAMPLES // 10


# Explicit seeds, not hypothesis' derandomised draws: those are keyed to the test's source, so any
# edit of this test silently swapped its 200 specs for others.
EXPLORE = os.environ.get("PROPERTY_EXPLORE") == "1"
DAG_SEEDS = (np.random.default_rng().integers(0, 2**32, DAG_EXAMPLES).tolist() if EXPLORE
             else list(range(DAG_EXAMPLES)))


# Two of these specs are quantities that are zero or constant in exact arithmetic and rounding
# noise in float32: 101 (conv → softmax(H) → avgpool over all of H: Σ softmax = 1, so grad:l0.bias
# is zero) and 165 (softmax(H) → global pool → dense: the same row for every example, so the
# batchnorm after it sees zero variance and train:l7.moving_mean is noise). Their checks must read
# float32-limited, not defects: the rounding model holds the softmax backward's terms and the
# batch mean's shared rounding (crosscheck.sensitivity).
@pytest.mark.parametrize("seed", DAG_SEEDS)
def test_random_dag_specs_conform(seed):
    raw = random_dag(seed)
    spec = build_spec(raw)
    result = compare_spec(spec, seed=seed, device="cpu", batch=4)
    wrong = [(c.name, c.verdict, c.note) for c in result.checks if c.failed and not one_sided_finding(c)]
    assert not wrong, f"{raw}\n{wrong}\nfirst divergent: {result.first_divergent_layer}"
    assert np.isfinite(result.checks[0].max_abs)


@pytest.mark.parametrize("seed, key", [(101, "grad:l0.bias"), (165, "train:l7.moving_mean")])
def test_rounding_noise_of_an_exact_constant_reads_float32_limited(seed, key):
    """The two specs above: the check is neither a pass (float32 has no power there: both twins'
    errors are ~100 % of its noise-sized scale) nor a defect (nothing is wrong)."""
    from crosscheck.tolerance import LIMITED

    result = compare_spec(build_spec(random_dag(seed)), seed=seed, device="cpu", batch=4)
    check = next(c for c in result.checks if c.name == key)
    assert check.verdict == LIMITED, check.note


def one_sided_finding(check) -> bool:
    """A float32-defect naming one framework only (the other, by the verdict's own rule, within
    rounding of the computation): a finding about that framework's float32 kernels, not about the
    translation, which the float64 proof of the same check covers. Seed 176 is one with TF's oneDNN
    off only: a gradient through a softmax over a size-1 axis is exactly 0 in float64 and in torch
    float32, not in TF float32. Seed 2695 of hypothesis' former draws was another, under AVX2 and
    oneDNN off: TF's `tf.nn.batch_normalization` computes x·inv + (β − μ·inv), whose rounding grows
    with |μ|/σ, so its `train:grad:l3.gamma` was 29–31x the float32 sensitivity on every setting
    (torch 6x) and the twins differed by 6.5e-5 (pass) or 1.0e-4, just over the 1e-4 tolerance."""
    from crosscheck.tolerance import DEFECT

    return check.verdict == DEFECT and len(check.defect_in) == 1


# Found by the property test (drawing new seeds): on a channels-last view of its input,
# torch 2.14.1's oneDNN conv returned a wrong weight gradient for this 1x1 stride-2 conv, differently
# on each run (spec/SEMANTICS.md, "Logical layout"). The twin feeds contiguous NCHW: torch's error
# must stay within rounding on every run. TensorFlow 2.21 has a defect of the same kind here under
# oneDNN's AVX2 kernels (ONEDNN_MAX_CPU_ISA=AVX2, found by scripts/cpu_settings.py: 1 run in ~6,
# error ~100 % of scale): when TF's gradient is off, the verdict must be a float32-defect naming tf,
# never a pass, and nothing else may fail.
FOUND_1X1_STRIDE2 = {
    "id": "prop", "input": {"name": "x", "shape": [6, 8, 3]},
    "layers": [
        {"name": "l0", "type": "conv2d", "filters": 6, "kernel_size": 1, "strides": 2, "padding": "valid",
         "init": {"kernel": {"type": "uniform", "minval": -0.3, "maxval": 0.3}}},
        {"name": "l1", "type": "avgpool2d", "pool_size": 2, "strides": 1, "padding": "valid"},
        {"name": "flat", "type": "flatten"},
        {"name": "fc0", "type": "dense", "units": 3}, {"name": "act0", "type": "tanh"},
        {"name": "logits", "type": "dense", "units": 6},
    ],
    "loss": {"type": "mse"},
}


def test_found_1x1_stride2_conv_gradient_conforms_every_run():
    from crosscheck.tolerance import DEFECT
    from crosscheck.verdict import DEFECT_FACTOR

    spec = build_spec(FOUND_1X1_STRIDE2)
    for seed in range(6):
        result = compare_spec(spec, seed=seed, device="cpu", batch=8)
        for c in result.checks:
            if c.errors is not None:  # torch: within rounding of this computation, every run
                assert c.errors["torch"] <= DEFECT_FACTOR * max(c.sensitivity, c.decision_sensitivity), (seed, c.note)
            if c.max_scaled > c.tol:  # only TF's kernel defect may separate the twins, and it is named
                assert c.verdict == DEFECT and c.defect_in == ["tf"], (seed, c.name, c.verdict, c.note)
