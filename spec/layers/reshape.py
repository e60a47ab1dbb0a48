"""reshape: to `target_shape` (batch excluded; one entry may be -1), row-major in the logical
(channels-last) layout, as `tf.reshape` / `keras.layers.Reshape`."""
import math

from .base import LayerType, ShapeError, register


@register
class Reshape(LayerType):
    type = "reshape"
    exact = True
    properties = {
        "target_shape": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "integer", "anyOf": [{"minimum": 1}, {"const": -1}]},
        }
    }
    required = ("target_shape",)
    # From an image, with a -1: row-major over (H, W, C), the size of -1 inferred.
    example = ({"target_shape": [4, -1]}, (2, 3, 4))

    def output_shape(self, cfg, in_shapes):
        target = list(cfg["target_shape"])
        size = math.prod(in_shapes[0])
        if target.count(-1) > 1:
            raise ShapeError("target_shape", "at most one entry may be -1")
        known = math.prod(t for t in target if t != -1)
        if -1 in target:
            if size % known:
                raise ShapeError("target_shape", f"cannot reshape {list(in_shapes[0])} ({size} values) to {target}")
            target[target.index(-1)] = size // known
        elif known != size:
            raise ShapeError("target_shape", f"cannot reshape {list(in_shapes[0])} ({size} values) to {target}")
        return tuple(target)

    def reference(self, cfg, inputs, params, training=False):
        return inputs[0].reshape(len(inputs[0]), *cfg["target_shape"])  # numpy's row-major order
