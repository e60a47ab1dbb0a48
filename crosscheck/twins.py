"""A spec's twin by framework name: the one place that picks `TFTwin` or `TorchTwin`."""
from __future__ import annotations

from spec import Spec

FRAMEWORKS = ("tf", "torch")


def make_twin(spec: Spec, framework: str, device: str = "auto", weights: dict | None = None):
    """The twin of `framework` ("tf" or "torch") on `device`, holding `weights` when given."""
    if framework == "tf":
        from tf_impl.twin import TFTwin as Twin
    else:
        from torch_impl.twin import TorchTwin as Twin
    twin = Twin(spec, device)
    if weights is not None:
        twin.set_weights(weights)
    return twin
