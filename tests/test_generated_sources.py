"""The committed generated twins equal what the generators emit now, and are self-contained."""
import ast

import numpy as np
import pytest

from crosscheck.generation import committed_path, sources
from spec import load_spec, spec_ids
from spec.emitted import module_from_source


@pytest.mark.parametrize("spec_id", spec_ids())
def test_committed_sources_are_current(spec_id):
    for framework, source in sources(load_spec(spec_id), "both").items():
        path = committed_path(spec_id, framework)
        assert path.exists(), f"{path} missing: run `crosscheck generate --update`"
        assert path.read_text() == source, f"{path} is stale: run `crosscheck generate --update`"


@pytest.mark.parametrize("spec_id", spec_ids())
def test_generated_sources_import_nothing_from_this_project(spec_id):
    for framework, source in sources(load_spec(spec_id), "both").items():
        tree = ast.parse(source)
        modules = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        modules |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert modules <= {"keras", "numpy", "tensorflow", "torch", "math"}, (framework, modules)


@pytest.mark.parametrize("spec_id", spec_ids())
def test_generated_sources_import_only_what_they_use(spec_id):
    """Code a user lifts carries no unused imports (the header is made from the body)."""
    for framework, source in sources(load_spec(spec_id), "both").items():
        tree = ast.parse(source)
        bound = {(a.asname or a.name).split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                 for a in n.names}
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        assert bound <= used, (framework, sorted(bound - used))


def test_no_stale_generated_files():
    ids = set(spec_ids())
    for fw in ("tf", "torch"):
        folder = committed_path("x", fw).parent
        extra = {p.stem for p in folder.glob("*.py")} - ids
        assert not extra, f"generated files without a spec in {folder}: {sorted(extra)}"


@pytest.mark.parametrize("spec_id", ["ltfn3_mlp", "cifar10_colab", "init_study_relu_he"])  # sgd; adam + L2; adam
def test_the_emitted_training_half_runs_on_its_own(spec_id):
    """What a user lifts: build_model, make_optimizer (the spec's exact numbers) and the training
    step, used with nothing from this project. Three steps on one batch lower its loss."""
    import torch

    spec = load_spec(spec_id)
    o = spec.optimizer
    rng = np.random.default_rng(0)
    x = rng.random((8, *spec.input_shape), dtype=np.float32)
    y = np.eye(spec.output_shape[-1], dtype=np.float32)[rng.integers(0, spec.output_shape[-1], 8)]
    src = sources(spec, "both")

    tf_mod = module_from_source(src["tf"], f"{spec_id}_lifted_tf")
    model = tf_mod.build_model()
    opt = tf_mod.make_optimizer()
    assert type(opt).__name__.lower() == o["type"] and float(opt.learning_rate) == pytest.approx(o["learning_rate"])
    if o["type"] == "adam":
        assert opt.epsilon == o.get("epsilon", 1e-7)
    step = tf_mod.make_train_step(model, opt)
    tf_losses = [float(step(x, y)) for _ in range(3)]

    pt_mod = module_from_source(src["torch"], f"{spec_id}_lifted_torch")
    model = pt_mod.build_model()
    opt = pt_mod.make_optimizer(model)
    assert opt.param_groups[0]["lr"] == o["learning_rate"]
    if o["type"] == "adam":
        assert type(opt).__name__ == "KerasAdam" and opt.eps_hat == o.get("epsilon", 1e-7)
    pt_losses = [float(pt_mod.train_step(model, opt, torch.from_numpy(x), torch.from_numpy(y))) for _ in range(3)]
    for losses in (tf_losses, pt_losses):
        assert all(np.isfinite(losses)) and losses[-1] < losses[0], losses
