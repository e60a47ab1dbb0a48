"""A user's ONNX model → a spec in our format plus its weights in the neutral format, so that both
generated twins can be proven equal to it.

The graph is read node by node (ONNX graphs are topologically sorted). Every tensor on the data
path is a spec value *as the graph holds it*: the spec layer whose output it is, that output's
logical shape (channels last, `spec/SEMANTICS.md`), and its physical layout — the logical tensor
transposed by `perm` and reshaped to `phys`. Layout ops (Transpose; a Reshape, Squeeze or
Unsqueeze that only moves size-1 axes; Identity, inference Dropout) change the layout, never the
spec. Ops that read a layout (Conv, pooling, BatchNormalization take channels at axis 1; Softmax,
Concat, Reduce* and broadcasting constants name physical axes) are mapped through it, so torch's
NCHW graphs and tf2onnx's NHWC graphs with Transposes around each conv become the same spec.
Flattening a tensor that is not in logical order (an NCHW flatten) gives the spec's flatten plus
the order of the elements the graph actually has; a dense layer that reads it gets its kernel rows
permuted into the spec's order (`_rows_in_logical_order`), anything else that reads it is refused.

Tensors computed from constants and shapes (the flatten's Shape→Gather→Slice→Concat, a
`ones_like`) are evaluated by `onnx.reference` at two batch sizes: an entry that differs between
the two is the batch dimension. Patterns the exporters emit for one spec layer are folded back:
Conv/MatMul/Gemm followed by the Add of a constant per-channel vector (the bias), Mul and Add by
per-channel constants (tf2onnx's inference batchnorm; the spec's batchnorm with mean 0, variance 1),
a Pad before a pooling (torch's SAME padding), a zero Pad + AveragePool counting the padding +
Div by the real cells' share (torch's uneven SAME average pooling), Concat of ones, x and Pow(x, k)
(the polynomial layer).

Before anything is written, every node the converter cannot map is listed (op type, name, why):
first every node on the data path whose op type has no spec counterpart, then what the walk finds
in the others (attributes, layouts). A rank-4 input is taken as channels last, or as channels
first (a torch model's NCHW input) when only that reading converts; the spec's input and output
are logical, and the on-the-spot check moves the original's tensors to its own layout.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from spec.layers import ShapeError, registry
from spec.padding import same_padding

from .errors import UserError
from .spec_import import Names, identifier

B1, B2 = 2, 3  # shape arithmetic is evaluated at these two batch sizes: entries that differ are the batch
UNARY = {"Relu", "Sigmoid", "Tanh", "LeakyRelu", "Softmax"}
PASS_THROUGH = {"Identity", "Dropout", "Cast"}
LAYOUT_OPS = {"Transpose", "Reshape", "Flatten", "Squeeze", "Unsqueeze"}
DATA_OPS = (UNARY | PASS_THROUGH | LAYOUT_OPS
            | {"Conv", "MatMul", "Gemm", "Add", "Sub", "Mul", "Div", "BatchNormalization", "MaxPool", "AveragePool",
               "GlobalAveragePool", "ReduceMean", "ReduceSum", "Pad", "Concat", "Pow"})
SHAPE_OPS = {"Shape", "Size"}  # their outputs do not depend on the data, only on its (batch) size
NCHW = (0, 3, 1, 2)


class Unsupported(Exception):
    """What one node's conversion cannot express, in one phrase."""


# -- what an ONNX tensor is ---------------------------------------------------------------------
@dataclass(frozen=True)
class Tensor:
    """A spec value as the graph holds it: physical = reshape(transpose(logical, perm), phys).
    `order` (vectors only): physical element j is logical element order[j]."""
    name: str
    shape: tuple  # logical, batch excluded
    perm: tuple  # over the logical axes, batch (0) included
    phys: tuple  # physical shape, batch excluded
    order: np.ndarray | None = None

    @property
    def full(self) -> tuple:
        return (None, *self.shape)  # None: the batch, never a size-1 axis


@dataclass(frozen=True)
class Const:
    """A tensor computed from constants and shapes: its value at batch B1 and at batch B2."""
    a: np.ndarray
    b: np.ndarray

    @property
    def fixed(self) -> bool:
        return self.a.shape == self.b.shape and np.array_equal(self.a, self.b)


@dataclass(frozen=True)
class Power:
    """x**k: only a polynomial's Concat reads it."""
    base: Tensor
    k: int


@dataclass(frozen=True)
class Padded:
    """A constant Pad of the spatial axes (top, bottom, left, right), not yet materialised: a
    pooling folds it into its own padding; anything else reads it as a zeropad2d (value 0)."""
    base: Tensor
    pads: tuple
    value: float


@dataclass(frozen=True)
class CountedAverage:
    """An average pooling that counted padded zeros (AveragePool, count_include_pad, after a zero
    Pad): torch's uneven SAME average pooling when a Div by the real cells' share follows."""
    base: Tensor
    pads: tuple
    kernel: tuple
    strides: tuple


def _full_perm(t: Tensor) -> tuple | None:
    """A perm q with physical == transpose(logical, q) exactly (size-1 axes may go anywhere), or None
    when the physical rank differs from the logical one."""
    if t.order is not None or len(t.phys) != len(t.shape):
        return None
    big = [p for p in t.perm if t.full[p] != 1]
    ones = sorted(p for p in t.perm if t.full[p] == 1)
    phys_full = (None, *t.phys)
    q = []
    for d in phys_full:
        if d == 1:
            if not ones:
                return None
            q.append(ones.pop(0))
        else:
            if not big or t.full[big[0]] != d:
                return None
            q.append(big.pop(0))
    return tuple(q)


def _in_order(t: Tensor) -> bool:
    """True when the physical elements are in logical (row-major, channels last) order."""
    big = [p for p in t.perm if t.full[p] != 1]
    return t.order is None and big == sorted(big)


def _logical(t: Tensor, phys_axis: int, what: str) -> int:
    q = _full_perm(t)
    if q is None:
        raise Unsupported(f"{what} on a tensor whose axes cannot be told apart here")
    axis = q[phys_axis % (len(t.phys) + 1)]
    if axis == 0:
        raise Unsupported(f"{what} over the batch axis")
    return axis


# -- the converter ------------------------------------------------------------------------------
class _Converter:
    def __init__(self, model, channels_first_input: bool):
        from onnx import numpy_helper

        self.model = model
        g = model.graph
        self.consts = {i.name: numpy_helper.to_array(i) for i in g.initializer}
        self.values: dict[str, object] = {}
        self.layers: list[dict] = []
        self.weights: dict[str, np.ndarray] = {}
        self.producer: dict[str, dict] = {}  # ONNX tensor → the spec layer its node made
        self.consumers: dict[str, int] = {}
        for n in g.node:
            for i in n.input:
                self.consumers[i] = self.consumers.get(i, 0) + 1
        for o in g.output:
            self.consumers[o.name] = self.consumers.get(o.name, 0) + 1
        self.names = Names()
        self.counts: dict[str, int] = {}
        self.problems: list[str] = []
        self.materialised: dict[int, Tensor] = {}
        (inp,) = real_inputs(model)
        dims = _dims(inp)
        self.batch = dims[0] if isinstance(dims[0], int) else None
        shape = tuple(dims[1:])
        self.input_name = self.names.fresh(inp.name)
        if channels_first_input:
            c, h, w = shape
            self.input = Tensor(self.input_name, (h, w, c), NCHW, shape)
        else:
            self.input = Tensor(self.input_name, shape, tuple(range(len(shape) + 1)), shape)
        self.values[inp.name] = self.input

    # spec layers
    def layer(self, type_: str, inputs: list[Tensor], base: str | None = None, **cfg) -> tuple[dict, tuple]:
        definition = registry()[type_]
        try:
            out = definition.output_shape(definition.with_defaults(cfg), [t.shape for t in inputs])
        except ShapeError as e:
            raise Unsupported(f"{type_}: {e}") from None
        if base is None:
            self.counts[type_] = self.counts.get(type_, 0) + 1
            base = f"{type_}_{self.counts[type_]}"
        layer = {"name": self.names.fresh(base), "type": type_, **cfg}
        names = [t.name for t in inputs]
        previous = self.layers[-1]["name"] if self.layers else self.input_name
        if names != [previous]:
            layer["inputs"] = names
        self.layers.append(layer)
        return layer, out

    def const(self, name: str) -> np.ndarray:
        v = self.values.get(name) if name else None
        if name in self.consts:
            return self.consts[name]
        if isinstance(v, Const) and v.fixed:
            return v.a
        raise Unsupported(f"input {name!r} must be a constant")

    def tensor(self, name: str) -> Tensor:
        """The spec value an input holds, materialising a pending Pad or counted average."""
        v = self.values[name]
        if isinstance(v, Padded) and v.value != 0:
            raise Unsupported(f"padding with {v.value} outside a max pooling")
        if isinstance(v, (Padded, CountedAverage)):  # one spec layer (or two) however many nodes read it
            if id(v) not in self.materialised:
                padded = self.zeropad(v.base, v.pads)
                self.materialised[id(v)] = (padded if isinstance(v, Padded)
                                            else self.pool("avgpool2d", padded, v.kernel, v.strides, "valid"))
            return self.materialised[id(v)]
        if isinstance(v, Power):
            raise Unsupported("Pow is only read as part of a polynomial (Concat of 1, x, x**2, …)")
        if isinstance(v, Const):
            raise Unsupported("a constant where the data was expected")
        return v

    def zeropad(self, t: Tensor, pads: tuple) -> Tensor:
        top, bottom, left, right = pads
        layer, out = self.layer("zeropad2d", [t], padding=[[top, bottom], [left, right]])
        return self.like(t, layer["name"], out)

    @staticmethod
    def nchw(name: str, shape: tuple) -> Tensor:
        h, w, c = shape
        return Tensor(name, shape, NCHW, (c, h, w))

    @staticmethod
    def like(t: Tensor, name: str, shape: tuple | None = None) -> Tensor:
        """A new spec value laid out as `t`; `shape` when the layer changes it (on the same axes)."""
        if shape is None or shape == t.shape:
            return replace(t, name=name)
        q = _full_perm(t) or t.perm
        return Tensor(name, shape, q, tuple((None, *shape)[p] for p in q[1:]))

    def spatial_nchw(self, name: str, what: str) -> Tensor:
        t = self.tensor(name)
        if len(t.shape) != 3 or _full_perm(t) is None or not _same_tensor(t, NCHW):
            raise Unsupported(f"{what} needs NCHW data (channels at axis 1) of an image")
        return t

    # the walk
    def run(self, skip: set[int]) -> None:
        for i, node in enumerate(self.model.graph.node):
            if i in skip or not all(x in self.values or x in self.consts or not x for x in node.input):
                continue  # an unsupported op (already listed) or fed by one
            try:
                self.node(node)
            except Unsupported as e:
                self.problems.append(f"{describe(node, i)}: {e}")

    def node(self, node) -> None:
        ins = list(node.input)
        data = [x for x in ins if x in self.values and not isinstance(self.values[x], Const)]
        if not data or node.op_type in SHAPE_OPS:  # constants and shapes only
            self.values.update(zip(node.output, self.evaluate(node)))
            return
        attrs = _attributes(node)
        op = node.op_type
        out = node.output[0]
        if len(node.output) > 1 and any(self.consumers.get(o) for o in node.output[1:]):
            raise Unsupported("only its first output can be read")
        v = getattr(self, f"op_{op}", None)
        if v is None:
            raise Unsupported("no spec layer type for it")
        result = v(node, ins, attrs)
        self.values[out] = result

    def evaluate(self, node) -> list[Const]:
        from onnx.reference import ReferenceEvaluator

        def feed(x, second: bool):
            v = self.values.get(x)
            if x in self.consts:
                return self.consts[x]
            if isinstance(v, Const):
                return v.b if second else v.a
            if not isinstance(v, Tensor):
                raise Unsupported(f"reads the shape of {x!r}, which is not a plain tensor")
            batch = self.batch or (B2 if second else B1)
            return np.empty((batch, *v.phys), np.float32)  # only its shape is read (Shape, Size)

        try:
            ev = ReferenceEvaluator(node)
            a, b = (ev.run(None, {x: feed(x, second) for x in node.input if x}) for second in (False, True))
        except Unsupported:
            raise
        except Exception as e:  # the reference implementation lacks the op, or it fails on these inputs
            why = str(e).strip().splitlines()[0] if str(e).strip() else ""
            raise Unsupported(f"cannot evaluate it on constants: {type(e).__name__}: {why}") from None
        return [Const(np.asarray(x), np.asarray(y)) for x, y in zip(a, b)]

    # layout ops
    def op_Identity(self, node, ins, attrs):
        return self.values[ins[0]]

    def op_Dropout(self, node, ins, attrs):
        if len(ins) > 2 and ins[2] and bool(self.const(ins[2]).reshape(())):
            raise Unsupported("dropout in training mode")
        return self.values[ins[0]]

    def op_Cast(self, node, ins, attrs):
        from onnx import TensorProto

        if attrs["to"] != TensorProto.FLOAT:
            raise Unsupported("a cast of the data to another type than float32")
        return self.values[ins[0]]

    def op_Transpose(self, node, ins, attrs):
        v = self.values[ins[0]]
        if isinstance(v, Power):  # tf2onnx moves transposes across Pow: x**k moved is (x moved)**k
            return Power(_transposed(v.base, attrs.get("perm")), v.k)
        return _transposed(self.tensor(ins[0]), attrs.get("perm"))

    def op_Reshape(self, node, ins, attrs):
        t = self.tensor(ins[0])
        target = self.shape_operand(ins[1], t, allow_zero=not attrs.get("allowzero", 0))
        return self.reshaped(t, target)

    def op_Flatten(self, node, ins, attrs):
        t = self.tensor(ins[0])
        if attrs.get("axis", 1) != 1:
            raise Unsupported("a flatten that does not keep the batch axis alone")
        return self.reshaped(t, (math.prod(t.phys),))

    def op_Squeeze(self, node, ins, attrs):
        t = self.tensor(ins[0])
        axes = attrs.get("axes") if "axes" in attrs else (self.const(ins[1]).tolist() if len(ins) > 1 and ins[1] else None)
        full = (None, *t.phys)
        axes = {a % len(full) for a in axes} if axes is not None else {i for i, d in enumerate(full) if d == 1}
        if 0 in axes:
            raise Unsupported("a squeeze of the batch axis")
        return self.reshaped(t, tuple(d for i, d in enumerate(full) if i not in axes)[1:])

    def op_Unsqueeze(self, node, ins, attrs):
        t = self.tensor(ins[0])
        axes = attrs["axes"] if "axes" in attrs else self.const(ins[1]).tolist()
        rank = len(t.phys) + 1 + len(axes)
        axes = sorted(a % rank for a in axes)
        if 0 in axes:
            raise Unsupported("an unsqueeze in front of the batch axis")
        dims = list(t.phys)
        for a in axes:
            dims.insert(a - 1, 1)
        return self.reshaped(t, tuple(dims))

    def shape_operand(self, name: str, t: Tensor, allow_zero: bool) -> tuple:
        """A Reshape's target shape without the batch dimension, resolved (0 copies, -1 infers)."""
        v = self.values.get(name)
        if name in self.consts:
            a = b = self.consts[name]
        elif isinstance(v, Const):
            a, b = v.a, v.b
        else:
            raise Unsupported("a target shape computed from the data")
        a, b = [int(x) for x in np.ravel(a)], [int(x) for x in np.ravel(b)]
        size = math.prod(t.phys)
        dims = []
        for i, (x, y) in enumerate(zip(a, b)):
            if x == 0 and allow_zero:
                x = y = ((self.batch or B1), *t.phys)[i] if i else "batch"
            if i == 0:
                if x == "batch" or (x, y) == (B1, B2) or (self.batch is not None and x == self.batch):
                    continue
                if x == -1 and all(d > 0 for d in a[1:]) and math.prod(a[1:]) == size:
                    continue
                raise Unsupported("a reshape that does not keep the batch as the first axis")
            if x != y:
                raise Unsupported("a reshape whose size depends on the batch in another way")
            dims.append(x)
        if dims.count(-1) == 1:
            known = math.prod(d for d in dims if d != -1)
            dims[dims.index(-1)] = size // known if known and size % known == 0 else -1
        if -1 in dims or math.prod(dims) != size:
            raise Unsupported(f"a reshape to {dims} of {list(t.phys)} elements per sample")
        return tuple(dims)

    def reshaped(self, t: Tensor, target: tuple) -> Tensor:
        """The same spec value in a new physical shape when only size-1 axes move; otherwise the
        spec's flatten (or reshape) of it."""
        big = [t.full[p] for p in t.perm[1:] if t.full[p] != 1]
        if len(target) == len(t.shape) and t.order is None and big == [d for d in target if d != 1]:
            return replace(t, phys=target)
        if len(target) == 1 and len(t.shape) == 1 and t.order is not None:
            return t
        if len(target) == 1:
            layer, out = self.layer("flatten", [t])
            if _in_order(t):
                return Tensor(layer["name"], out, (0, 1), out)
            axes = [p - 1 for p in t.perm[1:]]
            order = np.arange(out[0]).reshape(t.shape).transpose(axes).ravel()
            return Tensor(layer["name"], out, (0, 1), out, order)
        if not _in_order(t):
            raise Unsupported("a reshape of data that is not in channels-last order")
        layer, out = self.layer("reshape", [t], target_shape=list(target))
        return Tensor(layer["name"], out, tuple(range(len(out) + 1)), out)

    # layers
    def unary(self, type_, node, ins, **cfg):
        t = self.tensor(ins[0])
        layer, _ = self.layer(type_, [t], **cfg)
        self.producer[node.output[0]] = layer
        return self.like(t, layer["name"])

    def op_Relu(self, node, ins, attrs):
        return self.unary("relu", node, ins)

    def op_Sigmoid(self, node, ins, attrs):
        return self.unary("sigmoid", node, ins)

    def op_Tanh(self, node, ins, attrs):
        return self.unary("tanh", node, ins)

    def op_LeakyRelu(self, node, ins, attrs):
        return self.unary("leaky_relu", node, ins, negative_slope=_float32(attrs.get("alpha", 0.01)))

    def op_Softmax(self, node, ins, attrs):
        t = self.tensor(ins[0])
        if self.opset() < 13:
            raise Unsupported("Softmax before opset 13 (it flattens the axes after `axis`)")
        if t.order is not None:
            raise Unsupported("softmax over data that is not in channels-last order")
        axis = _logical(t, attrs.get("axis", -1), "softmax")
        cfg = {} if axis == len(t.shape) else {"axis": axis - 1}
        return self.unary("softmax", node, ins, **cfg)

    def opset(self) -> int:
        return next((o.version for o in self.model.opset_import if o.domain in ("", "ai.onnx")), 1)

    def op_Conv(self, node, ins, attrs):
        t = self.spatial_nchw(ins[0], "Conv")
        w = self.const(ins[1]).astype(np.float32)
        if attrs.get("group", 1) != 1 or any(d != 1 for d in attrs.get("dilations", [1, 1])):
            raise Unsupported("grouped or dilated convolution")
        if w.ndim != 4:
            raise Unsupported("a convolution that is not 2-D")
        kernel = tuple(w.shape[2:])
        strides = tuple(attrs.get("strides", [1, 1]))
        t, padding = self.padding(t, kernel, strides, attrs, pads_allowed=True)
        layer, out = self.layer("conv2d", [t], _layer_base(ins[1]), filters=int(w.shape[0]), kernel_size=_pair(kernel),
                                strides=_pair(strides), padding=padding, use_bias=len(ins) > 2 and bool(ins[2]))
        self.weights[f"{layer['name']}.kernel"] = _conv_kernel(w)
        if layer["use_bias"]:
            self.weights[f"{layer['name']}.bias"] = self.const(ins[2]).astype(np.float32)
        self.producer[node.output[0]] = layer
        return self.nchw(layer["name"], out)

    def padding(self, t: Tensor, kernel, strides, attrs, pads_allowed: bool, extra=(0, 0, 0, 0)):
        """(input, "same" | "valid") for a conv/pool's `pads`/`auto_pad` plus `extra` (t, b, l, r); an
        explicit other padding becomes a zeropad2d in front when `pads_allowed`."""
        h, w, _ = t.shape
        pads = tuple(x + y for x, y in zip(_own_pads(t, kernel, strides, attrs), extra))
        if not any(pads):
            return t, "valid"
        if pads == (*same_padding(h, kernel[0], strides[0]), *same_padding(w, kernel[1], strides[1])):
            return t, "same"
        if not pads_allowed:
            raise Unsupported(f"padding {list(pads)} (top, bottom, left, right) is neither none nor TensorFlow's SAME split")
        return self.zeropad(t, pads), "valid"

    def pool(self, type_, t: Tensor, kernel, strides, padding) -> Tensor:
        layer, out = self.layer(type_, [t], pool_size=_pair(kernel), strides=_pair(strides), padding=padding)
        return self.nchw(layer["name"], out)

    def pool_input(self, name: str, what: str) -> tuple[Tensor, tuple, float | None]:
        """(input, padding of a Pad to fold in, its value or None)."""
        v = self.values[name]
        if isinstance(v, Padded) and self.consumers.get(name) == 1 and _same_tensor(v.base, NCHW):
            return v.base, v.pads, v.value
        return self.spatial_nchw(name, what), (0, 0, 0, 0), None

    def pool_attrs(self, attrs, what: str):
        if attrs.get("ceil_mode", 0) or any(d != 1 for d in attrs.get("dilations", [1, 1])):
            raise Unsupported(f"{what} with ceil_mode or dilations")
        kernel = tuple(attrs["kernel_shape"])
        if len(kernel) != 2:
            raise Unsupported(f"{what} that is not 2-D")
        return kernel, tuple(attrs.get("strides", [1, 1]))

    def op_MaxPool(self, node, ins, attrs):
        kernel, strides = self.pool_attrs(attrs, "max pooling")
        t, extra, value = self.pool_input(ins[0], "MaxPool")
        if value is not None and value != -np.inf:
            t, extra = self.tensor(ins[0]), (0, 0, 0, 0)  # padded with a number: it is data
        t, padding = self.padding(t, kernel, strides, attrs, pads_allowed=False, extra=extra)
        return self.pool("maxpool2d", t, kernel, strides, padding)

    def op_AveragePool(self, node, ins, attrs):
        kernel, strides = self.pool_attrs(attrs, "average pooling")
        t, extra, value = self.pool_input(ins[0], "AveragePool")
        if value is not None and value != 0:
            raise Unsupported(f"average pooling after padding with {value}")
        own = _own_pads(t, kernel, strides, attrs)
        if any(extra) and any(own):
            raise Unsupported("average pooling padded both by a Pad and by its own pads")
        if any(extra) or (attrs.get("count_include_pad", 0) and any(own)):  # padded zeros are counted
            return CountedAverage(t, extra if any(extra) else own, kernel, strides)
        t, padding = self.padding(t, kernel, strides, attrs, pads_allowed=False)
        return self.pool("avgpool2d", t, kernel, strides, padding)

    def op_GlobalAveragePool(self, node, ins, attrs):
        t = self.spatial_nchw(ins[0], "GlobalAveragePool")
        layer, out = self.layer("global_avgpool2d", [t])
        return Tensor(layer["name"], out, (0, 1), (*out, 1, 1))

    def reduce_axes(self, node, ins, attrs, t: Tensor) -> tuple[set, bool]:
        if "axes" in attrs:
            axes = attrs["axes"]
        elif len(ins) > 1 and ins[1]:
            axes = self.const(ins[1]).tolist()
        elif attrs.get("noop_with_empty_axes", 0):
            raise Unsupported("a reduction over no axis")
        else:
            axes = list(range(len(t.phys) + 1))
        return {_logical(t, a, node.op_type) for a in axes}, bool(attrs.get("keepdims", 1))

    def op_ReduceMean(self, node, ins, attrs):
        t = self.tensor(ins[0])
        axes, keep = self.reduce_axes(node, ins, attrs, t)
        if len(t.shape) != 3 or axes != {1, 2}:
            raise Unsupported("a mean over other axes than an image's height and width")
        layer, out = self.layer("global_avgpool2d", [t])
        q = _full_perm(t)
        phys = tuple(1 if q[i] in (1, 2) else d for i, d in enumerate(t.phys, 1)) if keep else out
        return Tensor(layer["name"], out, (0, 1), phys)

    def op_ReduceSum(self, node, ins, attrs):
        t = self.tensor(ins[0])
        axes, keep = self.reduce_axes(node, ins, attrs, t)
        if axes != {len(t.shape)} or not keep or t.order is not None:
            raise Unsupported("a sum over other axes than the channels, or without keepdims")
        layer, out = self.layer("sum", [t])
        self.producer[node.output[0]] = layer
        return self.like(t, layer["name"], out)

    def op_BatchNormalization(self, node, ins, attrs):
        t = self.tensor(ins[0])
        if attrs.get("training_mode", 0):
            raise Unsupported("batch normalisation in training mode")
        gamma, beta, mean, var = (self.const(x).astype(np.float32) for x in ins[1:5])
        params = [self.channel_vector(t, a, 1) for a in (gamma, beta, mean, var)]
        layer, out = self.layer("batchnorm", [t], _layer_base(ins[1]), momentum=_float32(attrs.get("momentum", 0.9)),
                                epsilon=_float32(attrs.get("epsilon", 1e-5)))
        for p, a in zip(("gamma", "beta", "moving_mean", "moving_variance"), params):
            self.weights[f"{layer['name']}.{p}"] = a
        self.producer[node.output[0]] = layer
        return self.like(t, layer["name"])

    def channel_vector(self, t: Tensor, c: np.ndarray, at: int | None = None) -> np.ndarray:
        """A constant that varies at most along `t`'s channels, as a (C,) vector in logical order.
        `at`: the physical axis where a 1-D constant lies (BatchNormalization: 1); otherwise
        numpy broadcasting against the physical tensor decides."""
        channels = t.shape[-1]
        full = (None, *t.phys)
        if at is not None:
            c = c.reshape((1,) * at + (-1,) + (1,) * (len(full) - at - 1))
        if c.ndim > len(full):
            raise Unsupported("a constant of higher rank than the data")
        cs = (1,) * (len(full) - c.ndim) + c.shape
        varying = [i for i, d in enumerate(cs) if d != 1]
        if not varying:
            return np.full(channels, c.reshape(()), np.float32)
        if len(varying) == 1 and varying[0] > 0 and cs[varying[0]] == full[varying[0]]:
            v = c.reshape(-1).astype(np.float32)
            if t.order is not None:
                logical = np.empty_like(v)
                logical[t.order] = v
                return logical
            q = _full_perm(t)
            if q is not None and q[varying[0]] == len(t.shape):
                return v
        raise Unsupported(f"a constant of shape {list(c.shape)} that does not vary along the channels only")

    def op_MatMul(self, node, ins, attrs):
        t = self.tensor(ins[0])
        w = self.const(ins[1]).astype(np.float32)
        return self.dense(node, t, w, None, _layer_base(ins[1]))

    def op_Gemm(self, node, ins, attrs):
        t = self.tensor(ins[0])
        if attrs.get("transA", 0):
            raise Unsupported("Gemm with transA")
        w = self.const(ins[1]).astype(np.float64) * attrs.get("alpha", 1.0)
        w = w.T if attrs.get("transB", 0) else w
        bias = None
        if len(ins) > 2 and ins[2]:
            bias = np.broadcast_to(self.const(ins[2]) * attrs.get("beta", 1.0), (w.shape[1],))
        return self.dense(node, t, w.astype(np.float32), bias, _layer_base(ins[1]))

    def dense(self, node, t: Tensor, kernel: np.ndarray, bias, base) -> Tensor:
        if len(t.shape) != 1 or kernel.ndim != 2 or kernel.shape[0] != t.shape[0]:
            raise Unsupported(f"a matrix product of {list(t.phys)} data with a {list(kernel.shape)} constant (dense needs vectors)")
        if t.order is not None:
            kernel = _rows_in_logical_order(kernel, t.order)
        layer, out = self.layer("dense", [t], base, units=int(kernel.shape[1]), use_bias=bias is not None)
        self.weights[f"{layer['name']}.kernel"] = kernel
        if bias is not None:
            self.weights[f"{layer['name']}.bias"] = np.array(bias, np.float32)
        self.producer[node.output[0]] = layer
        return Tensor(layer["name"], out, (0, 1), out)

    def op_Pad(self, node, ins, attrs):
        t = self.tensor(ins[0])
        mode = attrs.get("mode", b"constant")
        if (mode.decode() if isinstance(mode, bytes) else mode) != "constant":
            raise Unsupported(f"padding mode {mode!r} (only constant)")
        pads = [int(p) for p in (attrs["pads"] if "pads" in attrs else self.const(ins[1]))]
        value = float(attrs.get("value", 0.0))
        if len(ins) > 2 and ins[2]:
            value = float(self.const(ins[2]).reshape(()))
        rank = len(t.phys) + 1
        axes = list(range(rank))
        if len(ins) > 3 and ins[3]:
            axes = [int(a) % rank for a in self.const(ins[3])]
        before, after = dict(zip(axes, pads[:len(axes)])), dict(zip(axes, pads[len(axes):]))
        q = _full_perm(t)
        if len(t.shape) != 3 or q is None or min(pads) < 0:
            raise Unsupported("padding that is not of an image's height and width")
        by_logical = {q[a]: (before.get(a, 0), after.get(a, 0)) for a in range(rank)}
        if by_logical[0] != (0, 0) or by_logical[3] != (0, 0):
            raise Unsupported("padding of the batch or channel axis")
        return Padded(t, (*by_logical[1], *by_logical[2]), value)

    def op_Mul(self, node, ins, attrs):
        t, c, _ = self.data_and_const(ins, "Mul")
        return self.affine(node, t, scale=self.channel_vector(t, c))

    def op_Div(self, node, ins, attrs):
        v = self.values[ins[0]]
        c = self.const(ins[1]) if ins[1] in self.consts or isinstance(self.values.get(ins[1]), Const) else None
        if isinstance(v, CountedAverage) and c is not None and self.consumers.get(ins[0]) == 1:
            t = self.counted_average_share(v, c)
            if t is not None:
                return t
        t, c, first = self.data_and_const(ins, "Div")
        if not first:
            raise Unsupported("a constant divided by the data")
        return self.affine(node, t, scale=1 / self.channel_vector(t, c).astype(np.float64))

    def op_Add(self, node, ins, attrs):
        if all(x in self.values and not isinstance(self.values[x], Const) for x in ins):
            a, b = self.tensor(ins[0]), self.tensor(ins[1])
            if not (_same_layout(a, b)):
                raise Unsupported("an addition of tensors laid out differently")
            layer, out = self.layer("add", [a, b])
            self.producer[node.output[0]] = layer
            return self.like(a, layer["name"], out)
        t, c, _ = self.data_and_const(ins, "Add")
        return self.affine(node, t, shift=self.channel_vector(t, c), source=ins[0] if ins[0] in self.values else ins[1])

    def op_Sub(self, node, ins, attrs):
        t, c, first = self.data_and_const(ins, "Sub")
        if not first:
            raise Unsupported("a constant minus the data")
        return self.affine(node, t, shift=-self.channel_vector(t, c), source=ins[0])

    def data_and_const(self, ins, what) -> tuple[Tensor, np.ndarray, bool]:
        first = ins[0] in self.values and not isinstance(self.values[ins[0]], Const)
        data, const = (ins[0], ins[1]) if first else (ins[1], ins[0])
        if const in self.values and not isinstance(self.values[const], Const):
            raise Unsupported(f"{what} of two data tensors (no spec layer multiplies activations)")
        return self.tensor(data), self.const(const).astype(np.float64), first

    def affine(self, node, t: Tensor, scale=None, shift=None, source: str | None = None) -> Tensor:
        """x·scale or x + shift per channel: folded into the bias of the dense/conv/batchnorm that made
        `source` when nothing else reads it, else a batchnorm of mean 0 and variance 1."""
        layer = self.producer.get(source) if source else None
        if shift is not None and layer is not None and self.consumers.get(source) == 1 and layer["name"] == t.name:
            key = {"dense": "bias", "conv2d": "bias", "batchnorm": "beta"}.get(layer["type"])
            if key:
                name = f"{layer['name']}.{key}"
                if key == "bias" and not layer["use_bias"]:
                    layer["use_bias"] = True
                    self.weights[name] = np.zeros(len(shift), np.float32)
                self.weights[name] = (self.weights[name].astype(np.float64) + shift).astype(np.float32)
                self.producer[node.output[0]] = layer
                return t
        channels = t.shape[-1]
        epsilon = 1e-3
        layer, _ = self.layer("batchnorm", [t], epsilon=epsilon)
        gamma = (scale if scale is not None else np.ones(channels)) * math.sqrt(1 + np.float32(epsilon))
        for p, a in zip(("gamma", "beta", "moving_mean", "moving_variance"),
                        (gamma, shift if shift is not None else np.zeros(channels), np.zeros(channels), np.ones(channels))):
            self.weights[f"{layer['name']}.{p}"] = np.asarray(a, np.float32)
        self.producer[node.output[0]] = layer
        return self.like(t, layer["name"])

    def counted_average_share(self, v: CountedAverage, c: np.ndarray) -> Tensor | None:
        """The SAME average pooling when `c` is the share of real cells in each window."""
        h, w, _ = v.base.shape
        pads = (*same_padding(h, v.kernel[0], v.strides[0]), *same_padding(w, v.kernel[1], v.strides[1]))
        if v.pads != pads:
            return None
        ones = np.pad(np.ones((h, w)), ((pads[0], pads[1]), (pads[2], pads[3])))
        kh, kw = v.kernel
        sh, sw = v.strides
        oh, ow = (ones.shape[0] - kh) // sh + 1, (ones.shape[1] - kw) // sw + 1
        share = np.array([[ones[i * sh:i * sh + kh, j * sw:j * sw + kw].mean() for j in range(ow)] for i in range(oh)])
        try:
            got = np.broadcast_to(c, (1, 1, oh, ow))[0, 0]
        except ValueError:
            return None
        if not np.allclose(got, share, rtol=1e-6, atol=0):
            return None
        return self.pool("avgpool2d", v.base, v.kernel, v.strides, "same")

    def op_Pow(self, node, ins, attrs):
        t = self.tensor(ins[0])
        k = self.const(ins[1])
        if k.size != 1 or float(k.reshape(())) != int(k.reshape(())) or int(k.reshape(())) < 2:
            raise Unsupported("a power other than an integer ≥ 2")
        return Power(t, int(k.reshape(())))

    def op_Concat(self, node, ins, attrs):
        parts = [self.values[x] for x in ins]
        if any(isinstance(p, (Power, Const)) for p in parts):
            return self.polynomial(node, parts, attrs)
        ts = [self.tensor(x) for x in ins]
        if not all(_same_layout(ts[0], t, but_axis=attrs["axis"]) for t in ts[1:]) or ts[0].order is not None:
            raise Unsupported("a concatenation of tensors laid out differently")
        axis = _logical(ts[0], attrs["axis"], "concatenation")
        cfg = {} if axis == len(ts[0].shape) else {"axis": axis - 1}
        layer, out = self.layer("concat", ts, **cfg)
        return self.like(ts[0], layer["name"], out)

    def polynomial(self, node, parts, attrs) -> Tensor:
        """Concat(1, x, x**2, …, x**(d-1)) on the channels: the polynomial layer of degree d."""
        x = parts[1] if len(parts) > 1 else None
        ok = (isinstance(x, Tensor) and isinstance(parts[0], Const) and x.order is None
              and parts[0].a.shape == ((self.batch or B1), *x.phys) and np.all(parts[0].a == 1)
              and all(isinstance(p, Power) and _same_value(p.base, x) and p.k == k for k, p in enumerate(parts[2:], 2))
              and _logical(x, attrs["axis"], "concatenation") == len(x.shape))
        if not ok:
            raise Unsupported("a concatenation of constants or powers other than the polynomial 1, x, x**2, … on the channels")
        layer, out = self.layer("polynomial", [x], degree=len(parts))
        return self.like(x, layer["name"], out)


def _own_pads(t: Tensor, kernel, strides, attrs) -> tuple:
    """A conv's or pooling's own padding, (top, bottom, left, right), from `pads` or `auto_pad`."""
    h, w, _ = t.shape
    auto = attrs.get("auto_pad", b"NOTSET")
    auto = auto.decode() if isinstance(auto, bytes) else auto
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        (a, b), (c, d) = same_padding(h, kernel[0], strides[0]), same_padding(w, kernel[1], strides[1])
        return (a, b, c, d) if auto == "SAME_UPPER" else (b, a, d, c)
    p = attrs.get("pads", [0, 0, 0, 0])
    return (p[0], p[2], p[1], p[3])  # ONNX: [top, left, bottom, right]


def _transposed(t: Tensor, perm) -> Tensor:
    q = _full_perm(t)
    p = perm or list(reversed(range(len(t.phys) + 1)))
    if q is None or p[0] != 0:
        raise Unsupported("a transpose of the batch axis or of flattened data")
    return Tensor(t.name, t.shape, tuple(q[i] for i in p), tuple((None, *t.phys)[i] for i in p[1:]))


def _same_value(a: Tensor, b: Tensor) -> bool:
    """The same spec value in the same physical layout."""
    return a.name == b.name and a.order is None and b.order is None and a.phys == b.phys and _full_perm(a) == _full_perm(b)


def _same_tensor(t: Tensor, perm: tuple) -> bool:
    """True when t's physical tensor is exactly transpose(logical, perm)."""
    if t.order is not None or tuple((None, *t.shape)[p] for p in perm[1:]) != t.phys:
        return False
    return [p for p in t.perm if t.full[p] != 1] == [p for p in perm if t.full[p] != 1]


def _same_layout(a: Tensor, b: Tensor, but_axis: int | None = None) -> bool:
    if a.order is not None or b.order is not None:
        return a.order is not None and b.order is not None and np.array_equal(a.order, b.order)
    qa, qb = _full_perm(a), _full_perm(b)
    if qa is None or qb is None or qa != qb:
        return False
    return but_axis is not None or a.phys == b.phys


def _rows_in_logical_order(kernel: np.ndarray, order: np.ndarray) -> np.ndarray:
    """A dense kernel whose row j multiplies physical element j, which is logical element order[j]:
    the spec's kernel has that row at order[j]."""
    rows = np.empty_like(kernel)
    rows[order] = kernel
    return rows


def _conv_kernel(w: np.ndarray) -> np.ndarray:
    """ONNX's (out, in, kh, kw) → the spec's (kh, kw, in, out)."""
    return np.ascontiguousarray(w.transpose(2, 3, 1, 0))


def _pair(v):
    v = [int(x) for x in v]
    return v[0] if v[0] == v[1] else v


def _float32(x) -> float:
    """A float32 attribute as the shortest decimal that is that float32 (0.2, not 0.200000003)."""
    return float(str(np.float32(x)))


def _layer_base(weight_name: str) -> str | None:
    """A torch module's name from its parameter's (`layer1.0.conv1.weight` → `layer1_0_conv1`), the
    spec's convention for torch names; None for other exporters' names."""
    if weight_name.endswith(".weight") and "/" not in weight_name and ":" not in weight_name:
        return weight_name[: -len(".weight")].replace(".", "_")
    return None


def _attributes(node) -> dict:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _dims(value_info) -> list:
    return [d.dim_value if d.HasField("dim_value") else d.dim_param or None for d in value_info.type.tensor_type.shape.dim]


def describe(node, index: int) -> str:
    label = repr(node.name) if node.name else f"#{index} (output {node.output[0]!r})"
    domain = f"{node.domain}." if node.domain not in ("", "ai.onnx") else ""
    return f"node {label} ({domain}{node.op_type})"


def real_inputs(model) -> list:
    inits = {i.name for i in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in inits]


# -- the public steps ---------------------------------------------------------------------------
def load(path: str | Path):
    """The ONNX model in `path`, checked by `onnx.checker`; UserError in one line otherwise."""
    import onnx

    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    try:
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
    except Exception as e:  # protobuf's DecodeError, the checker's ValidationError, …: one line says which
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise UserError(f"{path}: not a readable ONNX model: {first}") from None
    if not model.graph.node:
        raise UserError(f"{path}: not a readable ONNX model: its graph has no nodes")
    return model


def unsupported_nodes(model) -> list[tuple[int, str]]:
    """(index, line) of every node on the data path whose op has no spec counterpart. The data
    path: every node reached from the input other than through Shape/Size."""
    data = {i.name for i in real_inputs(model)}
    found = []
    for i, node in enumerate(model.graph.node):
        if node.op_type in SHAPE_OPS or not any(x in data for x in node.input):
            continue
        data.update(node.output)
        if node.domain not in ("", "ai.onnx") or node.op_type not in DATA_OPS:
            found.append((i, f"{describe(node, i)}: no spec layer type for it"))
    return found


@dataclass
class Imported:
    raw: dict
    weights: dict
    input_layout: Tensor  # how the file holds the spec's input
    output_layout: Tensor  # how the file holds the spec's output

    def to_file(self, x: np.ndarray) -> np.ndarray:
        t = self.input_layout
        return np.ascontiguousarray(x.transpose(t.perm).reshape(len(x), *t.phys))

    def from_file(self, y: np.ndarray) -> np.ndarray:
        t = self.output_layout
        if t.order is not None:
            out = np.empty_like(y)
            out[:, t.order] = y
            return out
        moved = tuple((len(y), *t.shape)[p] for p in t.perm)
        return y.reshape(moved).transpose(np.argsort(t.perm))

    @property
    def notes(self) -> list[str]:
        out = []
        if self.input_layout.perm != tuple(range(len(self.input_layout.perm))):
            out.append("the file's input is channels first; the spec's is channels last")
        if not _in_order(self.output_layout) or self.output_layout.phys != self.output_layout.shape:
            out.append("the file's output is laid out differently from the spec's (channels last)")
        return out


def convert(model, spec_id: str, source: str) -> Imported:
    """The spec, weights and layouts of a loaded ONNX model; UserError listing every node that
    cannot be converted."""
    inputs = real_inputs(model)
    if len(inputs) != 1 or len(model.graph.output) != 1:
        raise UserError(f"{source}: only models with one input and one output can be imported "
                        f"(inputs {[i.name for i in inputs]}, outputs {[o.name for o in model.graph.output]})")
    from onnx import TensorProto

    inp = inputs[0]
    dims = _dims(inp)
    if inp.type.tensor_type.elem_type != TensorProto.FLOAT or len(dims) < 2 or any(not isinstance(d, int) for d in dims[1:]):
        raise UserError(f"{source}: input {inp.name!r} must be float32 with fixed sizes but the batch, got {dims}")
    listed = unsupported_nodes(model)
    skip = {i for i, _ in listed}
    attempts = [False, True] if len(dims) == 4 else [False]  # channels last, then first
    first = None
    for channels_first in attempts:
        c = _Converter(model, channels_first)
        c.run(skip)
        out_name = model.graph.output[0].name
        if not listed and not c.problems and out_name in c.values:
            try:
                out = c.tensor(out_name)
            except Unsupported as e:
                c.problems.append(f"output {out_name!r}: {e}")
            else:
                if not c.problems:
                    return _finish(c, out, out_name, spec_id, source)
        first = first or c
    lines = [line for _, line in listed] + first.problems
    raise UserError(f"{source}: {len(lines)} node(s) of the model cannot be imported:\n" + "\n".join(f"  {p}" for p in lines))


def _finish(c: _Converter, out: Tensor, out_name: str, spec_id: str, source: str) -> Imported:
    if out.name == c.input_name:
        raise UserError(f"{source}: the model's output is its input; there is nothing to import")
    # The layer carrying the output takes the output's name, as in the project's own exports.
    wanted = out.name if out.name == identifier(out_name) else c.names.fresh(out_name)
    layers = c.layers
    rename = {out.name: wanted}
    for layer in layers:
        layer["name"] = rename.get(layer["name"], layer["name"])
        if "inputs" in layer:
            layer["inputs"] = [rename.get(n, n) for n in layer["inputs"]]
    weights = {}
    for k, v in c.weights.items():
        layer, param = k.rsplit(".", 1)
        weights[f"{rename.get(layer, layer)}.{param}"] = v
    out = replace(out, name=wanted)
    producer = c.model.producer_name or "an unknown producer"
    raw = {"id": spec_id,
           "description": f"Imported from the ONNX model {Path(source).name} ({producer} "
                          f"{c.model.producer_version}, opset {c.opset()}) by `crosscheck import`.",
           "input": {"name": c.input_name, "shape": list(c.input.shape)}, "layers": layers}
    if wanted != layers[-1]["name"]:
        raw["outputs"] = [wanted]
    return Imported(raw, weights, c.input, out)
