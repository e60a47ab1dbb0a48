import numpy as np

from . import Case

CASES = [
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
