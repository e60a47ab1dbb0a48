import numpy as np

from . import Case, Invalid

CASES = [
    Case("polynomial_degree4", {"type": "polynomial", "degree": 4}, (1,), (4,),
         x=np.array([[-1.5]], np.float32), expected=np.array([[1.0, -1.5, 2.25, -3.375]], np.float32)),
    Case("polynomial_at_zero", {"type": "polynomial", "degree": 3}, (2,), (6,),
         x=np.array([[0.0, 2.0]], np.float32), expected=np.array([[1.0, 1.0, 0.0, 2.0, 0.0, 4.0]], np.float32)),
    Case("polynomial_degree1", {"type": "polynomial", "degree": 1}, (3,), (3,)),
]

CASES += [Case("polynomial_on_image", {"type": "polynomial", "degree": 3}, (3, 4, 2), (3, 4, 6))]

INVALID = [
    Invalid("polynomial_degree0", {"type": "polynomial", "degree": 0}, (1,), "layers[0].degree"),
]
