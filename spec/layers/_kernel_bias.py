"""The family base of the layers with a `kernel` and an optional `bias` (`use_bias`): dense and
conv2d. Keras' defaults: kernel glorot_uniform, bias zeros."""
from .base import LayerType


class _KernelBias(LayerType):
    sum_of_products = True
    params = ("kernel", "bias")

    def kernel_shape(self, cfg, in_shapes) -> tuple:
        raise NotImplementedError

    def param_shapes(self, cfg, in_shapes):
        kernel = self.kernel_shape(cfg, in_shapes)
        return {"kernel": kernel, "bias": (kernel[-1],)} if cfg["use_bias"] else {"kernel": kernel}

    def active_params(self, cfg):
        return self.params if cfg["use_bias"] else ("kernel",)

    def default_init(self, param):
        return {"type": "glorot_uniform"} if param == "kernel" else {"type": "zeros"}
