from . import Case, Invalid

CASES = [
    Case("reshape_to_image", {"type": "reshape", "target_shape": [2, 3, 4]}, (24,), (2, 3, 4)),
    Case("reshape_image_to_image", {"type": "reshape", "target_shape": [3, -1, 2]}, (2, 6, 2), (3, 4, 2)),
    Case("reshape_to_matrix", {"type": "reshape", "target_shape": [4, 6]}, (2, 3, 4), (4, 6)),
]

INVALID = [
    Invalid("reshape_wrong_size", {"type": "reshape", "target_shape": [5, 5]}, (24,), "layers[0].target_shape", "cannot reshape"),
    Invalid("reshape_two_wildcards", {"type": "reshape", "target_shape": [-1, -1]}, (24,), "layers[0].target_shape", "-1"),
]
