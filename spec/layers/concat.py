"""concat: join two or more inputs along `axis` (logical layout, batch excluded: 0 is H of an
(H, W, C) tensor; default -1 = channels); all other dimensions must match."""
import numpy as np

from .base import AlongAxis, LayerType, ShapeError, batched_axis, register


@register
class Concat(AlongAxis, LayerType):
    type = "concat"
    arity = None
    exact = True

    def output_shape(self, cfg, in_shapes):
        rank = len(in_shapes[0])
        axis = cfg["axis"]
        if not -rank <= axis < rank:
            raise ShapeError("axis", f"axis {axis} is out of range for rank {rank}")
        axis %= rank
        for s in in_shapes:
            if len(s) != rank or any(a != b for i, (a, b) in enumerate(zip(s, in_shapes[0])) if i != axis):
                raise ShapeError("inputs", f"concat on axis {cfg['axis']} needs matching shapes, got {[list(s) for s in in_shapes]}")
        return tuple(sum(s[axis] for s in in_shapes) if i == axis else d for i, d in enumerate(in_shapes[0]))

    def reference(self, cfg, inputs, params, training=False):
        return np.concatenate(inputs, axis=batched_axis(cfg["axis"]))
