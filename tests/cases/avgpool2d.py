import numpy as np

from . import Case, Invalid

CASES = [
    Case("avgpool2d_2x2", {"type": "avgpool2d"}, (6, 6, 2), (3, 3, 2)),
    Case("avgpool2d_same_stride1", {"type": "avgpool2d", "pool_size": 3, "strides": 1, "padding": "same"}, (5, 5, 2), (5, 5, 2)),
    Case("avgpool2d_same_stride2_even", {"type": "avgpool2d", "pool_size": 3, "strides": 2, "padding": "same"}, (8, 8, 2), (4, 4, 2)),
    # SAME avg excludes padded cells: the bottom-right window covers only x[2, 2] = 9.
    Case(
        "avgpool2d_same_hand",
        {"type": "avgpool2d", "pool_size": 2, "strides": 2, "padding": "same"},
        (3, 3, 1),
        (2, 2, 1),
        x=np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3, 1),
        expected=np.array([3.0, 4.5, 7.5, 9.0], np.float32).reshape(1, 2, 2, 1),
    ),
]

INVALID = [
    Invalid("avgpool2d_too_big", {"type": "avgpool2d", "pool_size": 5}, (3, 3, 1), "layers[0].pool_size", "larger"),
]
