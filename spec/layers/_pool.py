"""Shared rule of the 2-D pooling layers (maxpool2d, avgpool2d)."""
from ..padding import output_size
from .base import INT_OR_PAIR, PADDING, LayerType, ShapeError, expect_rank, pair


class Pool2D(LayerType):
    properties = {"pool_size": INT_OR_PAIR, "strides": INT_OR_PAIR, "padding": PADDING}
    defaults = {"pool_size": 2, "padding": "valid"}

    def with_defaults(self, cfg):
        cfg = super().with_defaults(cfg)
        return {"strides": cfg["pool_size"], **cfg}  # strides default to pool_size (Keras)

    def output_shape(self, cfg, in_shapes):
        expect_rank(in_shapes[0], 3, self.type)
        h, w, c = in_shapes[0]
        (ph, pw), (sh, sw) = pair(cfg["pool_size"]), pair(cfg["strides"])
        oh, ow = output_size(h, ph, sh, cfg["padding"]), output_size(w, pw, sw, cfg["padding"])
        if oh < 1 or ow < 1:
            raise ShapeError("pool_size", f"pool {[ph, pw]} is larger than the input {[h, w]} with valid padding")
        return (oh, ow, c)
