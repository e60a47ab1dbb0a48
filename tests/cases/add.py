from . import Case

CASES = [
    Case("add_vectors", {"type": "add"}, (5,), (5,)),
    Case("add_images", {"type": "add"}, (3, 3, 2), (3, 3, 2)),
]
