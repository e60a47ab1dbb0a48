import numpy as np

from . import Case

CASES = [
    Case("sum_units", {"type": "sum"}, (10,), (1,),
         x=np.array([[1.0, -2.0, 0.5, 0.25, 0, 0, 0, 0, 0, 3.0]], np.float32), expected=np.array([[2.75]], np.float32)),
]

CASES += [Case("sum_over_channels", {"type": "sum"}, (3, 4, 5), (3, 4, 1))]
