"""dropout: in training, zero each element with probability `rate` and scale the rest by
1/(1-rate) (inverted dropout, as both frameworks); identity in inference."""
from .base import LayerType, register


@register
class Dropout(LayerType):
    type = "dropout"
    random_mask = True
    properties = {"rate": {"type": "number", "minimum": 0, "exclusiveMaximum": 1}}
    required = ("rate",)
    example = ({"rate": 0.5}, (6,))

    def output_shape(self, cfg, in_shapes):
        return in_shapes[0]

    def reference(self, cfg, inputs, params, training=False):
        # Identity in inference. A training mask is random: the identity is its expected output, and
        # its exact output at rate 0, the only rate training-mode comparisons run
        # (crosscheck.conformance_inputs.dropout_free).
        return inputs[0]
