"""The RGB zoo specs (issue 5): summary counts equal Keras' count_params(), and together they
exercise every convention the issue lists (their conformance runs in tests/test_zoo.py)."""
import numpy as np
import pytest

from spec import load_spec, param_counts
from spec.padding import same_padding
from tf_impl.twin import TFTwin

RGB = ["cifar10_colab", "cifar10_tf2", "catsdogs_small_cnn", "catsdogs_head_fc", "catsdogs_head_fc_dropout", "catsdogs_head_gap"]


@pytest.mark.parametrize("spec_id", RGB)
def test_summary_counts_equal_keras(spec_id):
    spec = load_spec(spec_id)
    model = TFTwin(spec, "cpu").model
    total, trainable = param_counts(spec)
    assert total == model.count_params()
    assert trainable == sum(int(np.prod(v.shape)) for v in model.trainable_weights)


def test_rgb_specs_exercise_the_issue_conventions():
    specs = {s: load_spec(s) for s in RGB + ["resnet50_transfer", "resnet50_v15"]}
    nodes = [(s, n) for s, spec in specs.items() for n in spec.nodes]
    assert any(n.cfg.get("kernel_regularizer") for _, n in nodes)  # L2
    assert any(spec.loss["type"] == "binary_cross_entropy" and spec.nodes[-1].type == "sigmoid" for spec in specs.values())
    assert any(not n.trainable for _, n in nodes)  # frozen sub-graph
    assert any(n.type == "dropout" for _, n in nodes) and any(n.type == "global_avgpool2d" for _, n in nodes)
    pools = {(n.cfg["pool_size"], n.cfg["strides"], n.cfg["padding"]) for _, n in nodes if n.type == "maxpool2d"}
    assert (3, 2, "valid") in pools
    strided_same_even = [
        (s, n.name) for s, n in nodes
        if n.type == "conv2d" and n.cfg["padding"] == "same" and n.cfg["strides"] == 2 and n.in_shapes[0][0] % 2 == 0
    ]
    assert strided_same_even  # TF pads the extra row bottom/right here
    s, name = strided_same_even[0]
    node = specs[s].node(name)
    assert same_padding(node.in_shapes[0][0], 3, 2) == (0, 1)
    # batchnorm in the torch default convention (v1.5) and Keras' (everything else)
    assert {(n.cfg["momentum"], n.cfg["epsilon"]) for _, n in nodes if n.type == "batchnorm"} >= {(0.99, 1e-3), (0.9, 1e-5)}
