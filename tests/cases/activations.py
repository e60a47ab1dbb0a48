import numpy as np

from . import Case

CASES = [
    Case("relu", {"type": "relu"}, (6,), (6,)),
    Case("relu_image", {"type": "relu"}, (3, 3, 2), (3, 3, 2)),
    # The random batches are uniform in [0, 1), where ReLU is the identity: negatives by hand.
    Case("relu_negative_hand", {"type": "relu"}, (4,), (4,),
         x=np.array([[-2.0, -0.5, 0.0, 1.5]], np.float32), expected=np.array([[0.0, 0.0, 0.0, 1.5]], np.float32)),
    Case("sigmoid", {"type": "sigmoid"}, (6,), (6,)),
    Case("tanh", {"type": "tanh"}, (4, 4, 1), (4, 4, 1)),
    Case("softmax", {"type": "softmax"}, (10,), (10,)),
    # Softmax over the channels axis of an image: torch's dim=1 inside, -1 in the spec.
    Case("softmax_channels", {"type": "softmax"}, (3, 3, 4), (3, 3, 4)),
    Case("softmax_axis1_image", {"type": "softmax", "axis": 1}, (3, 5, 2), (3, 5, 2)),
    Case(
        "softmax_hand",
        {"type": "softmax"},
        (3,),
        (3,),
        x=np.array([[0.0, np.log(2.0), np.log(5.0)]], np.float32),
        expected=np.array([[0.125, 0.25, 0.625]], np.float32),
    ),
]
