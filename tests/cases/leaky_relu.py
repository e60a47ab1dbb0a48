import numpy as np

from . import Case, Invalid

CASES = [
    Case("leaky_relu_default_slope", {"type": "leaky_relu"}, (6,), (6,)),
    Case("leaky_relu_image", {"type": "leaky_relu", "negative_slope": 0.01}, (3, 3, 2), (3, 3, 2)),
    # The random batches are uniform in [0, 1), where the slope never shows: negatives by hand.
    Case("leaky_relu_negative_hand", {"type": "leaky_relu", "negative_slope": 0.1}, (4,), (4,),
         x=np.array([[-2.0, -0.5, 0.0, 1.5]], np.float32), expected=np.array([[-0.2, -0.05, 0.0, 1.5]], np.float32)),
    # Keras' default slope, 0.3, not torch's 0.01: a port that kept torch's default would differ here.
    Case("leaky_relu_keras_default_hand", {"type": "leaky_relu"}, (2,), (2,),
         x=np.array([[-1.0, 2.0]], np.float32), expected=np.array([[-0.3, 2.0]], np.float32)),
]

INVALID = [
    Invalid("leaky_relu_negative_slope", {"type": "leaky_relu", "negative_slope": -0.1}, (4,),
            "layers[0].negative_slope", "minimum"),
]
