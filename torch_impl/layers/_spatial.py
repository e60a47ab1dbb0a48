"""What the spatial layers' translations share (conv2d, maxpool2d, avgpool2d): TensorFlow's padding
as torch arguments, and the pooling window arguments."""
from spec.layers.base import pair
from spec.padding import same_padding


def spatial_pads(node, kernel, strides) -> tuple[int, int, int, int]:
    """(left, right, top, bottom) of TF's padding for this node's input."""
    if node.cfg["padding"] != "same":
        return (0, 0, 0, 0)
    h, w = node.in_shapes[0][:2]
    (kh, kw), (sh, sw) = pair(kernel), pair(strides)
    top, bottom = same_padding(h, kh, sh)
    left, right = same_padding(w, kw, sw)
    return (left, right, top, bottom)



def symmetric(pads) -> bool:
    left, right, top, bottom = pads
    return left == right and top == bottom



def pool_args(node) -> str:
    k, s = pair(node.cfg["pool_size"]), pair(node.cfg["strides"])
    ks = k[0] if k[0] == k[1] else k
    ss = s[0] if s[0] == s[1] else s
    return f"{ks}" if ks == ss else f"{ks}, stride={ss}"
