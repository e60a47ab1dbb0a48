"""The verdict rule (crosscheck.verdict) on numbers written by hand, and on the two held-out random
specs whose checks the earlier rounding-floor rule got wrong: a gradient that is zero in exact
arithmetic, and a batchnorm β gradient that is a sum cancelling almost exactly."""
import numpy as np
import pytest

from crosscheck.compare import compare_spec
from crosscheck.verdict import (DEFECT_FACTOR, EQUIVALENCE_TOL, FLOAT64_NOISE_FACTOR, POWER_FACTOR, TERMS_FLOOR,
                                TYPICAL_DEFECT_FACTOR, UNIT_ROUNDOFF, element_sensitivity, judge, typical_ratio)
from spec import build_spec

TOL = 1e-4
REF = np.linspace(-1.0, 1.0, 11)


def case(d_tf, d_torch, e64=0.0, s=1e-7, flips=0.0, magnitude=None, ref=REF):
    """float32 results off the exact value by d_tf / d_torch of scale (~1), and the other evidence."""
    tf = ref + d_tf * np.sign(ref + 0.5)
    torch = ref + d_torch * np.sign(ref - 0.5)
    return judge("q", TOL, tf, torch, ref + e64, ref, draws=[s], flips=flips, magnitude=magnitude)


def test_agreement_with_power_passes():
    c = case(2e-7, 1e-7)
    assert c.verdict == "pass" and c.passed and not c.failed and c.float64_scaled == 0


def test_float64_disagreement_fails_whatever_float32_says():
    c = case(0.0, 0.0, e64=10 * EQUIVALENCE_TOL)
    assert c.verdict == "fail" and "float64 twins differ" in c.note


def test_float64_twins_may_differ_only_by_what_float64_rounding_itself_moves():
    """Training can amplify float64 rounding (Adam's lr/ε̂ on a gradient that is zero in exact
    arithmetic): the proof then allows FLOAT64_NOISE_FACTOR times the float64 rounding model's
    deviation, and no more."""
    def trained(e64, noise):
        return judge("q", TOL, REF + 2e-7, REF - 1e-7, REF + e64, REF, draws=[1e-7], float64_noise=noise)

    c = trained(1e-7, 1e-8)  # within 100x: the proof holds, float32 decides
    assert c.verdict == "pass" and c.float64_sensitivity == pytest.approx(1e-8) and "float64 sensitivity 1.0e-08" in c.note
    c = trained(FLOAT64_NOISE_FACTOR * 1e-8 * 1.5, 1e-8)
    assert c.verdict == "fail" and "float64 twins differ (1.5e-06 > 1e-06)" in c.note
    assert trained(10 * EQUIVALENCE_TOL, 0.0).verdict == "fail"  # no float64 noise: the plain threshold


def test_agreement_without_power_is_limited_not_a_pass():
    c = case(2e-5, 1e-5, s=TOL / POWER_FACTOR * 1.5)
    assert c.verdict == "float32-limited" and not c.passed and not c.failed
    c = case(2e-7, 1e-7, flips=TOL)  # a reachable ReLU decision moves it by tol
    assert c.verdict == "float32-limited" and "decisions" in c.note


def test_a_runner_far_beyond_the_sensitivity_is_a_named_defect():
    s = 1e-6
    c = case(DEFECT_FACTOR * s * 50, 0.5 * s, s=s)  # d > tol, tf 1000x the sensitivity
    assert c.verdict == "float32-defect" and c.defect_in == ["tf"] and c.failed


def test_disagreement_within_the_sensitivity_is_limited():
    s = 1e-4  # the computation itself is this sensitive: both runners are rounding
    c = case(3e-4, 1e-4, s=s)
    assert c.max_scaled > TOL and c.verdict == "float32-limited" and not c.defect_in


def test_a_defect_in_every_element_is_named_where_a_few_elements_hide_it_from_the_max():
    """Parameters after Adam steps: one element whose gradient was near zero moves by ~lr under
    rounding alone, so the max-based sensitivity (here 1e-4 of scale) hides a 1e-3 offset of every
    element (12x < 20x); element by element the offset is 1e4x what rounding moves them."""
    rng = np.random.default_rng(0)
    ref = rng.uniform(-1, 1, 256)
    draws = [ref + rng.uniform(-1e-7, 1e-7, ref.shape) for _ in range(3)]
    draws[0][7] += 1e-4  # the sensitive element
    clean_tf = ref + rng.uniform(-1e-7, 1e-7, ref.shape)
    clean_tf[7] += 8e-5  # rounding moved it too: within its own sensitivity
    offset = clean_tf + 1.2e-3 * np.sign(ref)
    torch = ref + rng.uniform(-1e-7, 1e-7, ref.shape)
    s = [float(np.abs(d - ref).max()) for d in draws]
    per_element = element_sensitivity(draws, ref)
    assert typical_ratio(clean_tf, ref, per_element) < 3 and typical_ratio(offset, ref, per_element) > 1e3
    without = judge("p", TOL, offset, torch, ref, ref, draws=s)
    assert without.verdict == "float32-limited"  # the max alone: 12x the sensitivity
    typical = {"tf": typical_ratio(offset, ref, per_element), "torch": typical_ratio(torch, ref, per_element)}
    c = judge("p", TOL, offset, torch, ref, ref, draws=s, typical=typical)
    assert c.verdict == "float32-defect" and c.defect_in == ["tf"], c.note
    assert "typical element's float32 error is" in c.note and f"(> {TYPICAL_DEFECT_FACTOR:g}x)" in c.note
    # the clean runner with the same evidence: limited or better, never a defect
    clean = judge("p", TOL, clean_tf, torch, ref, ref, draws=s,
                  typical={"tf": typical_ratio(clean_tf, ref, per_element), "torch": typical["torch"]})
    assert clean.verdict in ("pass", "float32-limited"), clean.note


def test_the_typical_element_is_a_lower_median():
    """One element alone does not make a tensor's typical element (two of two must be off); an
    exact element counts 0, and an element the draws never moved counts at its storage rounding."""
    ref = np.array([1.0, 2.0])
    assert typical_ratio(ref + [1e-3, 0.0], ref, element_sensitivity([ref], ref)) == 0.0
    assert typical_ratio(ref + [1e-3, 1e-3], ref, element_sensitivity([ref], ref)) == pytest.approx(1e-3 / (2 * UNIT_ROUNDOFF))
    assert typical_ratio(np.array([5.0]), np.array([5.0]), element_sensitivity([np.array([5.0])], np.array([5.0]))) == 0.0


def test_a_sum_with_no_magnitude_of_its_own_is_judged_at_its_terms():
    """An exactly-zero gradient: both values are rounding noise of terms of size 1."""
    zero = np.zeros(4)
    noise = 3 * UNIT_ROUNDOFF
    c = judge("g", TOL, zero + noise, zero - noise, zero, zero, draws=[noise], magnitude=1.0)
    assert c.scale_from == "terms" and c.scale == pytest.approx(TERMS_FLOOR * UNIT_ROUNDOFF / TOL)
    assert c.verdict == "pass", c.note
    # the same noise judged at its own scale would have been a 200 % "error"
    assert judge("g", TOL, zero + noise, zero - noise, zero, zero, draws=[noise]).max_scaled == pytest.approx(2.0)


def test_a_check_that_cannot_be_computed_fails():
    assert judge("q", TOL, np.zeros(3), np.zeros(4)).verdict == "fail"
    assert judge("q", TOL, np.array([np.nan]), np.array([1.0])).verdict == "fail"


# Held out from the earlier rule's random DAG specs (issue: "the rule's failures, not the twins'").
ZERO_GRADIENT = {
    "id": "bn_gap_mae", "input": {"name": "x", "shape": [6, 6, 3]},
    "layers": [
        {"name": "conv", "type": "conv2d", "filters": 4, "kernel_size": 3},
        {"name": "bn5", "type": "batchnorm"},
        {"name": "gap", "type": "global_avgpool2d"},
        {"name": "out", "type": "dense", "units": 2},
    ],
    "loss": {"type": "mae"},
}
CANCELLING_BETA = {
    "id": "bn_chain", "input": {"name": "x", "shape": [7, 16, 3]},
    "layers": [
        {"name": "bn1", "type": "batchnorm"},
        {"name": "bn2", "type": "batchnorm"},
        {"name": "pad", "type": "zeropad2d", "padding": 1},
        {"name": "bn3", "type": "batchnorm"},
        {"name": "conv", "type": "conv2d", "filters": 3, "kernel_size": 3, "padding": "same"},
        {"name": "act", "type": "relu"},
        {"name": "skip", "type": "add", "inputs": ["act", "bn3"]},
        {"name": "flat", "type": "flatten"},
        {"name": "out", "type": "dense", "units": 4},
    ],
    "loss": {"type": "mse"},
}


@pytest.mark.parametrize("raw", [ZERO_GRADIENT, CANCELLING_BETA], ids=lambda r: r["id"])
def test_sums_that_cancel_are_not_failures(raw):
    result = compare_spec(build_spec(raw), device="cpu")
    assert not result.failed, [(c.name, c.verdict, c.note) for c in result.checks if c.failed]
    assert all(c.float64_scaled < 1e-12 for c in result.checks), [(c.name, c.float64_scaled) for c in result.checks]


def test_a_plain_sum_rounds_with_the_lanes_growth_only_where_it_does_not_cancel():
    """The rounding size of a plain sum of n terms (`Rounding._sum_size`): √(n/8)·|Σ| for terms of one
    sign (Σ|terms| = |Σ|), ≈ Σ|terms| where they cancel; never below Σ|terms|."""
    from crosscheck.sensitivity import Rounding

    k = np.sqrt(4608 / 8)  # a conv bias over batch 8 and 24x24 positions
    one_signed = Rounding._sum_size(np.array([5.0]), np.array([5.0]), k)
    cancelling = Rounding._sum_size(np.array([1e-3]), np.array([5.0]), k)
    assert one_signed == pytest.approx(k * 5.0)
    assert 5.0 <= cancelling[0] <= 5.0 * 1.01
