"""Lockstep training of a spec with a frozen trunk: the head trained on each twin's own trunk outputs,
the twins' full training step checked against it (`trunk`), the trunk's parameters bit-identical
after it (`frozen`). resnet50_transfer with the ImageNet weights on real photographs; the rules'
negative controls on a small spec of the same shape (frozen conv + batchnorm, GAP, dense sigmoid)."""
import json
import types
from dataclasses import replace

import numpy as np
import pytest
import torch

from crosscheck import frozen_trunk, lockstep, training
from crosscheck.conformance_inputs import pretrained_weights
from crosscheck.datasets import for_spec
from crosscheck.datasets.synthetic import generate
from crosscheck.twins import make_twin
from dataset_files import write_real_cats_dogs
from spec import build_spec, load_spec, param_counts

SMALL = {
    "id": "small_frozen", "input": {"shape": [6, 6, 3]},
    "layers": [{"name": "conv", "type": "conv2d", "filters": 4, "kernel_size": 3, "trainable": False},
               {"name": "bn", "type": "batchnorm", "trainable": False},
               {"name": "relu", "type": "relu"},
               {"name": "gap", "type": "global_avgpool2d"},
               {"name": "fc", "type": "dense", "units": 1},
               {"name": "prob", "type": "sigmoid"}],
    "loss": {"type": "binary_cross_entropy", "from_logits": False},
    "optimizer": {"type": "adam", "learning_rate": 0.01},
}


def _frozen_bn_in_training_mode(twin):
    """A wrong torch twin: its `train()` no longer keeps the frozen batchnorm in inference mode."""
    if twin.framework == "torch":
        twin.model.train = types.MethodType(torch.nn.Module.train, twin.model)
    return twin


def test_cut_and_head():
    spec = load_spec("resnet50_transfer")
    assert frozen_trunk.cut(spec) == "avg_pool"
    head = frozen_trunk.head_spec(spec, "avg_pool")
    assert head.input_shape == (2048,) and [n.name for n in head.nodes] == ["fc", "prob"]
    assert param_counts(head) == (2_049, 2_049)
    assert frozen_trunk.cut(build_spec(SMALL)) == "gap"
    # nothing frozen, or a head that reads the trunk twice: no cut
    assert frozen_trunk.cut(load_spec("catsdogs_head_fc")) is None
    skip = {**SMALL, "layers": [*SMALL["layers"][:4], {"name": "gap2", "type": "global_avgpool2d", "inputs": ["bn"]},
                                {**SMALL["layers"][4], "inputs": ["gap"]}, SMALL["layers"][5]]}
    assert frozen_trunk.cut(build_spec(skip)) is None


def test_small_frozen_trunk_passes_and_its_negative_control_fails():
    spec = build_spec(SMALL)
    data = generate(spec, train=16, test=4)
    good = lockstep.train_conformance(spec, data, 8, batch_size=4, device="cpu")
    assert [c.name for c in good.checks] == ["frozen", "trunk", "loss", "param:fc.kernel", "param:fc.bias"]
    assert not good.failed, [(c.name, c.verdict, c.note) for c in good.checks]
    assert good.checks[1].float64_scaled < 1e-12 and good.checks[1].max_scaled < 1e-5
    # the same training without the trunk's reuse: the same verdicts
    full = lockstep.train_conformance(spec, data, 8, batch_size=4, device="cpu", reuse_trunk=False)
    assert [c.name for c in full.checks] == ["frozen", "loss", *(f"param:{k}" for k in ("conv.kernel", "conv.bias",
                                             "bn.gamma", "bn.beta", "bn.moving_mean", "bn.moving_variance",
                                             "fc.kernel", "fc.bias"))]
    assert not full.failed
    bad = lockstep.train_conformance(spec, data, 8, batch_size=4, device="cpu", wrap=_frozen_bn_in_training_mode)
    verdicts = {c.name: c for c in bad.checks}
    assert verdicts["frozen"].verdict == "fail" and "torch float32: 2 changed (bn.moving_mean, bn.moving_variance)" \
        in verdicts["frozen"].note
    assert verdicts["trunk"].verdict == "fail" and "torch" in verdicts["trunk"].note
    assert verdicts["trunk"].float64_scaled > 1e-3


@pytest.fixture(scope="module")
def pets(tmp_path_factory):
    """resnet50_transfer's data: real photographs with their cat/dog labels, one of each for training."""
    spec = load_spec("resnet50_transfer")
    weights, note = pretrained_weights(spec, 0)
    if weights is None:
        pytest.skip(note)
    data = for_spec.load(spec, str(write_real_cats_dogs(tmp_path_factory.mktemp("pets") / "PetImages")))
    pick = np.concatenate([np.flatnonzero(data.y_train == c)[:1] for c in (0, 1)])
    return spec, replace(data, x_train=data.x_train[pick], y_train=data.y_train[pick]), weights


@pytest.mark.slow
def test_resnet50_transfer_head_trains_on_the_imagenet_backbone(pets):
    """Two Adam steps of batch 2 from the ImageNet weights (one rounding-model draw): the head's
    loss and parameters conform and moved in both twins, one full training step of each twin equals
    the head's on its trunk outputs (float64: 1e-12), and after it the backbone's 318 parameters
    (batchnorm moving statistics included) are bit-identical in both twins, float32 and float64."""
    spec, data, _ = pets
    r = lockstep.train_conformance(spec, data, 2, batch_size=2, device="cpu", draws=1)
    assert r.weights.startswith("ImageNet ResNet50 weights"), r.weights
    checks = {c.name: c for c in r.checks}
    assert list(checks) == ["frozen", "trunk", "loss", "param:fc.kernel", "param:fc.bias"]
    assert not r.failed, [(c.name, c.verdict, c.note) for c in r.checks]
    assert checks["frozen"].passed and checks["frozen"].note == (
        "318 parameters of frozen layers bit-identical after training in "
        "tf float32, torch float32, tf float64, torch float64")
    assert checks["trunk"].float64_scaled < 1e-12 and checks["loss"].passed
    for fw in ("tf", "torch"):  # two Adam steps move every head parameter by up to ≈ 2·lr
        assert sorted(r.moved[fw]) == ["fc.bias", "fc.kernel"]
        assert all(0 < d <= 2.1e-3 for d in r.moved[fw].values()) and r.moved[fw]["fc.kernel"] > 1e-3, r.moved
    print({c.name: (c.verdict, f"{c.max_scaled:.2e}") for c in r.checks}, r.moved)


def test_resnet50_transfer_frozen_batchnorms_in_training_mode_are_named(pets):
    """The negative control on the real model: torch's generated `train()` replaced by nn.Module's,
    so its 53 frozen batchnorms normalise with batch statistics and update their moving ones."""
    spec, data, weights = pets
    bad = lockstep.lockstep(spec, data, 1, 0, "cpu", 2, spec.optimizer, weights=weights, frameworks=("torch",),
                            wrap=_frozen_bn_in_training_mode)
    check = lockstep.frozen_check(spec, weights, bad)
    assert check.verdict == "fail" and "torch: 106 changed (bn_conv1.moving_mean" in check.note, check.note


def test_training_resnet50_transfer_starts_from_the_imagenet_backbone(pets, tmp_path):
    """`crosscheck train`'s path (`training.train` with no weights given): the spec's declared
    ImageNet weights, not its initialisers; after a step the backbone is still them bit for bit,
    the head has moved, and the run's settings say where it started."""
    spec, data, weights = pets
    twin = make_twin(spec, "torch", "cpu")
    r = training.train(spec, "torch", data, total_steps=1, batch_size=2, device="cpu", out=tmp_path, progress=False,
                       twin=twin)
    assert r.steps_done == 1 and not r.stopped
    after = twin.get_weights()
    head = {"fc.kernel", "fc.bias"}
    assert all(np.array_equal(after[k], weights[k]) for k in weights if k not in head)
    assert all(np.abs(after[k] - weights[k]).max() > 1e-4 for k in head)
    settings = json.loads((tmp_path / "torch" / "metrics.json").read_text())
    assert settings["initial_weights"].startswith("ImageNet ResNet50 weights"), settings
