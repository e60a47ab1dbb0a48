"""Data a spec makes itself (`data.generate`, spec/generators.py) and the Kadenze post's regressions
(kadenze_linear, kadenze_poly2/4/5, kadenze_tanh10) trained on it in both twins."""
import numpy as np
import pytest

from crosscheck import training, twins
from crosscheck.datasets import for_spec
from spec import SpecError, build_spec, generators, load_spec


def test_the_posts_noisy_sine_and_polynomial():
    x, y = generators.generate({"x": {"linspace": [-3, 3, 1000]}, "target": "sin", "noise": {"uniform": [-0.5, 0.5]}})
    assert x.shape == y.shape == (1000, 1) and x.dtype == y.dtype == np.float32
    assert x[0, 0] == -3 and x[-1, 0] == 3
    residual = y[:, 0].astype(np.float64) - np.sin(x[:, 0].astype(np.float64))
    assert -0.5 <= residual.min() < -0.49 and 0.49 < residual.max() <= 0.5  # U(−0.5, 0.5), 1,000 draws
    again, _ = generators.generate({"x": {"linspace": [-3, 3, 1000]}, "target": "sin", "noise": {"uniform": [-0.5, 0.5]}})
    assert np.array_equal(x, again)
    # post 001's Eager fit: x³ − 4x² − 2x + 2 on arange(0, 5, 0.1), noise N(0, 1.5)
    cfg = {"x": {"arange": [0, 5, 0.1]}, "target": {"polynomial": [1, -4, -2, 2]}, "noise": {"normal": 1.5}, "seed": 3}
    x, y = generators.generate(cfg)
    assert x.shape == (50, 1) and x[1, 0] == np.float32(0.1)
    clean = x[:, 0] ** 3 - 4 * x[:, 0] ** 2 - 2 * x[:, 0] + 2
    assert 1.0 < np.std(y[:, 0] - clean) < 2.0


def test_a_generated_spec_trains_on_its_own_points():
    spec = load_spec("kadenze_linear")
    data = for_spec.load(spec, None)
    assert len(data.x_train) == 1000 and np.array_equal(data.x_train, data.x_test)
    assert for_spec.examples(spec, None) == (1000, 1000)
    with pytest.raises(SpecError, match="data.generate: the spec makes its own data; --data npm does not apply"):
        for_spec.choice(spec, "npm")


@pytest.mark.parametrize("field,value,where", [
    ("target", "cos", "data.generate.target"),
    ("x", {"linspace": [-3, 3, 0]}, "data.generate.x"),
    ("noise", {"poisson": 1}, "data.generate.noise"),
])
def test_a_generator_that_cannot_be_made_names_its_field(field, value, where):
    raw = {"id": "g", "input": {"shape": [1]}, "layers": [{"name": "d", "type": "dense", "units": 1}],
           "data": {"generate": {"x": {"linspace": [0, 1, 5]}, "target": "sin", field: value}}}
    with pytest.raises(SpecError) as err:
        build_spec(raw, "g.json")
    assert err.value.lines()[0].startswith(f"g.json: {where}: ")


def test_the_kadenze_fits_end_as_the_post_says():
    """Both twins, the posts' schedules (500 steps each), the same curve: the ten summed tanh units
    fit the sine better than the line, and five powers are "completely off" (the post)."""
    final = {}
    for spec_id in ("kadenze_linear", "kadenze_poly5", "kadenze_tanh10"):
        spec = load_spec(spec_id)
        data = for_spec.load(spec, None)
        bs, total = training.schedule(spec, len(data.x_train))
        runs = {fw: training.train(spec, fw, data, total_steps=total, batch_size=bs, device="cpu", progress=False)
                for fw in twins.FRAMEWORKS}
        losses = [runs[fw].final_test_loss for fw in twins.FRAMEWORKS]
        assert total == 500 and abs(losses[0] - losses[1]) <= 1e-4 * losses[1], (spec_id, losses)
        final[spec_id] = losses[1]
    assert final["kadenze_tanh10"] < 0.3 < final["kadenze_linear"] < 0.45 < final["kadenze_poly5"]
