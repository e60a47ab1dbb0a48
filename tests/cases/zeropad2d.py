import numpy as np

from . import Case, Invalid

CASES = [
    Case("zeropad2d_int", {"type": "zeropad2d", "padding": 3}, (4, 4, 2), (10, 10, 2)),
    Case("zeropad2d_asymmetric", {"type": "zeropad2d", "padding": [[0, 1], [2, 0]]}, (3, 4, 2), (4, 6, 2)),
    Case("zeropad2d_hand", {"type": "zeropad2d", "padding": [[1, 0], [0, 1]]}, (1, 2, 1), (2, 3, 1),
         x=np.array([5.0, 6.0], np.float32).reshape(1, 1, 2, 1),
         expected=np.array([0.0, 0.0, 0.0, 5.0, 6.0, 0.0], np.float32).reshape(1, 2, 3, 1)),
]

INVALID = [
    Invalid("zeropad2d_negative", {"type": "zeropad2d", "padding": -1}, (4, 4, 1), "layers[0].padding", ""),
]
