import numpy as np

from . import Case, Invalid

CASES = [
    Case("batchnorm_image", {"type": "batchnorm"}, (5, 5, 3), (5, 5, 3),
         weights={"gamma": np.array([1.5, 0.5, -1.0], np.float32), "beta": np.array([0.1, -0.2, 0.3], np.float32),
                  "moving_mean": np.array([0.4, 0.5, 0.6], np.float32), "moving_variance": np.array([0.05, 0.1, 2.0], np.float32)}),
    Case("batchnorm_vector_torch_defaults", {"type": "batchnorm", "momentum": 0.9, "epsilon": 1e-5}, (6,), (6,),
         weights={"moving_mean": np.full(6, 0.3, np.float32), "moving_variance": np.full(6, 0.2, np.float32)}),
    Case("batchnorm_frozen", {"type": "batchnorm", "trainable": False}, (4, 4, 2), (4, 4, 2),
         weights={"moving_mean": np.array([0.5, -0.5], np.float32), "moving_variance": np.array([0.25, 4.0], np.float32)}),
    # Inference: (x - 1) / sqrt(4 + 0.001) * 2 + 1.
    Case("batchnorm_inference_hand", {"type": "batchnorm"}, (1,), (1,),
         weights={"gamma": np.array([2.0], np.float32), "beta": np.array([1.0], np.float32),
                  "moving_mean": np.array([1.0], np.float32), "moving_variance": np.array([4.0], np.float32)},
         x=np.array([[3.0]], np.float32), expected=np.array([[(3.0 - 1.0) / np.sqrt(4.001) * 2.0 + 1.0]], np.float32)),
]

INVALID = [
    Invalid("batchnorm_momentum_above_one", {"type": "batchnorm", "momentum": 1.5}, (4,), "layers[0].momentum", "maximum"),
    Invalid("batchnorm_zero_epsilon", {"type": "batchnorm", "epsilon": 0}, (4,), "layers[0].epsilon", ""),
    Invalid("batchnorm_rank2", {"type": "batchnorm"}, (4, 4), "layers[0]", "rank 1 or 3"),
]
