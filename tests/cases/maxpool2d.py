import numpy as np

from . import Case, Invalid

CASES = [
    Case("maxpool2d_2x2", {"type": "maxpool2d"}, (6, 6, 2), (3, 3, 2)),
    Case("maxpool2d_same_odd", {"type": "maxpool2d", "padding": "same"}, (7, 7, 2), (4, 4, 2)),
    Case("maxpool3x3_s2_same_even", {"type": "maxpool2d", "pool_size": 3, "strides": 2, "padding": "same"}, (8, 8, 2), (4, 4, 2)),
    Case("maxpool3x3_s2_valid", {"type": "maxpool2d", "pool_size": 3, "strides": 2}, (9, 9, 2), (4, 4, 2)),
    # Negative inputs: a zero-padded max would return 0 at the bottom/right edge; TF never picks padding.
    Case(
        "maxpool2d_same_negative_hand",
        {"type": "maxpool2d", "pool_size": 2, "strides": 2, "padding": "same"},
        (3, 3, 1),
        (2, 2, 1),
        x=-np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3, 1),
        expected=np.array([-1.0, -3.0, -7.0, -9.0], np.float32).reshape(1, 2, 2, 1),
    ),
]

INVALID = [
    Invalid("maxpool2d_zero_pool", {"type": "maxpool2d", "pool_size": 0}, (4, 4, 1), "layers[0].pool_size", ""),
]
