import numpy as np

from . import Case, Invalid

CASES = [
    Case("global_avgpool2d", {"type": "global_avgpool2d"}, (5, 4, 3), (3,)),
    Case("global_avgpool2d_hand", {"type": "global_avgpool2d"}, (2, 2, 1), (1,),
         x=np.array([1.0, 2.0, 3.0, 10.0], np.float32).reshape(1, 2, 2, 1), expected=np.array([[4.0]], np.float32)),
]

INVALID = [
    Invalid("global_avgpool2d_on_vector", {"type": "global_avgpool2d"}, (8,), "layers[0]", "rank 3"),
]
