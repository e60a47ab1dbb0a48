from . import Case, Invalid

# Inference mode: identity in both twins (training-mode masks are checked by the training harness).
CASES = [
    Case("dropout_vector", {"type": "dropout", "rate": 0.5}, (6,), (6,)),
    Case("dropout_image", {"type": "dropout", "rate": 0.2}, (3, 3, 2), (3, 3, 2)),
]

INVALID = [
    Invalid("dropout_rate_one", {"type": "dropout", "rate": 1.0}, (6,), "layers[0].rate", "maximum"),
    Invalid("dropout_missing_rate", {"type": "dropout"}, (6,), "layers[0]", "rate"),
]
