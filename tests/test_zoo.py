"""Every spec in the zoo: valid, its summary adds up, and its twins agree (forward + gradients).

Parametrised over the files present (timm's test_models.py): a spec is tested once it exists.
"""
import pytest

from crosscheck.compare import compare_spec
from spec import load_spec, param_counts, spec_ids

MNIST_FAMILY = [
    "ltfn1_softmax", "ltfn3_mlp", "ltfn5_convnet", "ltfn6_convnet_he", "ltfn6_convnet_small_init", "dorian_mlp300",
    "tensorboard_mlp300_sigmoid", "eager_mnist_cnn", "tf2_metrics_mnist_cnn",
    *[f"init_study_{a}_{i}" for a in ("sigmoid", "relu") for i in ("normal", "xavier", "he")],
]
# Too slow for the per-commit suite on 2 cores; covered by their own tests.
SLOW = {"resnet50", "resnet50_v15", "resnet50_transfer"}


def test_mnist_family_is_complete():
    assert set(MNIST_FAMILY) <= set(spec_ids())


@pytest.mark.parametrize("spec_id", [s for s in spec_ids() if s not in SLOW])
def test_twins_agree(spec_id):
    result = compare_spec(load_spec(spec_id), seed=0, device="cpu", batch=8)
    failed = [(c.name, c.verdict, c.note) for c in result.checks if c.failed]
    assert not result.failed, f"{failed}; first divergent layer: {result.first_divergent_layer}"
    assert result.checks[0].name == "logits" and result.checks[1].name == "loss"


def test_ltfn5_flattens_to_6272_and_counts_params():
    spec = load_spec("ltfn5_convnet")
    assert spec.node("flatten").out_shape == (6272,)
    # conv: 3·3·1·64+64, 3·3·64·64+64, 3·3·64·128+128, 3·3·128·128+128; dense 6272·10+10
    expected = 640 + 36_928 + 73_856 + 147_584 + 62_730
    assert param_counts(spec) == (expected, expected)


def test_summary_param_counts_equal_keras_count_params():
    from tf_impl.twin import TFTwin

    for spec_id in ("ltfn5_convnet", "eager_mnist_cnn", "dorian_mlp300"):
        spec = load_spec(spec_id)
        model = TFTwin(spec, "cpu").model
        assert param_counts(spec)[0] == model.count_params(), spec_id
