"""The harness must catch the classic conversion bugs and name the layer where they start.

Each control builds a deliberately wrong torch twin — from the real emitted source with one
convention broken, as a hand port would — and checks the comparison fails at that layer.
"""
import pytest
import torch

from crosscheck.compare import compare_twins
from spec import build_spec, load_spec
from tf_impl.twin import TFTwin
from torch_impl.codegen import generate
from torch_impl.twin import TorchTwin


def broken_twin(spec, *replacements: tuple[str, str]) -> TorchTwin:
    source = generate(spec)
    for old, new in replacements:
        assert old in source, f"control no longer applies: {old!r} not in the emitted source"
        source = source.replace(old, new)
    return TorchTwin(spec, "cpu", source=source)


def test_wrong_flatten_order_is_detected_at_flatten():
    spec = load_spec("ltfn5_convnet")
    twin = broken_twin(spec, ("self.flatten = FlattenChannelsLast()", "self.flatten = nn.Flatten()"))
    result = compare_twins(spec, TFTwin(spec, "cpu"), twin)
    assert result.verdict == "fail"
    logits = next(c for c in result.checks if c.name == "logits")
    assert logits.verdict == "fail" and "float64 twins differ" in logits.note, logits.note
    assert result.first_divergent_layer == "flatten"


def test_wrong_same_split_for_stride_2_is_detected_at_that_conv():
    raw = {
        "id": "same_stride2", "input": {"name": "x", "shape": [8, 8, 3]},
        "layers": [
            {"name": "conv_a", "type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "same"},
            {"name": "conv_s2", "type": "conv2d", "filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"},
            {"name": "flat", "type": "flatten"},
            {"name": "out", "type": "dense", "units": 5},
        ],
        "loss": {"type": "softmax_cross_entropy"},
    }
    spec = build_spec(raw)
    # The naive port: symmetric padding=1, as PyTorch users write for "same" — pads top/left too.
    twin = broken_twin(
        spec,
        ("        self.conv_s2_pad = nn.ZeroPad2d((0, 1, 0, 1))\n", ""),
        ("nn.Conv2d(4, 4, kernel_size=3, stride=2)", "nn.Conv2d(4, 4, kernel_size=3, stride=2, padding=1)"),
        ("self.conv_s2(self.conv_s2_pad(conv_a))", "self.conv_s2(conv_a)"),
    )
    result = compare_twins(spec, TFTwin(spec, "cpu"), twin)
    assert result.verdict == "fail"
    assert result.first_divergent_layer == "conv_s2"


class TransposedDenseKernelTwin(TorchTwin):
    """Loads the canonical (in, out) kernel into nn.Linear without transposing it."""

    def set_weights(self, weights):
        super().set_weights(weights)
        # a copy: from_numpy would alias the caller's array, and the next set_weights would write into it
        self.model.hidden.weight.data = torch.tensor(weights["hidden.kernel"])


def test_transposed_dense_kernel_is_detected_at_that_dense():
    raw = {
        "id": "square_dense", "input": {"name": "x", "shape": [6]},
        "layers": [
            {"name": "first", "type": "dense", "units": 6}, {"name": "act", "type": "tanh"},
            {"name": "hidden", "type": "dense", "units": 6}, {"name": "relu", "type": "relu"},
            {"name": "logits", "type": "dense", "units": 3},
        ],
        "loss": {"type": "softmax_cross_entropy"},
    }
    spec = build_spec(raw)
    result = compare_twins(spec, TFTwin(spec, "cpu"), TransposedDenseKernelTwin(spec, "cpu"))
    assert result.failed
    assert result.first_divergent_layer == "hidden"


@pytest.mark.parametrize("spec_id", ["ltfn5_convnet", "eager_mnist_cnn"])
def test_correct_twins_pass_the_same_harness(spec_id):
    """The controls above fail because of the bug, not because the harness fails everything."""
    spec = load_spec(spec_id)
    result = compare_twins(spec, TFTwin(spec, "cpu"), TorchTwin(spec, "cpu"))
    assert not result.failed, [(c.name, c.note) for c in result.checks if c.failed]
