"""polynomial → `layers.Lambda` concatenating 1, x, x², …: x^0 is written as ones, since TF's pow
gradient for exponent 0 is 0·x⁻¹, NaN at x = 0."""
from .base import TFLayer, register


def powers(var: str, degree: int, ones: str) -> str:
    terms = [ones, var] + [f"{var} ** {k}" for k in range(2, degree)]
    return "[" + ", ".join(terms[:degree]) + "]"


@register
class Polynomial(TFLayer):
    type = "polynomial"

    def constructor(self, node):
        return (f"layers.Lambda(lambda t: ops.concatenate({powers('t', node.cfg['degree'], 'ops.ones_like(t)')}, "
                f'axis=-1), name="{node.name}")')
