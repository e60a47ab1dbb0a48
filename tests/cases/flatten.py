import numpy as np

from . import Case

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
]
