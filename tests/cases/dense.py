import numpy as np

from . import Case, Invalid

CASES = [
    Case("dense_basic", {"type": "dense", "units": 7}, (5,), (7,)),
    Case("dense_no_bias", {"type": "dense", "units": 3, "use_bias": False}, (4,), (3,)),
    Case("dense_l2", {"type": "dense", "units": 3, "kernel_regularizer": {"l2": 0.01}}, (6,), (3,)),
    Case("dense_l1_l2", {"type": "dense", "units": 3, "kernel_regularizer": {"l1": 0.01, "l2": 0.01}}, (6,), (3,)),
    # Canonical kernel is (in, out): x·K with K = [[1, 2, 3], [4, 5, 6]] (a transposed kernel gives
    # another answer, and a different shape).
    Case(
        "dense_kernel_layout",
        {"type": "dense", "units": 3},
        (2,),
        (3,),
        weights={"kernel": np.array([[1, 2, 3], [4, 5, 6]], np.float32), "bias": np.zeros(3, np.float32)},
        x=np.array([[1.0, 10.0]], np.float32),
        expected=np.array([[41.0, 52.0, 63.0]], np.float32),
    ),
]

INVALID = [
    Invalid("dense_zero_units", {"type": "dense", "units": 0}, (4,), "layers[0].units", "minimum"),
    Invalid("dense_units_string", {"type": "dense", "units": "10"}, (4,), "layers[0].units", "not of type"),
    Invalid("dense_missing_units", {"type": "dense"}, (4,), "layers[0]", "units"),
    Invalid("dense_on_image", {"type": "dense", "units": 3}, (4, 4, 1), "layers[0]", "rank 1"),
    Invalid("dense_negative_l1", {"type": "dense", "units": 3, "kernel_regularizer": {"l1": -0.1}}, (4,),
            "layers[0].kernel_regularizer.l1", "minimum"),
    Invalid("dense_unknown_field", {"type": "dense", "units": 3, "activation": "relu"}, (4,), "layers[0]", "activation"),
]
