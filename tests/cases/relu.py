import numpy as np

from . import Case

CASES = [
    Case("relu", {"type": "relu"}, (6,), (6,)),
    Case("relu_image", {"type": "relu"}, (3, 3, 2), (3, 3, 2)),
    # The random batches are uniform in [0, 1), where ReLU is the identity: negatives by hand.
    Case("relu_negative_hand", {"type": "relu"}, (4,), (4,),
         x=np.array([[-2.0, -0.5, 0.0, 1.5]], np.float32), expected=np.array([[0.0, 0.0, 0.0, 1.5]], np.float32)),
]
