"""Property: any valid sequential spec built from the supported layers has conforming twins."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosscheck.compare import compare_spec
from spec import build_spec

INITS = st.sampled_from([
    None,
    {"type": "normal", "stddev": 0.5},
    {"type": "truncated_normal", "stddev": 0.3},
    {"type": "variance_scaling", "scale": 2.0, "mode": "fan_in", "distribution": "truncated_normal"},
    {"type": "glorot_normal"},
    {"type": "uniform", "minval": -0.3, "maxval": 0.3},
])


@st.composite
def image_block(draw, i):
    kind = draw(st.sampled_from(["conv2d", "maxpool2d", "avgpool2d", "activation"]))
    if kind == "conv2d":
        layer = {"type": "conv2d", "filters": draw(st.integers(1, 6)), "kernel_size": draw(st.integers(1, 3)),
                 "strides": draw(st.integers(1, 2)), "padding": draw(st.sampled_from(["same", "valid"]))}
        init = draw(INITS)
        if init:
            layer["init"] = {"kernel": init}
    elif kind in ("maxpool2d", "avgpool2d"):
        layer = {"type": kind, "pool_size": draw(st.integers(1, 3)), "strides": draw(st.integers(1, 2)),
                 "padding": draw(st.sampled_from(["same", "valid"]))}
    else:
        layer = {"type": draw(st.sampled_from(["relu", "sigmoid", "tanh", "dropout"]))}
        if layer["type"] == "dropout":
            layer["rate"] = 0.3
    return {"name": f"l{i}", **layer}


@st.composite
def sequential_spec(draw):
    h, w, c = draw(st.integers(5, 10)), draw(st.integers(5, 10)), draw(st.integers(1, 3))
    layers = [draw(image_block(i)) for i in range(draw(st.integers(1, 4)))]
    layers.append({"name": "flat", "type": "flatten"})
    for j in range(draw(st.integers(0, 2))):
        layers.append({"name": f"fc{j}", "type": "dense", "units": draw(st.integers(1, 12))})
        layers.append({"name": f"act{j}", "type": draw(st.sampled_from(["relu", "tanh", "sigmoid"]))})
    layers.append({"name": "logits", "type": "dense", "units": draw(st.integers(2, 6))})
    loss = draw(st.sampled_from([{"type": "softmax_cross_entropy"}, {"type": "mse"}]))
    return {"id": "prop", "input": {"name": "x", "shape": [h, w, c]}, "layers": layers, "loss": loss}


def _shapes_connect(raw) -> bool:
    from spec import SpecError

    try:
        build_spec(raw)
        return True
    except SpecError:
        return False


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(sequential_spec().filter(_shapes_connect), st.integers(0, 2**16))
def test_random_sequential_specs_conform(raw, seed):
    spec = build_spec(raw)
    result = compare_spec(spec, seed=seed, device="cpu", batch=8)
    failed = [(c.name, c.verdict, c.note) for c in result.checks if c.failed]
    assert not result.failed, f"{raw}\n{failed}\nfirst divergent: {result.first_divergent_layer}"
    assert np.isfinite(result.checks[0].max_abs)


# Found by the test above (HYPOTHESIS_PROFILE=explore): on a channels-last view of its input, torch
# 2.14.1's oneDNN conv returned a wrong weight gradient for this 1x1 stride-2 conv, differently on
# each run (spec/SEMANTICS.md, "Logical layout"). The twin feeds contiguous NCHW; this must now pass
# at the plain tolerances, every time, with no rounding-floor excuse.
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
    spec = build_spec(FOUND_1X1_STRIDE2)
    for seed in range(6):
        result = compare_spec(spec, seed=seed, device="cpu", batch=8)
        loose = [(c.name, c.max_scaled, c.note) for c in result.checks if c.max_scaled > c.tol]
        assert not loose and not result.failed, (seed, loose)
