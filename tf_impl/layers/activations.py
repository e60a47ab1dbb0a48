"""relu / sigmoid / tanh / softmax → Keras activation layers."""
from .base import TFLayer, keras_axis, register


@register
class ReLU(TFLayer):
    type = "relu"

    def constructor(self, node):
        return f'layers.ReLU(name="{node.name}")'


@register
class Sigmoid(TFLayer):
    type = "sigmoid"

    def constructor(self, node):
        return f'layers.Activation("sigmoid", name="{node.name}")'


@register
class Tanh(TFLayer):
    type = "tanh"

    def constructor(self, node):
        return f'layers.Activation("tanh", name="{node.name}")'


@register
class Softmax(TFLayer):
    type = "softmax"

    def constructor(self, node):
        axis = keras_axis(node.cfg["axis"])
        return f'layers.Softmax({"" if axis == -1 else f"axis={axis}, "}name="{node.name}")'
