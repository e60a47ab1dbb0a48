"""Both backends' twins implement one interface (spec.twin.Twin): the same methods, with the same
parameter names and defaults, so the harness can ask either the same thing."""
import inspect

import pytest

from spec.twin import Twin
from tf_impl.twin import TFTwin
from torch_impl.twin import TorchTwin

METHODS = [name for name, f in vars(Twin).items() if callable(f) and not name.startswith("_")]


def test_the_protocol_is_not_empty():
    assert {"forward", "loss_and_grads", "to_float64", "train_step", "batchnorm_inputs"} <= set(METHODS)


@pytest.mark.parametrize("twin", [TFTwin, TorchTwin], ids=["tf", "torch"])
@pytest.mark.parametrize("method", METHODS)
def test_twin_implements_the_protocol(twin, method):
    expected = inspect.signature(getattr(Twin, method))
    got = inspect.signature(getattr(twin, method))
    assert list(got.parameters) == list(expected.parameters), (twin.__name__, method, got, expected)
    assert [p.default for p in got.parameters.values()] == [p.default for p in expected.parameters.values()]


def test_twins_carry_the_protocols_attributes():
    from spec import load_spec

    spec = load_spec("ltfn1_softmax")
    for twin in (TFTwin(spec, "cpu"), TorchTwin(spec, "cpu")):
        for attr in Twin.__annotations__:
            assert hasattr(twin, attr), (twin.framework, attr)
