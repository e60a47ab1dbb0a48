"""`crosscheck functions`: the posts' softmax, cross entropies, entropy and KL in both frameworks
against numpy float64; the figures post 001 quotes; and rows that fail when a value is wrong."""
import json
import math

import numpy as np
import pytest

from crosscheck import cli, functions
from spec import losses


@pytest.fixture(scope="module")
def table():
    return functions.rows(seed=0)


def test_every_function_agrees_with_float64_in_both_frameworks(table):
    assert len(table) >= 15
    for row in table:
        assert set(row.values) == {"tf", "torch"}
        assert row.passed, (row.function, row.example, row.errors)
        # float32 maths, not a copy of the reference: each framework is off by rounding, and not more
        assert all(0 <= e <= 1e-6 for e in row.errors.values()), (row.function, row.errors)


def test_the_posts_figures(table):
    quoted = {r.example: (r.reference, r.post) for r in table if r.post}
    assert len(quoted) == 3
    for value, post in quoted.values():
        # post 001 truncates to two decimals (0.619 bits is its "0.61bits")
        assert math.floor(value * 100) / 100 == float(post.split()[0]), (value, post)
    coin = next(r for r in table if r.example.startswith("unfair coin"))
    assert coin.reference == pytest.approx(-(0.99 * math.log2(0.99) + 0.01 * math.log2(0.01)), rel=1e-12)


def test_sparse_and_one_hot_labels_give_the_same_loss(table):
    one_hot, sparse, from_probs = (next(r for r in table if r.function == f"softmax CE {kind}")
                                   for kind in ("from logits, one-hot labels", "from logits, sparse labels", "from probabilities"))
    assert one_hot.reference == sparse.reference
    assert from_probs.reference == pytest.approx(one_hot.reference, rel=1e-6)  # probabilities from those logits


def test_the_clip_decides_the_clipped_cross_entropy():
    # a one-hot row: log(1 − p) of the 1 and log p of the 0s meet the clip [1e-10, 0.9999999]
    y = np.eye(3)[[0]]
    expected = -(np.log(0.9999999) + 2 * np.log(1 - 1e-10))
    assert losses.reference({"type": "clipped_cross_entropy"}, y, y) == pytest.approx(expected, rel=1e-12)


def test_a_wrong_value_fails_its_row():
    row = functions.entropy_row("unfair coin", [0.99, 0.01], functions.BITS)
    row.values["torch"] = row.values["torch"] * (1 + 1e-4)
    assert not functions._judged(row).passed
    assert row.errors["torch"] == pytest.approx(1e-4, rel=1e-2) and row.errors["tf"] < 1e-6


def test_a_wrong_reference_fails_the_loss_rows(monkeypatch):
    """The loss rows compare the emitted code against `spec.losses.reference`: a reference that
    forgets the batch mean is caught."""
    right = losses.reference
    monkeypatch.setattr(losses, "reference", lambda loss, labels, outputs: 8 * right(loss, labels, outputs))
    logits = np.random.default_rng(1).normal(0, 1, (8, 5)).astype(np.float32)
    row = functions.loss_row("softmax CE", "test", {"type": "softmax_cross_entropy", "labels": "sparse"}, logits,
                             np.arange(8) % 5)
    assert not row.passed


def test_functions_command_json(capsys):
    assert cli.main(["functions", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["verdict"] for r in rows} == {"pass"}
    assert any(r["function"] == "KL divergence (bits)" and r["example"].startswith("{0.9, 0.1}") for r in rows)
