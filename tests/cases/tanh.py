from . import Case

CASES = [
    Case("tanh", {"type": "tanh"}, (4, 4, 1), (4, 4, 1)),
]
