import numpy as np

from . import Case, Invalid

CASES = [
    # Channels-last flatten: (h, w, c) → (h·W + w)·C + c. A channels-first flatten would give
    # [0, 2, 4, 6, 1, 3, 5, 7] here.
    Case(
        "flatten_order_hand",
        {"type": "flatten"},
        (2, 2, 2),
        (8,),
        x=np.arange(8, dtype=np.float32).reshape(1, 2, 2, 2),
        expected=np.arange(8, dtype=np.float32).reshape(1, 8),
    ),
    Case("flatten_image", {"type": "flatten"}, (5, 3, 4), (60,)),
    Case("reshape_to_image", {"type": "reshape", "target_shape": [2, 3, 4]}, (24,), (2, 3, 4)),
    Case("reshape_image_to_image", {"type": "reshape", "target_shape": [3, -1, 2]}, (2, 6, 2), (3, 4, 2)),
    Case("reshape_to_matrix", {"type": "reshape", "target_shape": [4, 6]}, (2, 3, 4), (4, 6)),
]

INVALID = [
    Invalid("reshape_wrong_size", {"type": "reshape", "target_shape": [5, 5]}, (24,), "layers[0].target_shape", "cannot reshape"),
    Invalid("reshape_two_wildcards", {"type": "reshape", "target_shape": [-1, -1]}, (24,), "layers[0].target_shape", "-1"),
]
