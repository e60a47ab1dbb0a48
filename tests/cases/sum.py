import numpy as np

from . import Case, Invalid

CASES = [
    Case("sum_units", {"type": "sum"}, (10,), (1,),
         x=np.array([[1.0, -2.0, 0.5, 0.25, 0, 0, 0, 0, 0, 3.0]], np.float32), expected=np.array([[2.75]], np.float32)),
]

INVALID = [
    Invalid("sum_on_image", {"type": "sum"}, (4, 4, 1), "layers[0]", "rank"),
]
