from . import Case

CASES = [
    Case("sigmoid", {"type": "sigmoid"}, (6,), (6,)),
]
