import numpy as np

from . import Case, Invalid

CASES = [
    Case("conv2d_valid", {"type": "conv2d", "filters": 4, "kernel_size": 3}, (7, 7, 2), (5, 5, 4)),
    Case("conv2d_same_stride1", {"type": "conv2d", "filters": 3, "kernel_size": 3, "padding": "same"}, (6, 6, 2), (6, 6, 3)),
    # TF pads the odd extra row/column bottom/right: torch's symmetric padding cannot express it.
    Case("conv2d_same_stride2_even_input", {"type": "conv2d", "filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
         (8, 8, 2), (4, 4, 3)),
    Case("conv2d_same_stride2_odd_input", {"type": "conv2d", "filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
         (7, 7, 2), (4, 4, 3)),
    Case("conv2d_same_even_kernel", {"type": "conv2d", "filters": 2, "kernel_size": 2, "padding": "same"}, (5, 5, 1), (5, 5, 2)),
    Case("conv2d_rect_kernel_stride", {"type": "conv2d", "filters": 2, "kernel_size": [3, 1], "strides": [2, 1], "padding": "same"},
         (6, 5, 3), (3, 5, 2)),
    Case("conv2d_no_bias_l2", {"type": "conv2d", "filters": 2, "kernel_size": 3, "use_bias": False,
                               "kernel_regularizer": {"l2": 0.001}}, (5, 5, 2), (3, 3, 2)),
    # 4x4 input 1..16, 3x3 ones kernel, stride 2, SAME: total pad 1, all of it bottom/right,
    # so windows cover rows/cols [0:3] and [2:4] + pad. Top/left padding would give
    # [[14, 30], [57, 99]].
    Case(
        "conv2d_same_stride2_hand",
        {"type": "conv2d", "filters": 1, "kernel_size": 3, "strides": 2, "padding": "same",
         "init": {"kernel": {"type": "ones"}}},
        (4, 4, 1),
        (2, 2, 1),
        x=np.arange(1, 17, dtype=np.float32).reshape(1, 4, 4, 1),
        expected=np.array([54.0, 45.0, 72.0, 54.0], np.float32).reshape(1, 2, 2, 1),
    ),
]

INVALID = [
    Invalid("conv2d_negative_filters", {"type": "conv2d", "filters": -1, "kernel_size": 3}, (8, 8, 1), "layers[0].filters", "minimum"),
    Invalid("conv2d_bad_padding", {"type": "conv2d", "filters": 2, "kernel_size": 3, "padding": "full"}, (8, 8, 1),
            "layers[0].padding", "is not one of"),
    Invalid("conv2d_kernel_too_big", {"type": "conv2d", "filters": 2, "kernel_size": 5}, (3, 3, 1), "layers[0].kernel_size", "larger"),
    Invalid("conv2d_on_vector", {"type": "conv2d", "filters": 2, "kernel_size": 1}, (8,), "layers[0]", "rank 3"),
]
