from . import Case, Invalid

CASES = [
    Case("concat_channels", {"type": "concat"}, (3, 3, 2), (3, 3, 4)),
    Case("concat_height", {"type": "concat", "axis": 0}, (3, 4, 2), (6, 4, 2)),
    Case("concat_vectors", {"type": "concat"}, (4,), (8,)),
]

INVALID = [
    Invalid("concat_axis_out_of_range", {"type": "concat", "axis": 3}, (3, 3, 2), "layers[2].axis", "out of range"),
]
